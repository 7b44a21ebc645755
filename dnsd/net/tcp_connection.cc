// DNS over TCP on libuv.
#include "dnsd/net/tcp_connection.h"

#include <spdlog/spdlog.h>

#include <cstring>
#include <ctime>
#include <vector>

#include "dnsd/answer/answer.h"
#include "dnsd/net/worker.h"
#include "dnsd/zone/catalog.h"

namespace dnsd::net {
namespace {

struct WriteRequest {
  uv_write_t req;
  TcpConnection* conn;
  std::vector<uint8_t> data;
};

void on_closed(uv_handle_t* h) {
  auto* c = static_cast<TcpConnection*>(h->data);
  if (--c->open_handles == 0) {
    c->worker->unregister_connection(c->id);
    c->worker->shared().tcp_clients.fetch_sub(1, std::memory_order_relaxed);
    delete c;
  }
}

void on_timeout(uv_timer_t* t) {
  auto* c = static_cast<TcpConnection*>(t->data);
  bump(c->worker->stats.tcp_timeouts);
  c->close();
}

void on_alloc(uv_handle_t* h, size_t, uv_buf_t* buf) {
  auto* c = static_cast<TcpConnection*>(h->data);
  c->framer.compact();
  buf->base = reinterpret_cast<char*>(c->framer.write_ptr());
  buf->len = c->framer.write_space();
}

void on_read(uv_stream_t* s, ssize_t n, const uv_buf_t*) {
  auto* c = static_cast<TcpConnection*>(s->data);
  if (n < 0) return c->close();  // EOF or error
  if (n == 0) return;
  c->framer.commit(static_cast<size_t>(n));
  c->restart_timer();
  try {
    c->handle_messages();
  } catch (const std::exception& e) {
    bump(c->worker->stats.errors);
    spdlog::error("tcp connection: {}", e.what());
    c->close();
  }
}

void on_write(uv_write_t* req, int status) {
  auto* w = static_cast<WriteRequest*>(req->data);
  TcpConnection* c = w->conn;
  c->queued_bytes -= w->data.size();
  delete w;
  if (status < 0) return c->close();
  if (!c->closing && !c->reading && c->queued_bytes < TcpConnection::kMaxQueuedBytes / 2) {
    uv_read_start(reinterpret_cast<uv_stream_t*>(&c->tcp), on_alloc, on_read);
    c->reading = true;
  }
}

}  // namespace

void TcpConnection::accept(Worker& worker, uv_stream_t* listener) {
  auto* c = new TcpConnection();
  c->worker = &worker;
  uv_tcp_init(worker.loop(), &c->tcp);
  uv_timer_init(worker.loop(), &c->timer);
  c->tcp.data = c;
  c->timer.data = c;
  c->open_handles = 2;
  unsigned now = worker.shared().tcp_clients.fetch_add(1, std::memory_order_relaxed);
  if (uv_accept(listener, reinterpret_cast<uv_stream_t*>(&c->tcp)) != 0) return c->close();
  if (now >= worker.shared().tcp_max_clients) {
    bump(worker.stats.tcp_rejected);
    return c->close();
  }
  bump(worker.stats.tcp_accepted);
  c->id = worker.register_connection(c);
  c->client = answer::client_address(c->peer().sa());
  uv_tcp_nodelay(&c->tcp, 1);
  c->restart_timer();
  uv_read_start(reinterpret_cast<uv_stream_t*>(&c->tcp), on_alloc, on_read);
  c->reading = true;
}

void TcpConnection::close() {
  if (closing) return;
  closing = true;
  uv_timer_stop(&timer);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer), on_closed);
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp), on_closed);
}

common::SocketAddress TcpConnection::peer() {
  common::SocketAddress a;
  int len = sizeof a.storage;
  uv_tcp_getpeername(&tcp, reinterpret_cast<sockaddr*>(&a.storage), &len);
  a.length = static_cast<socklen_t>(len);
  return a;
}

