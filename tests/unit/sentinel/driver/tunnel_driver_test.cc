// The tunnel driver protocol: JSON body, HMAC signature, exec hook, http POST.
#include "sentinel/driver/tunnel_driver.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>

namespace sentinel::driver {
namespace {

using namespace std::chrono_literals;

const bool kSigpipeIgnored = [] { return std::signal(SIGPIPE, SIG_IGN) != SIG_ERR; }();

const std::string kSecretText = "0123456789abcdef-driver-secret";
const std::string kBody =
    R"({"event":"promote","node":"lb2","master":"lb2","epoch":7,"zone":"api.example.com","ts":1732312345})";
// python3 -c 'import hmac,hashlib;print(hmac.new(b"0123456789abcdef-driver-secret",
//   b"1732312345."+body, hashlib.sha256).hexdigest())'
const std::string kKnownMac = "11f7cea110ad1785eb58686776fedcc8ebf69f0d5fc4239df0379a5f806c9056";

DriverCall promote_call() {
  DriverCall c;
  c.event = "promote";
  c.node = "lb2";
  c.master = "lb2";
  c.epoch = 7;
  c.zone = "api.example.com";
  c.ts = 1732312345;
  return c;
}

std::vector<uint8_t> secret() { return {kSecretText.begin(), kSecretText.end()}; }

std::string openssl_hmac_hex(const std::vector<uint8_t>& key, const std::string& msg) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), mac, &len);
  std::ostringstream out;
  for (unsigned i = 0; i < len; ++i) {
    char b[3];
    std::snprintf(b, sizeof b, "%02x", mac[i]);
    out << b;
  }
  return out.str();
}

TEST(DriverBody, ExactJsonInSpecOrder) { EXPECT_EQ(driver_body(promote_call()), kBody); }

TEST(DriverSignature, MatchesOpenSslAndKnownVector) {
  std::string sig = driver_signature(secret(), 1732312345, kBody);
  EXPECT_EQ(sig, "sha256=" + openssl_hmac_hex(secret(), "1732312345." + kBody));
  EXPECT_EQ(sig, "sha256=" + kKnownMac);
  EXPECT_NE(driver_signature(secret(), 1732312346, kBody), sig);
  std::vector<uint8_t> other = secret();
  other[0] ^= 1;
  EXPECT_NE(driver_signature(other, 1732312345, kBody), sig);
}

TEST(CallDriver, NoneAlwaysSucceeds) {
  config::TunnelConfig t;
  t.driver = config::DriverKind::None;
  DriverResult r = call_driver(t, promote_call(), 100ms);
  EXPECT_TRUE(r.ok);
}

// ---- exec ----

class ExecDriver : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sentinel_driver_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string script(const std::string& name, const std::string& body) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << "#!/bin/sh\n" << body;
    ::chmod(path.c_str(), 0755);
    return path;
  }
  std::string read(const std::string& name) {
    std::ifstream in(dir_ + "/" + name);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string dir_;
};

TEST_F(ExecDriver, PassesArgsAndEnvironment) {
  std::string out = dir_ + "/out";
  config::TunnelConfig t;
  t.driver = config::DriverKind::Exec;
  t.command = {script("hook", "printf '%s\\n' \"$@\" > '" + out + "'\n"
                              "echo \"EVENT=$SENTINEL_EVENT NODE=$SENTINEL_NODE "
                              "EPOCH=$SENTINEL_EPOCH MASTER=$SENTINEL_MASTER "
                              "ZONE=$SENTINEL_ZONE TS=$SENTINEL_TS\" >> '" + out + "'\n"
                              "exit 0\n"),
               "--flag", "two words"};
  ::setenv("SENTINEL_NODE", "stale-from-parent", 1);
  DriverResult r = call_driver(t, promote_call(), 2000ms);
  ::unsetenv("SENTINEL_NODE");
  EXPECT_TRUE(r.ok) << r.detail;
  EXPECT_EQ(r.detail, "exit 0");
  EXPECT_EQ(read("out"),
            "--flag\ntwo words\npromote\nlb2\n7\nlb2\n"
            "EVENT=promote NODE=lb2 EPOCH=7 MASTER=lb2 ZONE=api.example.com TS=1732312345\n");
}

TEST_F(ExecDriver, NonZeroExitIsFailure) {
  config::TunnelConfig t;
  t.driver = config::DriverKind::Exec;
  t.command = {script("fail", "exit 3\n")};
  DriverResult r = call_exec_driver(t, promote_call(), 2000ms);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.detail, "exit 3");
}

