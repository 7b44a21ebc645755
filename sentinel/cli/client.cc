// The client subcommands over the daemon's HTTP API.
#include "sentinel/cli/client.h"

#include <httplib.h>

#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "sentinel/api/api_token.h"
#include "sentinel/cli/client_format.h"

namespace sentinel::cli {
using nlohmann::json;

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
  std::cout << format_reply(r.verb, r.node, body);
  return 0;
}

}  // namespace sentinel::cli
