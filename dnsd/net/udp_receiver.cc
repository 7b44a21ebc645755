// UDP batches with a blocking recvmmsg and sendmmsg, on a thread of the socket's own.
#include "dnsd/net/udp_receiver.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>

#include "dnsd/answer/answer.h"
#include "dnsd/common/thread_schedule.h"
#include "dnsd/net/socket_setup.h"
#include "dnsd/net/udp_wait.h"
#include "dnsd/zone/catalog.h"

namespace dnsd::net {

UdpReceiver::UdpReceiver(ServerShared& shared, int fd)
    : shared_(shared),
      reader_(shared.holder),
      fd_(fd),
      rx_(kBatch * kQueryBuffer),
      tx_(kBatch * kResponseBuffer),
      limiter_(shared.rrl_rate, shared.rrl_slip) {
  for (int i = 0; i < kBatch; ++i) {
    rx_iov_[i] = {rx_.data() + i * kQueryBuffer, kQueryBuffer};
    rx_msgs_[i].msg_hdr.msg_iov = &rx_iov_[i];
    rx_msgs_[i].msg_hdr.msg_iovlen = 1;
  }
  common::SocketAddress local;
  local.length = sizeof local.storage;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local.storage), &local.length) == 0)
    wildcard_ = is_wildcard(local);
}

namespace {

// The answer's source = the query's destination (RFC 1123 2.2 / what resolvers check).
size_t reply_control(const msghdr& rx, uint8_t* out, size_t cap) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&rx); c; c = CMSG_NXTHDR(const_cast<msghdr*>(&rx), c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      if (cap < CMSG_SPACE(sizeof(in_pktinfo))) return 0;
      in_pktinfo got;
      std::memcpy(&got, CMSG_DATA(c), sizeof got);
      in_pktinfo send{};
      send.ipi_spec_dst = got.ipi_addr;
      auto* o = reinterpret_cast<cmsghdr*>(out);
      o->cmsg_level = IPPROTO_IP;
      o->cmsg_type = IP_PKTINFO;
      o->cmsg_len = CMSG_LEN(sizeof send);
      std::memcpy(CMSG_DATA(o), &send, sizeof send);
      return CMSG_SPACE(sizeof send);
    }
    if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      if (cap < CMSG_SPACE(sizeof(in6_pktinfo))) return 0;
      auto* o = reinterpret_cast<cmsghdr*>(out);
      o->cmsg_level = IPPROTO_IPV6;
      o->cmsg_type = IPV6_PKTINFO;
      o->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
      std::memcpy(CMSG_DATA(o), CMSG_DATA(c), sizeof(in6_pktinfo));  // same address and interface
      return CMSG_SPACE(sizeof(in6_pktinfo));
    }
  }
  return 0;
}

// A datagram larger than our buffer is an oversized message: FORMERR from its header.
size_t formerr_header(const uint8_t* q, uint8_t* out) {
  if (q[2] & 0x80) return 0;  // never answer a response
  std::memset(out, 0, 12);
  out[0] = q[0];
  out[1] = q[1];
  out[2] = static_cast<uint8_t>(0x80 | (q[2] & 0x79));  // QR, opcode, RD
  out[3] = 1;                                           // FORMERR
  return 12;
}

}  // namespace

UdpReceiver::~UdpReceiver() { stop(); }

void UdpReceiver::start() {
  // open_udp_socket() makes non-blocking sockets; this thread blocks in recvmmsg instead,
  // waking at least every kIdleWakeMs (udp_wait.h).
  // Sends keep MSG_DONTWAIT: a full send buffer drops an answer, it never stalls the thread.
  int flags = fcntl(fd_, F_GETFL);
  if (flags >= 0) fcntl(fd_, F_SETFL, flags & ~O_NONBLOCK);
  timeval idle{kIdleWakeMs / 1000, (kIdleWakeMs % 1000) * 1000};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof idle);
  thread_ = std::thread([this] { run(); });
}

void UdpReceiver::request_stop() {
  if (fd_ < 0 || !thread_.joinable() || stopping_.load(std::memory_order_relaxed)) return;
  stopping_.store(true, std::memory_order_release);
  ::shutdown(fd_, SHUT_RD);  // wakes the blocked recvmmsg: see udp_wait.h
}

