// The exec tunnel driver: run the hook with "promote|demote NODE EPOCH MASTER" appended and
// SENTINEL_* in its environment; exit 0 is success; killed when it overruns the timeout.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "sentinel/driver/tunnel_driver.h"

extern char** environ;

namespace sentinel::driver {

DriverResult call_exec_driver(const config::TunnelConfig& t, const DriverCall& call,
                              std::chrono::milliseconds timeout) {
  if (t.command.empty()) return {false, "no command"};
  std::vector<std::string> args = t.command;
  args.insert(args.end(), {call.event, call.node, std::to_string(call.epoch), call.master});
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e)
    if (std::strncmp(*e, "SENTINEL_", 9) != 0) env.emplace_back(*e);
  env.push_back("SENTINEL_EVENT=" + call.event);
  env.push_back("SENTINEL_NODE=" + call.node);
  env.push_back("SENTINEL_MASTER=" + call.master);
  env.push_back("SENTINEL_EPOCH=" + std::to_string(call.epoch));
  env.push_back("SENTINEL_ZONE=" + call.zone);
  env.push_back("SENTINEL_TS=" + std::to_string(call.ts));
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);  // own group: kill it whole
  posix_spawnattr_setpgroup(&attr, 0);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return {false, "cannot run " + args[0] + ": " + std::strerror(rc)};

  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  for (;;) {
    pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) return {false, std::string("waitpid: ") + std::strerror(errno)};
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return {false, "killed after " + std::to_string(timeout.count()) + "ms"};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (WIFEXITED(status))
    return {WEXITSTATUS(status) == 0, "exit " + std::to_string(WEXITSTATUS(status))};
  return {false, "killed by signal " + std::to_string(WTERMSIG(status))};
}

}  // namespace sentinel::driver
