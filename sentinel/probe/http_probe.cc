// HTTP check: one GET per check on a shared libcurl multi handle driven by the uv loop.
#include "sentinel/probe/http_probe.h"

#include <curl/curl.h>

#include <arpa/inet.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <mutex>
#include <new>
#include <set>
#include <vector>
#include <utility>

namespace sentinel::probe {

struct HttpMulti {
  // One socket curl asked us to watch.
  struct Socket {
    uv_poll_t poll{};
    curl_socket_t fd = CURL_SOCKET_BAD;
    HttpMulti* owner = nullptr;
  };

  uv_loop_t* loop = nullptr;
  CURLM* multi = nullptr;
  uv_timer_t timer{};
  int open_handles = 0;  // the timer + every uv_poll_t not yet closed
  bool closing = false;
  std::set<Socket*> sockets;
  // Easy handles of finished checks, reset (curl_easy_reset keeps the receive buffer and
  // resolver state a new handle allocates). At most the checks that were in flight at
  // once, and no more than kIdleLimit of them.
  std::vector<CURL*> idle;
  static constexpr size_t kIdleLimit = 64;
};

namespace {

using HttpSocket = HttpMulti::Socket;

struct HttpCheck {
  CURL* easy = nullptr;
  HttpMulti* owner = nullptr;
  int expect_status = 200;
  ProbeCallback done;
  char errbuf[CURL_ERROR_SIZE] = {};
};

void release(HttpMulti* m) {
  if (--m->open_handles == 0 && m->closing) delete m;
}

void on_timer_close(uv_handle_t* h) { release(static_cast<HttpMulti*>(h->data)); }

void on_socket_close(uv_handle_t* h) {
  auto* s = static_cast<HttpSocket*>(h->data);
  HttpMulti* m = s->owner;
  delete s;
  release(m);
}

void close_socket(HttpSocket* s) {
  s->owner->sockets.erase(s);
  uv_poll_stop(&s->poll);
  uv_close(reinterpret_cast<uv_handle_t*>(&s->poll), on_socket_close);
}

size_t discard_body(char*, size_t size, size_t nmemb, void*) { return size * nmemb; }

// A check's easy handle once curl is done with it (removed from the multi): kept, reset,
// for the next check, or freed when enough are kept.
void recycle(HttpMulti* m, CURL* easy) {
  if (m->closing || m->idle.size() >= HttpMulti::kIdleLimit) {
    curl_easy_cleanup(easy);
    return;
  }
  curl_easy_reset(easy);
  try {
    m->idle.push_back(easy);
  } catch (...) {
    curl_easy_cleanup(easy);
  }
}

CURL* take_easy(HttpMulti* m) {
  if (m->idle.empty()) return curl_easy_init();
  CURL* easy = m->idle.back();
  m->idle.pop_back();
  return easy;
}

// A failed transfer's reason; the OS errno tells a refused connect from an unreachable one.
ProbeFailure curl_failure(CURLcode rc, long os_errno) {
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT: return ProbeFailure::Timeout;
    case CURLE_COULDNT_CONNECT:
      if (os_errno == EHOSTUNREACH || os_errno == ENETUNREACH) return ProbeFailure::Unreachable;
      if (os_errno == ETIMEDOUT) return ProbeFailure::Timeout;
      return ProbeFailure::Refused;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR: return ProbeFailure::Reset;
    case CURLE_GOT_NOTHING:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_PARTIAL_FILE: return ProbeFailure::BadResponse;
    case CURLE_SSL_CONNECT_ERROR: return ProbeFailure::Tls;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM: return ProbeFailure::Certificate;
    default: return ProbeFailure::Error;
  }
}

ProbeResult judge(HttpCheck* c, CURLcode rc) {
  ProbeResult r;
  if (rc != CURLE_OK) {
    long os_errno = 0;
    curl_easy_getinfo(c->easy, CURLINFO_OS_ERRNO, &os_errno);
    r.failure = curl_failure(rc, os_errno);
    r.detail = c->errbuf[0] != '\0' ? c->errbuf : curl_easy_strerror(rc);
    return r;
  }
  long status = 0;
  curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &status);
  r.ok = status == c->expect_status;
  r.failure = r.ok ? ProbeFailure::None : ProbeFailure::HttpStatus;
  r.detail = "HTTP " + std::to_string(status);
  if (!r.ok) r.detail += ", expected " + std::to_string(c->expect_status);
  return r;
}

