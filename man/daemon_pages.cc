// dnsd(8), sentinel(8) and dnsdctl(8): what each program does, its options, signals,
// files, exit status and systemd unit. Keep it short and true to README.md.
#include "dnsd/control/control_protocol.h"
#include "man/man_pages.h"

namespace dnsgtm::man {
using dnsd::common::ManPage;
using dnsd::common::ManSection;

namespace {

ManPage base(const PageInfo& info, std::string name, std::string summary) {
  ManPage p;
  p.name = std::move(name);
  p.section = 8;
  p.date = info.date;
  p.source = "dnsgtm " + info.version;
  p.manual = "System Manager's Manual";
  p.summary = std::move(summary);
  return p;
}

ManPage dnsd_page(const PageInfo& info) {
  ManPage p = base(info, "dnsd",
                   "authoritative DNS server that answers with the node's own addresses");
  p.synopsis = {"dnsd -c FILE [--check]", "dnsd --keys", "dnsd --version"};
  p.description = {
      "dnsd runs on every edge node of a traffic-managed zone. It is an authoritative DNS "
      "server for a delegated subdomain and answers the zone's self names (the apex and the "
      "wildcard by default) with this node's own addresses, so a resolver that cannot reach "
      "one nameserver retries another and lands on a live node.",
      "It also serves the cluster records that sentinel(8) maintains (SRV priorities for "
      "master and replicas, master.<zone>, cluster.<zone>) and accepts TSIG-signed RFC 2136 "
      "updates for them; every acknowledged update is journaled and survives a restart. It "
      "serves AXFR/IXFR to keyed secondaries and sends NOTIFY after a change.",
      "A config or zone error is reported as file:line: key = value: reason, all of them at "
      "once, and dnsd exits before binding. The configuration is described in dnsd.toml(5).",
  };
  p.sections.push_back(ManSection{"OPTIONS", {}, {
      {"-c, --config FILE", "the configuration file, dnsd.toml(5); required except with --keys"},
      {"--check", "validate the configuration and read the zone files, print every problem, "
                  "exit 0 or 1; state_dir and the journals are not touched"},
      {"--keys", "print every dnsd.toml key, one a line: section.name, reload or restart, "
                 "and its default; exit 0"},
      {"--version", "print the version and exit"},
      {"-h, --help", "print the options and exit"},
  }, ""});
  p.sections.push_back(ManSection{"SIGNALS",
      {"A signal that arrives during start-up is held and handled once dnsd is up."}, {
      {"SIGHUP", "reload the configuration and the zones without dropping a query; keys "
                 "marked restart by --keys keep their running value and are logged. A failed "
                 "reload logs the errors and keeps serving the previous config and zones"},
      {"SIGTERM, SIGINT", "answer [server] stop_answer (REFUSED by default) for [server] "
                          "stop_grace, so resolvers move to another node, then exit; a second "
                          "signal exits at once"},
  }, ""});
  p.sections.push_back(ManSection{"FILES", {}, {
      {"/etc/dnsd/dnsd.toml", "the configuration, dnsd.toml(5)"},
      {"/var/lib/dnsd", "[server] state_dir: journals and snapshots of dynamic updates"},
      {"/var/lib/dnsd/control.sock", "the control socket dnsdctl(8) talks to"},
  }, ""});
  p.sections.push_back(ManSection{"SYSTEMD", {
      "dnsd.service runs dnsd -c /etc/dnsd/dnsd.toml as the user dnsd with only "
      "CAP_NET_BIND_SERVICE, after dnsd --check. It is Type=notify: dnsd reports ready once "
      "it answers, pings the watchdog (WatchdogSec=30s) while its loop runs, and systemctl "
      "reload sends SIGHUP. systemctl stop sends SIGTERM; TimeoutStopSec must exceed "
      "[server] stop_grace."}, {}, ""});
  p.sections.push_back(ManSection{"EXIT STATUS", {}, {
      {"0", "stopped by a signal, or --check found no problem, or --keys"},
      {"1", "configuration or zone errors, or start-up failed (nothing was started)"},
      {"2", "usage error"},
  }, ""});
  p.see_also = {"dnsd.toml(5)", "dnsdctl(8)", "sentinel(8)", "systemctl(1)"};
  return p;
}

ManPage sentinel_page(const PageInfo& info) {
  ManPage p = base(info, "sentinel",
                   "health probes, failover and record publishing for dnsd nodes");
  p.synopsis = {"sentinel run [-c FILE]", "sentinel check [-c FILE]", "sentinel keys",
                "sentinel status|history|reconcile [-c FILE] [--json]",
                "sentinel promote NODE [-c FILE] [--dry-run] [--json]",
                "sentinel drain NODE [-c FILE] [--wait]",
                "sentinel undrain NODE [-c FILE]",
                "sentinel explain NODE [-c FILE] [--json]"};
  p.description = {
      "sentinel probes the nodes of a dnsd(8) cluster, decides when the master is down, "
      "promotes the best replica through the tunnel server's hook (and tells an old master "
      "to step down when it returns), and rewrites the cluster records on every dnsd with "
      "TSIG-signed RFC 2136 updates fenced by an epoch it persists before acting.",
      "The client subcommands ask a running sentinel over its HTTP API; they read the same "
      "configuration to find the API (api_listen) and its bearer token (api_token_file). "
      "The configuration is described in sentinel.toml(5).",
  };
  p.sections.push_back(ManSection{"COMMANDS", {}, {
      {"run", "run the daemon in the foreground, logging to stderr"},
      {"check", "validate the configuration, print warnings, exit 0 or 1"},
      {"keys", "print every sentinel.toml key, one a line: section.name, reload or restart, "
               "and its default; exit 0"},
      {"status", "nodes, health, role, master, epoch, last failover"},
      {"promote NODE", "manual switchover to NODE (graceful if the master is up)"},
      {"drain NODE", "take NODE out of service"},
      {"undrain NODE", "put NODE back into service"},
      {"history", "recent events, newest last"},
      {"explain NODE", "the probe evidence and the rule behind a node's state"},
      {"reconcile", "push the desired records to every dnsd now"},
      {"reload", "re-read sentinel.toml in the running daemon (what SIGHUP does); exit 1 with "
                 "the reason when it is refused"},
  }, ""});
  p.sections.push_back(ManSection{"OPTIONS", {}, {
      {"-c, --config FILE", "sentinel.toml (default $SENTINEL_CONFIG, else "
                            "/etc/sentinel/sentinel.toml)"},
      {"--json", "status, promote, history, explain, reconcile: print JSON"},
      {"--dry-run", "promote: print the record diff and the new epoch only"},
      {"--wait", "drain: return once the parent zone's delegation no longer names NODE and "
                 "resolvers' cached NS sets have expired (max(ns_ttl, 5 s) + 1 s), so it can be "
                 "stopped; exit 1 if the parent still names it after the timeout (without [parent]: nothing to wait for, exit 0)"},
      {"--version", "print the version and exit"},
      {"-h, --help", "print the commands or a command's options and exit"},
  }, ""});
  p.sections.push_back(ManSection{"SIGNALS",
      {"A SIGTERM or SIGINT during start-up is held and handled once the loop runs."}, {
      {"SIGTERM, SIGINT", "stop probing, close the API and exit; the state file is already "
                          "current (it is rewritten after every step)"},
      {"SIGHUP", "reload sentinel.toml without losing state (as sentinel reload does): keys "
                 "marked reload in sentinel.toml(5) apply at once, restart keys keep their "
                 "running value with a warning; a file with errors is refused and the old "
                 "configuration keeps running"},
  }, ""});
  p.sections.push_back(ManSection{"ENVIRONMENT", {}, {
      {"SENTINEL_CONFIG", "the configuration file when -c is not given"},
  }, ""});
  p.sections.push_back(ManSection{"FILES", {}, {
      {"/etc/sentinel/sentinel.toml", "the configuration, sentinel.toml(5)"},
      {"/var/lib/sentinel", "the usual place of the state file and the API token"},
  }, ""});
  p.sections.push_back(ManSection{"SYSTEMD", {
      "sentinel.service runs sentinel run -c /etc/sentinel/sentinel.toml as the user "
      "sentinel with no capabilities, after sentinel check. It is Type=notify: sentinel "
      "reports ready once it watches the nodes and pings the watchdog (WatchdogSec=30s); "
      "systemctl reload sends SIGHUP; Restart=always."}, {}, ""});
  p.sections.push_back(ManSection{"EXIT STATUS", {}, {
      {"0", "done (or stopped by a signal)"},
      {"1", "configuration errors, or the request was refused or failed (the reason on "
            "stderr)"},
      {"2", "usage error"},
  }, ""});
  p.see_also = {"sentinel.toml(5)", "dnsd(8)", "systemctl(1)"};
  return p;
}

ManPage dnsdctl_page(const PageInfo& info) {
  ManPage p = base(info, "dnsdctl", "ask a running dnsd over its control socket");
  p.synopsis = {"dnsdctl [-s SOCKET | -c FILE] [--json] [--timeout SECONDS] COMMAND [ARGS...]"};
  p.description = {
      "dnsdctl sends one command to a running dnsd(8) over its unix control socket ([control] "
      "socket in dnsd.toml(5)) and prints the answer as aligned text, or with --json as "
      "dnsd's JSON. The socket has mode 0600 and belongs to dnsd's user, so only that user "
      "and root can use it.",
  };
  ManSection commands{"COMMANDS", {}, {}, ""};
  for (const auto& c : dnsd::control::commands()) {
    std::string usage(c.name);
    if (!c.args.empty()) usage += " " + std::string(c.args);
    commands.items.push_back({usage, std::string(c.doc)});
  }
  p.sections.push_back(std::move(commands));
  p.sections.push_back(ManSection{"OPTIONS",
      {"Without -s or -c the socket is /var/lib/dnsd/control.sock."}, {
      {"-s, --socket SOCKET", "dnsd's control socket"},
      {"-c, --config FILE", "read the socket path from this dnsd.toml ([control] socket)"},
      {"--json", "print dnsd's JSON answer instead of text"},
      {"--timeout SECONDS", "seconds to wait for the answer, 1 to 3600 (default 60)"},
      {"-h, --help", "print the options and commands and exit"},
  }, ""});
  p.sections.push_back(ManSection{"FILES", {}, {
      {"/var/lib/dnsd/control.sock", "the default control socket"},
  }, ""});
  p.sections.push_back(ManSection{"EXIT STATUS", {}, {
      {"0", "the command succeeded"},
      {"1", "anything else: usage, an unknown command or zone, a failed reload, or no dnsd "
            "answering"},
  }, ""});
  p.see_also = {"dnsd(8)", "dnsd.toml(5)"};
  return p;
}

}  // namespace

std::vector<ManPage> daemon_pages(const PageInfo& info) {
  return {dnsd_page(info), sentinel_page(info), dnsdctl_page(info)};
}

}  // namespace dnsgtm::man
