// EtcdWatch: a libcurl multi handle running one streaming POST to /v3/watch at a time.
#include "sentinel/coord/etcd_watch.h"

#include <curl/curl.h>

#include "sentinel/coord/etcd_wire.h"

namespace sentinel::coord {

namespace {
constexpr size_t kMaxLine = 1024 * 1024;  // one watch message on one key is far smaller
}

const char* watch_news_name(WatchNews n) {
  switch (n) {
    case WatchNews::Established: return "established";
    case WatchNews::Put: return "put";
    case WatchNews::Deleted: return "deleted";
    case WatchNews::Broken: return "broken";
  }
  return "?";
}

// The state of one stream, seen by curl's write callback.
struct EtcdWatch::Stream {
  EtcdWatch* self;
  std::string endpoint;
  std::string buffer;   // bytes of an incomplete line
  std::string broken;   // set by a message that ends the stream (cancel, error, garbage)

  void line(std::string_view text) {
    if (text.find_first_not_of(" \r\t") == std::string_view::npos) return;
    auto r = wire::parse_watch_message(text);
    if (auto* e = std::get_if<EtcdError>(&r)) {
      broken = e->detail;
      return;
    }
    const auto& m = std::get<wire::WatchMessage>(r);
    if (m.canceled) {
      broken = "watch cancelled by etcd" + (m.cancel_reason.empty() ? "" : ": " + m.cancel_reason);
      return;
    }
    if (m.created) self->on_news_(WatchNews::Established, endpoint);
    for (const auto& ev : m.events)
      self->on_news_(ev.deleted ? WatchNews::Deleted : WatchNews::Put, endpoint);
  }

  static size_t write(char* data, size_t size, size_t n, void* user) {
    auto* s = static_cast<Stream*>(user);
    s->buffer.append(data, size * n);
    size_t start = 0;
    for (size_t nl; (nl = s->buffer.find('\n', start)) != std::string::npos; start = nl + 1) {
      s->line(std::string_view(s->buffer).substr(start, nl - start));
      if (!s->broken.empty()) return 0;  // curl ends the transfer: CURLE_WRITE_ERROR
    }
    s->buffer.erase(0, start);
    if (s->buffer.size() > kMaxLine) {
      s->broken = "a watch message longer than " + std::to_string(kMaxLine) + " bytes";
      return 0;
    }
    return size * n;
  }
};

EtcdWatch::EtcdWatch(std::vector<std::string> endpoints, std::string key,
                     std::chrono::milliseconds connect_timeout, std::chrono::milliseconds retry,
                     OnNews on_news)
    : endpoints_(std::move(endpoints)),
      key_(std::move(key)),
      connect_timeout_(connect_timeout),
      retry_(retry),
      on_news_(std::move(on_news)) {
  for (std::string& e : endpoints_)
    while (!e.empty() && e.back() == '/') e.pop_back();
  curl_global_init(CURL_GLOBAL_DEFAULT);  // reference-counted; also done by EtcdClient
  multi_ = curl_multi_init();
}

EtcdWatch::~EtcdWatch() {
  stop();
  if (multi_) curl_multi_cleanup(static_cast<CURLM*>(multi_));
  curl_global_cleanup();
}

void EtcdWatch::start() {
  if (endpoints_.empty() || !multi_ || thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void EtcdWatch::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (multi_) curl_multi_wakeup(static_cast<CURLM*>(multi_));
  if (thread_.joinable()) thread_.join();
}

void EtcdWatch::run() {
  for (size_t i = 0; !stopping_; i = (i + 1) % endpoints_.size()) {
    std::string why = stream(endpoints_[i]);
    if (stopping_) return;
    on_news_(WatchNews::Broken, endpoints_[i] + ": " + why);
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, retry_, [this] { return stopping_.load(); });
  }
}

std::string EtcdWatch::stream(const std::string& endpoint) {
  CURLM* multi = static_cast<CURLM*>(multi_);
  CURL* curl = curl_easy_init();
  if (!curl) return "curl_easy_init failed";
  Stream s{this, endpoint, {}, {}};
  const std::string url = endpoint + "/v3/watch";
  const std::string body = wire::watch_create_request(key_);
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Expect:");
  headers = curl_slist_append(headers, "Grpc-Metadata-hasleader: true");
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout_.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);  // a silent peer is noticed, eventually
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPIDLE, 2L);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPINTVL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Stream::write);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &s);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_multi_add_handle(multi, curl);
  std::string why;
  for (int running = 1; running && !stopping_;) {
    if (curl_multi_perform(multi, &running) != CURLM_OK) {
      why = "curl_multi_perform failed";
      break;
    }
    if (running) curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  }
  if (why.empty() && !stopping_) {
    int left = 0;
    CURLcode rc = CURLE_OK;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left))
      if (msg->msg == CURLMSG_DONE) rc = msg->data.result;
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (!s.broken.empty()) why = s.broken;
    else if (rc != CURLE_OK) why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    else if (!s.buffer.empty()) {
      auto err = wire::parse_error_body(status, s.buffer);  // e.g. an error body without "\n"
      why = err ? err->detail : "HTTP " + std::to_string(status) + ": the stream ended";
    } else why = "HTTP " + std::to_string(status) + ": the stream ended";
  }
  curl_multi_remove_handle(multi, curl);
  curl_easy_cleanup(curl);
  curl_slist_free_all(headers);
  return why;
}

}  // namespace sentinel::coord