void UdpReceiver::stop() {
  if (fd_ < 0) return;
  request_stop();
  if (thread_.joinable()) thread_.join();
  ::close(fd_);
  fd_ = -1;
}

void UdpReceiver::run() {
  // A short slice, the operator's nice value kept: see thread_schedule.h.
  common::set_thread_schedule(common::current_thread_nice());
  bool draining = false;  // stopping seen: answer what is queued, then leave (udp_wait.h)
  int drained = 0;        // reads since draining began (udp_wait.h: kMaxDrainReads)
  for (;;) {
    for (int i = 0; i < kBatch; ++i) {
      rx_msgs_[i].msg_hdr.msg_name = &peers_[i];
      rx_msgs_[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
      rx_msgs_[i].msg_hdr.msg_flags = 0;
      rx_msgs_[i].msg_hdr.msg_control = wildcard_ ? rx_control_[i] : nullptr;
      rx_msgs_[i].msg_hdr.msg_controllen = wildcard_ ? kControl : 0;
    }
    int n = recvmmsg(fd_, rx_msgs_, kBatch, recv_flags(draining), nullptr);
    int err = n < 0 ? errno : 0;
    if (!draining && stopping_.load(std::memory_order_acquire)) {
      draining = true;
      stop_taking_queries();
    }
    const int reads_before = draining ? drained++ : 0;
    switch (next_recv_step(n, err, n > 0 ? rx_msgs_[0].msg_len : 0, draining, reads_before)) {
      case RecvStep::Stop:
        return;
      case RecvStep::Idle:
        reader_.refresh();  // let go of a catalog replaced meanwhile
        continue;
      case RecvStep::Retry:
      case RecvStep::Drain:
        continue;
      case RecvStep::Fail:
        bump(stats.errors);
        continue;
      case RecvStep::Answer:
        break;
    }
    try {
      answer_batch(n);
    } catch (const std::exception& e) {  // last safety net: never lose the thread
      bump(stats.errors);
      spdlog::error("udp thread: {}", e.what());
    }
  }
}

void UdpReceiver::stop_taking_queries() {
  // From here the kernel queues no new query on this socket: a later one gets ICMP port
  // unreachable (or goes to a socket of another process in the SO_REUSEPORT group). This
  // thread does it, not stop()'s: every thread is woken at once, and each one's own
  // socket calls stay on its own thread.
  std::string err;
  if (!connect_to_stop_sink(fd_, err)) spdlog::warn("udp stop: {}", err);
}

void UdpReceiver::hand_off(int i, size_t len) {
  SlowRequest req;
  const uint8_t* q = rx_.data() + static_cast<size_t>(i) * kQueryBuffer;
  req.query.assign(q, q + len);
  std::memcpy(&req.client.storage, &peers_[i], rx_msgs_[i].msg_hdr.msg_namelen);
  req.client.length = rx_msgs_[i].msg_hdr.msg_namelen;
  req.transport = answer::Transport::Udp;
  common::SocketAddress to = req.client;
  int fd = fd_;
  // UDP sends are thread-safe: the service answers straight from its own thread.
  shared_.slow_path(std::move(req), [fd, to](std::vector<std::vector<uint8_t>> m) {
    if (!m.empty()) sendto(fd, m[0].data(), m[0].size(), MSG_DONTWAIT, to.sa(), to.length);
  });
}

void UdpReceiver::answer_batch(int n) {
  const bool log = shared_.log_queries.load(std::memory_order_relaxed);
  const uint64_t received_ns = log ? monotonic_ns() : 0;

  const zone::Catalog* catalog = reader_.refresh();
  answer::QueryContext ctx{answer::Transport::Udp,
                           shared_.grace.load(std::memory_order_relaxed),
                           shared_.grace_answer.load(std::memory_order_relaxed),
                           {}, static_cast<uint32_t>(std::time(nullptr))};
  const uint64_t now_s = limiter_.enabled() ? coarse_monotonic_seconds() : 0;
  WorkerStats& st = stats;
  bump(st.udp_queries, static_cast<uint64_t>(n));
  int out = 0;
  for (int i = 0; i < n; ++i) {
    size_t len = rx_msgs_[i].msg_len;
    uint8_t* resp = tx_.data() + static_cast<size_t>(out) * kResponseBuffer;
    answer::Result r;
    if (rx_msgs_[i].msg_hdr.msg_flags & MSG_TRUNC) {
      if (len >= 12 && (r.length = formerr_header(rx_.data() + i * kQueryBuffer, resp)) != 0) {
        r.outcome = answer::Outcome::Answered;
        r.rcode = 1;
      }
    } else if (catalog) {
      ctx.client = answer::client_address(reinterpret_cast<const sockaddr*>(&peers_[i]));
      r = answer::answer(rx_.data() + i * kQueryBuffer, len, *catalog, ctx, resp, kResponseBuffer);
    }
    if (r.outcome == answer::Outcome::SlowPath && shared_.slow_path) {
      hand_off(i, len);
      continue;
    }
    if (r.outcome != answer::Outcome::Answered) {
      bump(st.dropped);
      continue;
    }
    if (limiter_.enabled()) {
      auto verdict = limiter_.check(peers_[i], now_s, r.valid_cookie);
      if (verdict == RateLimiter::Verdict::Drop) {
        bump(st.rrl_dropped);
        continue;
      }
      if (verdict == RateLimiter::Verdict::Slip) {
        r.length = truncate_for_slip(resp, r.length);
        bump(st.rrl_slipped);
      }
    }
    st.answered.count(r.zone >= 0 ? catalog->zones[static_cast<size_t>(r.zone)].stats_slot : 0,
                      r.qtype, r.rcode, false);
    if (r.truncated) bump(st.truncated);
    if (log) logged_[out] = {i, r.qtype, r.rcode};
    tx_iov_[out] = {resp, r.length};
    msghdr& h = tx_msgs_[out].msg_hdr;
    h = msghdr{};
    h.msg_name = &peers_[i];
    h.msg_namelen = rx_msgs_[i].msg_hdr.msg_namelen;
    h.msg_iov = &tx_iov_[out];
    h.msg_iovlen = 1;
    if (wildcard_) {
      size_t n_ctl = reply_control(rx_msgs_[i].msg_hdr, tx_control_[out], kControl);
      h.msg_control = n_ctl ? tx_control_[out] : nullptr;
      h.msg_controllen = n_ctl;
    }
    ++out;
  }
  for (int sent = 0; sent < out;) {
    int k = sendmmsg(fd_, tx_msgs_ + sent, static_cast<unsigned>(out - sent), MSG_DONTWAIT);
    if (k < 0) {
      if (errno == EINTR) continue;
      // EAGAIN (socket buffer full) or a per-peer error: drop this one, keep the rest.
      bump(st.dropped);
      ++sent;
      continue;
    }
    sent += k;
  }
  if (log) log_batch(out, received_ns);
}

void UdpReceiver::log_batch(int out, uint64_t received_ns) {
  uint32_t latency_us = static_cast<uint32_t>((monotonic_ns() - received_ns) / 1000);
  for (int k = 0; k < out; ++k) {
    QueryLogRecord* rec = query_log.reserve();
    if (!rec) {  // full: this one and the rest of the batch are counted as not logged
      query_log.lose(static_cast<uint64_t>(out - k - 1));
      return;
    }
    int i = logged_[k].query;
    std::memcpy(&rec->client.storage, &peers_[i], rx_msgs_[i].msg_hdr.msg_namelen);
    rec->client.length = rx_msgs_[i].msg_hdr.msg_namelen;
    rec->set_question(rx_.data() + static_cast<size_t>(i) * kQueryBuffer, rx_msgs_[i].msg_len);
    rec->tcp = false;
    rec->qtype = logged_[k].qtype;
    rec->rcode = logged_[k].rcode;
    rec->size = static_cast<uint32_t>(tx_iov_[k].iov_len);
    rec->latency_us = latency_us;
    query_log.commit();
  }
}

}  // namespace dnsd::net
