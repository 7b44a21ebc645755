// The API token file, bearer_matches, and ApiServer's routes on loopback.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sentinel/api/api_server.h"
#include "sentinel/api/api_token.h"
#include "sentinel/api/status_page.h"

namespace sentinel::api {
namespace {

using nlohmann::json;

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sentinel_api_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string dir_;
};

bool is_hex64(const std::string& t) {
  return t.size() == 64 && t.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST_F(TempDir, CreateTokenFile0600AndReuseIt) {
  std::string path = dir_ + "/token";
  std::string error;
  auto t1 = load_or_create_token(path, error);
  ASSERT_TRUE(t1.has_value()) << error;
  EXPECT_TRUE(is_hex64(*t1)) << *t1;
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto t2 = load_or_create_token(path, error);
  ASSERT_TRUE(t2.has_value()) << error;
  EXPECT_EQ(*t1, *t2);
  auto t3 = read_token(path, error);
  ASSERT_TRUE(t3.has_value()) << error;
  EXPECT_EQ(*t3, *t1);
  // Two fresh files get different tokens.
  auto other = load_or_create_token(dir_ + "/token2", error);
  ASSERT_TRUE(other.has_value()) << error;
  EXPECT_NE(*other, *t1);
}

TEST_F(TempDir, ATokenThatCannotBeMadeDurableIsNotLeftBehind) {
  struct FailingFsync : dnsd::common::FileOps {
    int fsync(int) const override { return errno = EIO, -1; }
  } io;
  std::string path = dir_ + "/token";
  std::string error;
  EXPECT_FALSE(load_or_create_token(path, error, io).has_value());
  EXPECT_NE(error.find("Input/output error"), std::string::npos) << error;
  EXPECT_NE(::access(path.c_str(), F_OK), 0) << "a token the disk did not keep is removed";
  auto t = load_or_create_token(path, error);  // the next start makes a good one
  ASSERT_TRUE(t.has_value()) << error;
}

TEST_F(TempDir, ReadTokenMissingFileFailsWithPath) {
  std::string path = dir_ + "/nope";
  std::string error;
  EXPECT_FALSE(read_token(path, error).has_value());
  EXPECT_NE(error.find(path), std::string::npos) << error;
  EXPECT_FALSE(std::filesystem::exists(path)) << "read_token must never create the file";
}

TEST_F(TempDir, ShortTokenFails) {
  std::string path = dir_ + "/short";
  { std::ofstream(path) << "abc123\n"; }
  std::string error;
  EXPECT_FALSE(read_token(path, error).has_value());
  EXPECT_NE(error.find(path), std::string::npos) << error;
  error.clear();
  EXPECT_FALSE(load_or_create_token(path, error).has_value());
  EXPECT_FALSE(error.empty());
}

TEST_F(TempDir, TokenTrailingWhitespaceTrimmed) {
  std::string path = dir_ + "/tok";
  { std::ofstream(path) << "0123456789abcdef0123\n\n"; }
  std::string error;
  auto t = read_token(path, error);
  ASSERT_TRUE(t.has_value()) << error;
  EXPECT_EQ(*t, "0123456789abcdef0123");
}

TEST(BearerMatches, Cases) {
  std::string t = "0123456789abcdef0123456789abcdef";
  EXPECT_TRUE(bearer_matches("Bearer " + t, t));
  EXPECT_FALSE(bearer_matches("Bearer " + t + "x", t));
  EXPECT_FALSE(bearer_matches("Bearer x" + t.substr(1), t));
  EXPECT_FALSE(bearer_matches(t, t));
  EXPECT_FALSE(bearer_matches("Basic " + t, t));
  EXPECT_FALSE(bearer_matches("", t));
  EXPECT_FALSE(bearer_matches("Bearer ", t));
}

// ---- ApiServer ----

uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return 0;
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

struct Call {
  std::string verb;
  json args;
};

class ApiServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ApiServer>(
        [this](const std::string& verb, const json& args, Reply reply) {
          {
            std::lock_guard<std::mutex> lock(mu_);
            calls_.push_back({verb, args});
          }
          if (verb == "metrics") reply(200, {{"text", "x 1\n"}});
          else if (verb == "history")
            reply(200, {{"events", {{{"event", "+up"}, {"node", "lb1"}},
                                    {{"event", "+switch-master"}, {"node", "lb2"}}}}});
          else reply(verb == "status" ? status_code_.load() : 200, {{"verb", verb}, {"args", args}});
        },
        token_);
    port_ = free_port();
    ASSERT_NE(port_, 0);
    auto addr = dnsd::common::parse_socket_address("127.0.0.1:" + std::to_string(port_));
    ASSERT_TRUE(addr.has_value());
    std::string error;
    ASSERT_TRUE(server_->start(*addr, error)) << error;
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client_->set_connection_timeout(2, 0);
    client_->set_read_timeout(5, 0);
    // One answered request proves the listen loop runs: stop() right after start() hangs
    // (see ApiServerStop.StopRightAfterStart). Unknown paths never reach dispatch.
    auto res = client_->Get("/no-such-path");
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    EXPECT_EQ(res->status, 404);
  }
  void TearDown() override {
    client_.reset();
    if (server_) server_->stop();
  }
  httplib::Headers auth(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
  }
  std::vector<Call> calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }

  const std::string token_ = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  std::unique_ptr<ApiServer> server_;
  std::unique_ptr<httplib::Client> client_;
  uint16_t port_ = 0;
  std::mutex mu_;
  std::vector<Call> calls_;
  std::atomic<int> status_code_{200};  // what the fake controller answers to "status"
};