TEST_F(ExecDriver, OverrunIsKilled) {
  config::TunnelConfig t;
  t.driver = config::DriverKind::Exec;
  t.command = {script("slow", "sleep 5\n")};
  auto start = std::chrono::steady_clock::now();
  DriverResult r = call_exec_driver(t, promote_call(), 200ms);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.detail.find("killed"), std::string::npos) << r.detail;
  EXPECT_LT(took, 1000ms);
  EXPECT_GE(took, 190ms);
}

TEST_F(ExecDriver, MissingCommandFails) {
  config::TunnelConfig t;
  t.driver = config::DriverKind::Exec;
  t.command = {dir_ + "/does-not-exist"};
  DriverResult r = call_exec_driver(t, promote_call(), 1000ms);
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.detail.empty());
  t.command.clear();
  r = call_exec_driver(t, promote_call(), 1000ms);
  EXPECT_FALSE(r.ok);
}

// ---- http ----

// One-shot HTTP/1.1 server on 127.0.0.1: captures one request, sends `reply`.
class OneShotHttp {
 public:
  explicit OneShotHttp(std::string reply) : reply_(std::move(reply)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    ok_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && ::listen(fd_, 4) == 0;
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~OneShotHttp() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  bool ok() const { return ok_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  // Valid after the client call returned.
  std::string request_line, body;
  std::map<std::string, std::string> headers;  // lowercase names

 private:
  void serve() {
    int c = ::accept(fd_, nullptr, nullptr);
    if (c < 0) return;
    timeval tv{2, 0};
    ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string data;
    char buf[4096];
    size_t head_end = std::string::npos;
    size_t want = 0;
    for (;;) {
      if (head_end == std::string::npos && (head_end = data.find("\r\n\r\n")) != std::string::npos) {
        parse_head(data.substr(0, head_end));
        auto it = headers.find("content-length");
        want = it == headers.end() ? 0 : std::stoul(it->second);
      }
      if (head_end != std::string::npos && data.size() >= head_end + 4 + want) break;
      ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      data.append(buf, static_cast<size_t>(n));
    }
    if (head_end != std::string::npos) body = data.substr(head_end + 4);
    ::send(c, reply_.data(), reply_.size(), MSG_NOSIGNAL);
    ::shutdown(c, SHUT_WR);
    ::close(c);
  }
  void parse_head(const std::string& head) {
    std::istringstream in(head);
    std::string line;
    std::getline(in, request_line);
    if (!request_line.empty() && request_line.back() == '\r') request_line.pop_back();
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      size_t v = line.find_first_not_of(' ', colon + 1);
      headers[name] = v == std::string::npos ? "" : line.substr(v);
    }
  }
  std::string reply_;
  int fd_ = -1;
  bool ok_ = false;
  uint16_t port_ = 0;
  std::thread thread_;
};

TEST(HttpDriver, PostsSignedBody) {
  OneShotHttp server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(server.ok());
  config::TunnelConfig t;
  t.driver = config::DriverKind::Http;
  t.url = server.url();
  t.hmac_secret = secret();
  DriverResult r = call_driver(t, promote_call(), 2000ms);
  EXPECT_TRUE(r.ok) << r.detail;
  EXPECT_EQ(r.detail, "HTTP 200");
  EXPECT_EQ(server.request_line, "POST /hook HTTP/1.1");
  EXPECT_EQ(server.body, kBody);
  EXPECT_EQ(server.headers["content-type"], "application/json");
  ASSERT_EQ(server.headers.count("x-sentinel-timestamp"), 1u);
  ASSERT_EQ(server.headers.count("x-sentinel-signature"), 1u);
  std::string ts = server.headers["x-sentinel-timestamp"];
  EXPECT_EQ(ts, "1732312345");
  EXPECT_EQ(server.headers["x-sentinel-signature"],
            "sha256=" + openssl_hmac_hex(secret(), ts + "." + server.body));
  EXPECT_EQ(server.headers["x-sentinel-signature"], "sha256=" + kKnownMac);
}

TEST(HttpDriver, ServerErrorIsFailure) {
  OneShotHttp server("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\noops");
  ASSERT_TRUE(server.ok());
  config::TunnelConfig t;
  t.driver = config::DriverKind::Http;
  t.url = server.url();
  t.hmac_secret = secret();
  DriverResult r = call_http_driver(t, promote_call(), 2000ms);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.detail, "HTTP 500");
}

TEST(HttpDriver, ClosedPortIsFailure) {
  // Find a port nobody listens on: bind, read it, close.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  config::TunnelConfig t;
  t.driver = config::DriverKind::Http;
  t.url = "http://127.0.0.1:" + std::to_string(ntohs(a.sin_port)) + "/hook";
  t.hmac_secret = secret();
  auto start = std::chrono::steady_clock::now();
  DriverResult r = call_http_driver(t, promote_call(), 500ms);
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.detail.empty());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms);
}

}  // namespace
}  // namespace sentinel::driver
