// dnsdctl: asks a running dnsd over its control socket ([control] socket) and prints the
// answer, as aligned text or (--json) the server's JSON. Exit 0 on success, 1 otherwise.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "dnsd/config/config.h"
#include "dnsd/control/control_protocol.h"
#include "dnsd/ctl/ctl_client.h"
#include "dnsd/ctl/ctl_format.h"

namespace {

using namespace dnsd;

std::string commands_help() {
  std::string out = "commands:\n";
  for (const auto& c : control::commands()) {
    std::string usage = std::string(c.name) + (c.args.empty() ? "" : " " + std::string(c.args));
    out += "  " + usage + std::string(usage.size() < 16 ? 16 - usage.size() : 1, ' ') +
           std::string(c.doc) + "\n";
  }
  return out;
}

// The socket from -s, from the config's [control] socket, or the default place.
bool socket_path(const std::string& socket, const std::string& config_path, std::string& out) {
  if (!socket.empty()) {
    out = socket;
    return true;
  }
  if (config_path.empty()) {
    out = config::control_socket_path(config::Config{});
    return true;
  }
  common::ErrorList errors;
  auto c = config::load_config(config_path, errors);
  if (!c) {
    std::fputs(errors.to_string().c_str(), stderr);
    std::fprintf(stderr, "dnsdctl: %s has %zu error(s); cannot tell where dnsd's control socket is "
                 "(give it with -s)\n", config_path.c_str(), errors.size());
    return false;
  }
  out = config::control_socket_path(*c);
  if (out.empty()) {
    std::fprintf(stderr, "dnsdctl: %s has [control] socket = \"off\": that dnsd has no control "
                 "socket\n", config_path.c_str());
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dnsdctl: ask a running dnsd (status, zones, stats, reload, journal)"};
  std::string socket, config_path, command;
  std::vector<std::string> args;
  bool json = false;
  int timeout = 60;
  auto* s_opt = app.add_option("-s,--socket", socket, "dnsd's control socket");
  auto* c_opt = app.add_option("-c,--config", config_path,
                               "read the socket path from this dnsd.toml ([control] socket)");
  s_opt->excludes(c_opt);
  app.add_flag("--json", json, "print dnsd's JSON answer instead of text");
  app.add_option("--timeout", timeout, "seconds to wait for the answer (default 60)")
      ->check(CLI::Range(1, 3600));
  app.add_option("command", command, "the command")->required();
  app.add_option("args", args, "its arguments");
  app.footer(commands_help() + "\nWithout -s or -c the socket is " +
             config::control_socket_path(config::Config{}) + ".");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 1;
  }
  control::Request request{command, args};
  if (!control::find_command(command)) {
    std::fprintf(stderr, "dnsdctl: unknown command \"%s\"\n%s", command.c_str(),
                 commands_help().c_str());
    return 1;
  }
  if (auto why = control::check_request(request)) {
    std::fprintf(stderr, "dnsdctl: %s\n", why->c_str());
    return 1;
  }
  std::string path;
  if (!socket_path(socket, config_path, path)) return 1;
  std::string error;
  auto answer = ctl::exchange(path, control::encode_request(request), timeout, error);
  if (!answer) {
    std::fprintf(stderr, "dnsdctl: %s\n", error.c_str());
    return 1;
  }
  nlohmann::json response = nlohmann::json::parse(*answer, nullptr, false);
  if (response.is_discarded() || !response.is_object() || !response.contains("ok")) {
    std::fprintf(stderr, "dnsdctl: %s answered something that is not dnsd's JSON\n", path.c_str());
    return 1;
  }
  bool ok = response["ok"] == true;
  if (json) {
    std::printf("%s\n", answer->c_str());
    return ok ? 0 : 1;
  }
  if (!ok) {
    std::fputs(ctl::format_error(response).c_str(), stderr);
    return 1;
  }
  try {
    std::fputs(ctl::format_result(command, response.at("result")).c_str(), stdout);
  } catch (const nlohmann::json::exception& e) {
    std::fprintf(stderr, "dnsdctl: dnsd's answer has an unexpected shape (%s); --json shows it\n",
                 e.what());
    return 1;
  }
  return 0;
}