// Reports every finished transfer. A callback may close the multi: stop right there.
void process_completions(HttpMulti* m) {
  while (!m->closing) {
    int queued = 0;
    CURLMsg* msg = curl_multi_info_read(m->multi, &queued);
    if (msg == nullptr) break;
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* easy = msg->easy_handle;
    CURLcode rc = msg->data.result;
    HttpCheck* c = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &c);
    if (c == nullptr) {
      curl_multi_remove_handle(m->multi, easy);
      curl_easy_cleanup(easy);
      continue;
    }
    ProbeCallback cb = std::move(c->done);
    try {
      ProbeResult r = judge(c, rc);
      curl_multi_remove_handle(m->multi, easy);
      recycle(m, easy);
      delete c;
      if (cb) cb(r);
    } catch (...) {
      // Only allocation failures land here; the check is dropped rather than unwinding.
    }
  }
}

void on_poll(uv_poll_t* p, int status, int events) {
  auto* s = static_cast<HttpSocket*>(p->data);
  HttpMulti* m = s->owner;
  int flags = 0;
  if (status < 0) flags = CURL_CSELECT_ERR;
  if ((events & UV_READABLE) != 0) flags |= CURL_CSELECT_IN;
  if ((events & UV_WRITABLE) != 0) flags |= CURL_CSELECT_OUT;
  int running = 0;
  curl_multi_socket_action(m->multi, s->fd, flags, &running);  // may close `s`
  process_completions(m);
}

void on_timeout(uv_timer_t* t) {
  auto* m = static_cast<HttpMulti*>(t->data);
  int running = 0;
  curl_multi_socket_action(m->multi, CURL_SOCKET_TIMEOUT, 0, &running);
  process_completions(m);
}

int socket_cb(CURL*, curl_socket_t fd, int what, void* userp, void* socketp) {
  auto* m = static_cast<HttpMulti*>(userp);
  auto* s = static_cast<HttpSocket*>(socketp);
  if (what == CURL_POLL_REMOVE) {
    if (s != nullptr) {
      curl_multi_assign(m->multi, fd, nullptr);
      close_socket(s);
    }
    return 0;
  }
  if (s == nullptr) {
    if (m->closing) return -1;
    s = new (std::nothrow) HttpSocket;
    if (s == nullptr) return -1;
    s->fd = fd;
    s->owner = m;
    if (uv_poll_init_socket(m->loop, &s->poll, fd) != 0) {
      delete s;
      return -1;
    }
    s->poll.data = s;
    ++m->open_handles;
    m->sockets.insert(s);
    curl_multi_assign(m->multi, fd, s);
  }
  int events = 0;
  if (what == CURL_POLL_IN || what == CURL_POLL_INOUT) events |= UV_READABLE;
  if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT) events |= UV_WRITABLE;
  return uv_poll_start(&s->poll, events, on_poll) == 0 ? 0 : -1;
}

int timer_cb(CURLM*, long timeout_ms, void* userp) {
  auto* m = static_cast<HttpMulti*>(userp);
  if (m->closing) return 0;
  if (timeout_ms < 0) {
    uv_timer_stop(&m->timer);
  } else {
    // Even 0 goes through the loop: curl must not be re-entered from this callback.
    uv_timer_start(&m->timer, on_timeout, static_cast<uint64_t>(timeout_ms), 0);
  }
  return 0;
}

std::once_flag curl_init_once;
CURLcode curl_init_result = CURLE_OK;

}  // namespace

