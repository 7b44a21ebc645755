// The sentinel's HTTP API: routes, bearer-token check, and the hop to the loop thread.
#include "sentinel/api/api_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <future>

#include "sentinel/api/api_token.h"
#include "sentinel/api/status_page.h"

namespace sentinel::api {
using nlohmann::json;

namespace {
constexpr auto kCommandTimeout = std::chrono::seconds(120);

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(1) + "\n", "application/json");
}

// Never cached (an operator must not see an old master), and the page may load nothing
// from anywhere but this server: no external assets, no framing.
void page_headers(httplib::Response& res) {
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Content-Security-Policy",
                 "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                 "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; "
                 "frame-ancestors 'none'");
}
}  // namespace

ApiServer::ApiServer(Dispatch dispatch, std::string token)
    : dispatch_(std::move(dispatch)), token_(std::move(token)) {}

ApiServer::~ApiServer() { stop(); }

json ApiServer::call(const std::string& verb, const json& args, int& status) {
  auto result = std::make_shared<std::promise<std::pair<int, json>>>();
  auto once = std::make_shared<std::once_flag>();
  auto future = result->get_future();
  dispatch_(verb, args, [result, once](int st, const json& body) {
    std::call_once(*once, [&] { result->set_value({st, body}); });
  });
  if (future.wait_for(kCommandTimeout) != std::future_status::ready) {
    status = 504;
    return {{"error", "the sentinel did not finish " + verb + " in time; see sentinel history"}};
  }
  try {
    auto [st, body] = future.get();
    status = st;
    return body;
  } catch (const std::exception&) {
    status = 503;
    return {{"error", "the sentinel is shutting down"}};
  }
}

bool ApiServer::start(const dnsd::common::SocketAddress& listen, std::string& error) {
  auto& srv = listener_.server();
  auto authorized = [this](const httplib::Request& req, httplib::Response& res) {
    if (bearer_matches(req.get_header_value("Authorization"), token_)) return true;
    send_json(res, 401, {{"error", "unauthorized: send Authorization: Bearer <api token>"}});
    return false;
  };
  auto get = [this, authorized](const std::string& verb) {
    return [this, authorized, verb](const httplib::Request& req, httplib::Response& res) {
      if (!authorized(req, res)) return;
      json args = json::object();
      if (req.matches.size() > 1) args["node"] = req.matches[1].str();
      int status = 500;
      json body = call(verb, args, status);
      send_json(res, status, body);
    };
  };
  auto post = [this, authorized](const std::string& verb) {
    return [this, authorized, verb](const httplib::Request& req, httplib::Response& res) {
      if (!authorized(req, res)) return;
      json args = json::object();
      if (!req.body.empty()) {
        args = json::parse(req.body, nullptr, false);
        if (args.is_discarded() || !args.is_object())
          return send_json(res, 400, {{"error", "the body must be a JSON object"}});
        if (args.contains("node") && !args["node"].is_string())
          return send_json(res, 400, {{"error", "node must be a string"}});
        if (args.contains("dry_run") && !args["dry_run"].is_boolean())
          return send_json(res, 400, {{"error", "dry_run must be true or false"}});
      }
      if (verb != "reconcile" && verb != "reload" && args.value("node", "").empty())
        return send_json(res, 400, {{"error", "node is required"}});
      int status = 500;
      json body = call(verb, args, status);
      send_json(res, status, body);
    };
  };
  srv.Get("/v1/status", get("status"));
  srv.Get("/v1/history", get("history"));
  srv.Get(R"(/v1/explain/([A-Za-z0-9_-]{1,63}))", get("explain"));
  for (const char* verb : {"promote", "drain", "undrain", "reconcile", "reload"})
    srv.Post(std::string("/v1/") + verb, post(verb));
  srv.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    int status = 500;
    json body = call("metrics", json::object(), status);
    res.status = status;
    res.set_content(body.value("text", ""), "text/plain; version=0.0.4");
  });
  // The status page and its data: read-only, no token (like /metrics), so the token never
  // has to reach a browser. The page is the same bytes for everyone; only /status.json
  // carries the cluster's state.
  srv.Get("/", [](const httplib::Request&, httplib::Response& res) {
    page_headers(res);
    auto page = status_page_html();
    res.set_content(page.data(), page.size(), "text/html; charset=utf-8");
  });
  srv.Get("/status.json", [this](const httplib::Request&, httplib::Response& res) {
    page_headers(res);
    int status = 500;
    json s = call("status", json::object(), status);
    if (status != 200) return send_json(res, status, s);
    json h = call("history", json::object(), status);
    if (status != 200) return send_json(res, status, h);
    send_json(res, 200, page_json(s, h));
  });
  srv.set_read_timeout(5, 0);
  // An idle keep-alive connection holds one of httplib's pool threads: a status page polling
  // every 1.5 s would hold one per open tab. Idle connections close after 1 s instead.
  srv.set_keep_alive_timeout(1);
  srv.set_write_timeout(5, 0);
  srv.set_payload_max_length(64 * 1024);
  if (!listener_.start(listen)) {
    error = "cannot listen on " + listen.to_string() + " (api_listen): address in use?";
    return false;
  }
  return true;
}

void ApiServer::stop() { listener_.stop(); }

}  // namespace sentinel::api