void TcpConnection::restart_timer() {
  uv_timer_start(&timer, on_timeout, worker->shared().tcp_idle_ms, 0);
}

void TcpConnection::handle_messages() {
  const uint8_t* msg;
  size_t len;
  const zone::Catalog* catalog = worker->reader().refresh();
  answer::QueryContext ctx{answer::Transport::Tcp,
                           worker->shared().grace.load(std::memory_order_relaxed),
                           worker->shared().grace_answer.load(std::memory_order_relaxed),
                           client, static_cast<uint32_t>(std::time(nullptr))};
  const bool log = worker->shared().log_queries.load(std::memory_order_relaxed);
  const uint64_t received_ns = log ? uv_hrtime() : 0;
  while (!closing && framer.next(msg, len)) {
    bump(worker->stats.tcp_queries);
    uint8_t* out = worker->tcp_scratch();
    answer::Result r;
    if (catalog) r = answer::answer(msg, len, *catalog, ctx, out, 65535);
    if (r.outcome == answer::Outcome::SlowPath && worker->shared().slow_path) {
      SlowRequest req{std::vector<uint8_t>(msg, msg + len), peer(), answer::Transport::Tcp};
      Worker* w = worker;
      uint64_t conn_id = id;
      worker->shared().slow_path(std::move(req), [w, conn_id](std::vector<std::vector<uint8_t>> m) {
        w->post_tcp(conn_id, std::move(m));
      });
      continue;
    }
    if (r.outcome != answer::Outcome::Answered) {
      bump(worker->stats.dropped);
      continue;
    }
    worker->stats.answered.count(
        r.zone >= 0 ? catalog->zones[static_cast<size_t>(r.zone)].stats_slot : 0, r.qtype, r.rcode, true);
    send(out, r.length);
    if (log) log_query(msg, len, r, received_ns);
  }
  if (!closing && reading && queued_bytes >= kMaxQueuedBytes) {
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp));  // resumes in on_write
    reading = false;
  }
}

void TcpConnection::log_query(const uint8_t* msg, size_t len, const answer::Result& r,
                              uint64_t received_ns) {
  QueryLogRecord* rec = worker->query_log.reserve();
  if (!rec) return;  // full: the query log thread counts it as not logged
  rec->client = peer();
  rec->set_question(msg, len);
  rec->tcp = true;
  rec->qtype = r.qtype;
  rec->rcode = r.rcode;
  rec->size = static_cast<uint32_t>(r.length);
  rec->latency_us = static_cast<uint32_t>((uv_hrtime() - received_ns) / 1000);
  worker->query_log.commit();
}

void TcpConnection::send(const uint8_t* msg, size_t len) {
  uint8_t prefix[2] = {static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len)};
  uv_buf_t bufs[2] = {uv_buf_init(reinterpret_cast<char*>(prefix), 2),
                      uv_buf_init(const_cast<char*>(reinterpret_cast<const char*>(msg)),
                                  static_cast<unsigned>(len))};
  // Most answers leave at once with no allocation; the rest is queued in order.
  int n = uv_try_write(reinterpret_cast<uv_stream_t*>(&tcp), bufs, 2);
  size_t done = n > 0 ? static_cast<size_t>(n) : 0;
  if (n < 0 && n != UV_EAGAIN) return close();
  if (done == len + 2) return;
  auto* w = new WriteRequest{};
  w->conn = this;
  w->req.data = w;
  for (size_t i = done; i < len + 2; ++i) w->data.push_back(i < 2 ? prefix[i] : msg[i - 2]);
  uv_buf_t rest = uv_buf_init(reinterpret_cast<char*>(w->data.data()),
                              static_cast<unsigned>(w->data.size()));
  queued_bytes += w->data.size();
  if (uv_write(&w->req, reinterpret_cast<uv_stream_t*>(&tcp), &rest, 1, on_write) != 0) {
    queued_bytes -= w->data.size();
    delete w;
    close();
  }
}

}  // namespace dnsd::net