bool url_host_is_address(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return false;
  std::string_view authority = url.substr(scheme + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string host;
  int family = AF_INET;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return false;
    host = authority.substr(1, close - 1);
    family = AF_INET6;
  } else {
    host = authority.substr(0, authority.find(':'));
  }
  unsigned char addr[sizeof(in6_addr)];
  return !host.empty() && inet_pton(family, host.c_str(), addr) == 1;
}

HttpMulti* http_multi_new(uv_loop_t* loop, std::string* error) {
  std::call_once(curl_init_once, [] { curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (curl_init_result != CURLE_OK) {
    *error = std::string("curl_global_init: ") + curl_easy_strerror(curl_init_result);
    return nullptr;
  }
  CURLM* multi = curl_multi_init();
  if (multi == nullptr) {
    *error = "curl_multi_init failed";
    return nullptr;
  }
  auto* m = new HttpMulti;
  m->loop = loop;
  m->multi = multi;
  uv_timer_init(loop, &m->timer);  // cannot fail on Linux
  m->timer.data = m;
  m->open_handles = 1;
  curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
  curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, m);
  curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, timer_cb);
  curl_multi_setopt(multi, CURLMOPT_TIMERDATA, m);
  return m;
}

void http_multi_close(HttpMulti* m) {
  if (m == nullptr || m->closing) return;
  m->closing = true;
  curl_multi_cleanup(m->multi);  // may report CURL_POLL_REMOVE for cached connections
  m->multi = nullptr;
  for (CURL* easy : m->idle) curl_easy_cleanup(easy);
  m->idle.clear();
  while (!m->sockets.empty()) close_socket(*m->sockets.begin());
  uv_close(reinterpret_cast<uv_handle_t*>(&m->timer), on_timer_close);  // frees m at the end
}

std::function<void()> start_http_probe(HttpMulti* m, const CheckSpec& spec, ProbeCallback done,
                                       std::string* error) {
  CURL* easy = take_easy(m);
  if (easy == nullptr) {
    *error = "curl_easy_init failed";
    return {};
  }
  auto* c = new HttpCheck;
  c->easy = easy;
  c->owner = m;
  c->expect_status = spec.expect_status;
  c->done = std::move(done);
  curl_easy_setopt(easy, CURLOPT_URL, spec.url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
  // 0 would mean "no timeout" to curl.
  long timeout_ms = static_cast<long>(std::max<int64_t>(1, spec.timeout.count()));
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, spec.tls_verify ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, spec.tls_verify ? 2L : 0L);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard_body);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, c->errbuf);
  curl_easy_setopt(easy, CURLOPT_PRIVATE, c);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "sentinel-probe");
  // A health check must see the server accept a new connection, not a pooled one.
  curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L);
  curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L);
  // An address is never looked up, so its entry in the multi's DNS cache cannot go stale:
  // "forever" also spares every transfer's end a walk over the whole cache to expire
  // entries (curl's Curl_hostcache_prune, one entry per node: 7,500 instructions per
  // probe at 300 nodes, growing with the cluster). Names keep curl's 60 s expiry.
  if (url_host_is_address(spec.url)) curl_easy_setopt(easy, CURLOPT_DNS_CACHE_TIMEOUT, -1L);
  // Nor resume a TLS session: a recycled handle keeps its session cache through
  // curl_easy_reset, and every https probe is to make a full handshake, as on a new handle.
  curl_easy_setopt(easy, CURLOPT_SSL_SESSIONID_CACHE, 0L);
  CURLMcode rc = curl_multi_add_handle(m->multi, easy);
  if (rc != CURLM_OK) {
    *error = std::string("curl_multi_add_handle: ") + curl_multi_strerror(rc);
    curl_easy_cleanup(easy);
    delete c;
    return {};
  }
  return [c] {
    curl_multi_remove_handle(c->owner->multi, c->easy);
    recycle(c->owner, c->easy);
    delete c;
  };
}

}  // namespace sentinel::probe