TEST_F(ApiServerTest, StatusNeedsToken) {
  auto res = client_->Get("/v1/status");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 401);
  EXPECT_TRUE(calls().empty()) << "dispatch must not run unauthenticated";
  res = client_->Get("/v1/status", auth("wrong-token-wrong-token"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  res = client_->Get("/v1/status", {{"Authorization", token_}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_TRUE(calls().empty());
  res = client_->Post("/v1/promote", auth("nope"), R"({"node":"lb2"})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_TRUE(calls().empty());
}

TEST_F(ApiServerTest, StatusWithToken) {
  auto res = client_->Get("/v1/status", auth(token_));
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  json body = json::parse(res->body, nullptr, false);
  ASSERT_FALSE(body.is_discarded()) << res->body;
  EXPECT_EQ(body.value("verb", ""), "status");
  ASSERT_EQ(calls().size(), 1u);
  EXPECT_EQ(calls()[0].verb, "status");
}

TEST_F(ApiServerTest, ExplainPassesNode) {
  auto res = client_->Get("/v1/explain/lb3", auth(token_));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  json body = json::parse(res->body, nullptr, false);
  EXPECT_EQ(body.value("verb", ""), "explain");
  EXPECT_EQ(body["args"].value("node", ""), "lb3");
}

TEST_F(ApiServerTest, PromoteBadBody) {
  auto res = client_->Post("/v1/promote", auth(token_), "not json", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  res = client_->Post("/v1/promote", auth(token_), R"(["lb2"])", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  res = client_->Post("/v1/promote", auth(token_), R"({"node":2})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  res = client_->Post("/v1/promote", auth(token_), R"({"node":"lb2","dry_run":"yes"})",
                      "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_TRUE(calls().empty());
}

TEST_F(ApiServerTest, PromoteDispatchesNodeAndDryRun) {
  auto res = client_->Post("/v1/promote", auth(token_), R"({"node":"lb2","dry_run":true})",
                           "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  auto c = calls();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].verb, "promote");
  EXPECT_EQ(c[0].args.value("node", ""), "lb2");
  EXPECT_EQ(c[0].args.value("dry_run", false), true);
  json body = json::parse(res->body, nullptr, false);
  EXPECT_EQ(body.value("verb", ""), "promote");
}

TEST_F(ApiServerTest, DrainNeedsNode) {
  auto res = client_->Post("/v1/drain", auth(token_), "{}", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("node is required"), std::string::npos) << res->body;
  EXPECT_TRUE(calls().empty());
  // reconcile needs no node.
  res = client_->Post("/v1/reconcile", auth(token_), "", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  ASSERT_EQ(calls().size(), 1u);
  EXPECT_EQ(calls()[0].verb, "reconcile");
}

TEST_F(ApiServerTest, MetricsWithoutToken) {
  auto res = client_->Get("/metrics");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "x 1\n");
  ASSERT_EQ(calls().size(), 1u);
  EXPECT_EQ(calls()[0].verb, "metrics");
}

TEST_F(ApiServerTest, StatusPageWithoutTokenNeverCached) {
  auto res = client_->Get("/");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(res->get_header_value("Cache-Control"), "no-store");
  EXPECT_NE(res->get_header_value("Content-Security-Policy").find("default-src 'none'"),
            std::string::npos);
  EXPECT_EQ(res->body, std::string(status_page_html()));
  EXPECT_EQ(res->body.find(token_), std::string::npos);
  EXPECT_TRUE(calls().empty()) << "the page itself carries no state";
}

TEST_F(ApiServerTest, StatusJsonWithoutTokenIsStatusPlusNewestEvents) {
  auto res = client_->Get("/status.json");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Cache-Control"), "no-store");
  json body = json::parse(res->body, nullptr, false);
  ASSERT_FALSE(body.is_discarded()) << res->body;
  EXPECT_EQ(body["status"].value("verb", ""), "status");
  ASSERT_EQ(body["events"].size(), 2u);
  EXPECT_EQ(body["events"][0].value("event", ""), "+switch-master");
  EXPECT_TRUE(body["budget"].is_object());
  auto c = calls();
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].verb, "status");
  EXPECT_EQ(c[1].verb, "history");
  // The token-protected routes stay protected.
  res = client_->Get("/v1/status");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
}

TEST_F(ApiServerTest, StatusJsonPassesTheControllersErrorOn) {
  status_code_ = 503;
  auto res = client_->Get("/status.json");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 503);
  auto c = calls();
  ASSERT_EQ(c.size(), 1u) << "no history asked for after a failed status";
}

TEST_F(ApiServerTest, SecondServerOnSamePortFails) {
  ApiServer other([](const std::string&, const json&, Reply r) { r(200, json::object()); },
                  token_);
  auto addr = dnsd::common::parse_socket_address("127.0.0.1:" + std::to_string(port_));
  std::string error;
  bool started = other.start(*addr, error);
  if (started) std::this_thread::sleep_for(std::chrono::milliseconds(200));  // see StopRightAfterStart
  EXPECT_FALSE(started);
  EXPECT_NE(error.find(std::to_string(port_)), std::string::npos) << error;
}

TEST(ApiServerBind, FailsWhenPortTakenByAnotherSocket) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  uint16_t port = ntohs(a.sin_port);
  ApiServer server([](const std::string&, const json&, Reply r) { r(200, json::object()); },
                   "0123456789abcdef0123");
  auto addr = dnsd::common::parse_socket_address("127.0.0.1:" + std::to_string(port));
  ASSERT_TRUE(addr.has_value());
  std::string error;
  bool started = server.start(*addr, error);
  if (started) std::this_thread::sleep_for(std::chrono::milliseconds(200));  // see StopRightAfterStart
  EXPECT_FALSE(started);
  EXPECT_NE(error.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << error;
  ::close(fd);
}

TEST(ApiServerStop, StopRightAfterStart) {
  auto* server = new ApiServer(
      [](const std::string&, const json&, Reply r) { r(200, json::object()); },
      "0123456789abcdef0123");
  auto addr = dnsd::common::parse_socket_address("127.0.0.1:" + std::to_string(free_port()));
  ASSERT_TRUE(addr.has_value());
  std::string error;
  ASSERT_TRUE(server->start(*addr, error)) << error;
  auto done = std::make_shared<std::promise<void>>();
  auto stopped = done->get_future();
  std::thread([server, done] {
    server->stop();
    delete server;
    done->set_value();
  }).detach();
  // On a hang the server is leaked on purpose: the test fails instead of blocking.
  EXPECT_EQ(stopped.wait_for(std::chrono::seconds(1)), std::future_status::ready)
      << "ApiServer::stop() did not return";
}

}  // namespace
}  // namespace sentinel::api
