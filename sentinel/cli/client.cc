// The client subcommands over the daemon's HTTP API.
#include "sentinel/cli/client.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "sentinel/api/api_token.h"
#include "sentinel/cli/client_format.h"
#include "sentinel/cli/drain_wait.h"

namespace sentinel::cli {
using nlohmann::json;

namespace {

// drain --wait: polls the status until the parent's delegation, as sentinel read it back,
// no longer names the node, then waits for the resolvers' copies of the old NS set.
int wait_out_of_delegation(const config::SentinelConfig& c, const std::string& node,
                           httplib::Client& cli, const httplib::Headers& headers) {
  auto n = std::find_if(c.nodes.begin(), c.nodes.end(), [&](const auto& x) { return x.name == node; });
  if (!c.parent.enabled || n == c.nodes.end() || n->ns.empty()) {
    std::cerr << "sentinel: nothing to wait for: sentinel does not keep the parent's delegation "
                 "([parent], and an `ns` for " << node << "), so resolvers keep " << node
              << "'s address in the NS set they use; Knot Resolver tries it after the stop "
                 "(docs/operations.md \"Maintenance\")\n";
    return 0;
  }
  using clock = std::chrono::steady_clock;
  auto limit = std::max<std::chrono::milliseconds>(std::chrono::seconds(30), 3 * c.reconcile_interval);
  auto deadline = clock::now() + limit;
  while (true) {
    auto res = cli.Get("/v1/status", headers);
    json status = res && res->status == 200 ? json::parse(res->body, nullptr, false) : json();
    if (delegation_names(status, n->ns) == DelegationView::Gone) break;
    if (clock::now() >= deadline) {
      std::cerr << "sentinel: the parent " << c.parent.zone << " still names " << n->ns << " after "
                << limit.count() / 1000 << " s (see `sentinel status`): do not stop " << node
                << "'s dnsd yet\n";
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  auto settle = resolver_settle_seconds(c.parent.ns_ttl);
  std::cout << node << ": the parent " << c.parent.zone << " no longer names " << n->ns
            << "; waiting " << settle << " s until resolvers have dropped the NS set that did\n"
            << std::flush;
  std::this_thread::sleep_for(std::chrono::seconds(settle));
  std::cout << node << ": out of every resolver's NS set; stop its dnsd now\n";
  return 0;
}

}  // namespace

int run_client(const config::SentinelConfig& c, const ClientRequest& r) {
  std::string error;
  auto token = api::read_token(c.api_token_file, error);
  if (!token) {
    std::cerr << "sentinel: cannot read the API token: " << error
              << " (run as the sentinel's user, after `sentinel run` created it)\n";
    return 1;
  }
  std::string addr = c.api_listen.to_string();
  std::string host = addr.substr(0, addr.rfind(':'));
  if (!host.empty() && host.front() == '[') host = host.substr(1, host.size() - 2);
  httplib::Client cli(host, c.api_listen.port());
  cli.set_connection_timeout(3, 0);
  cli.set_read_timeout(130, 0);
  httplib::Headers headers{{"Authorization", "Bearer " + *token}};
  auto res = [&]() -> httplib::Result {
    if (r.verb == "status" || r.verb == "history") return cli.Get("/v1/" + r.verb, headers);
    if (r.verb == "explain") return cli.Get("/v1/explain/" + r.node, headers);
    json body = json::object();
    if (!r.node.empty()) body["node"] = r.node;
    if (r.dry_run) body["dry_run"] = true;
    return cli.Post("/v1/" + r.verb, headers, body.dump(), "application/json");
  }();
  if (!res) {
    std::cerr << "sentinel: cannot reach the sentinel API at " << addr << ": "
              << httplib::to_string(res.error()) << " (is `sentinel run` running?)\n";
    return 1;
  }
  json body = json::parse(res->body, nullptr, false);
  if (body.is_discarded()) {
    std::cerr << "sentinel: the API answered HTTP " << res->status << " with a body that is not JSON\n";
    return 1;
  }
  if (res->status < 200 || res->status >= 300) {
    std::cerr << "sentinel: " << r.verb << (r.node.empty() ? "" : " " + r.node) << " refused: "
              << body.value("error", "HTTP " + std::to_string(res->status)) << "\n";
    for (const auto& d : body.value("details", json::array()))
      if (d.is_string()) std::cerr << "  " << d.get<std::string>() << "\n";
    return 1;
  }
  if (r.json) {
    std::cout << body.dump(2) << "\n";
    return 0;
  }
  std::cout << format_reply(r.verb, r.node, body) << std::flush;
  if (r.verb == "drain" && r.wait) return wait_out_of_delegation(c, r.node, cli, headers);
  return 0;
}

}  // namespace sentinel::cli
