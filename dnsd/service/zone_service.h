// The zone service: one thread that owns every change to the served zones. Dynamic
// updates (verify TSIG -> apply -> journal fdatasync -> compile -> swap -> answer ->
// NOTIFY), zone transfers, TSIG-signed queries and reloads all run here in order, so an
// update is all-or-nothing and readers (the workers) never wait: they keep answering from
// the catalog they hold until the next swap.
#pragma once
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "dnsd/common/config_error.h"
#include "dnsd/config/config.h"
#include "dnsd/net/slow_path.h"
#include "dnsd/update/journal.h"
#include "dnsd/xfr/notify_sender.h"
#include "dnsd/zone/catalog.h"
#include "dnsd/zone/catalog_holder.h"

namespace dnsd::service {

class ZoneService {
 public:
  ZoneService(zone::CatalogHolder& holder, std::string state_dir);
  ~ZoneService();

  // Reads every zone file, replays its journal, and publishes the result. Safe to call
  // before start() (start-up) or from a job (reload). On error nothing changes.
  bool load(const config::Config& config, common::ErrorList& errors);

  void start();
  void stop();

  // Thread-safe entry point for the workers' slow path.
  void submit(net::SlowRequest request, net::Responder respond);
  // Runs `job` on the service thread (used for SIGHUP reloads).
  void post(std::function<void()> job);


 private:
  void run();
  // Before a reload reads the journals again: every untrusted one rewritten from memory.
  bool rewrite_untrusted_journals(common::ErrorList& errors);
  void handle(const net::SlowRequest& request, const net::Responder& respond);
  std::vector<uint8_t> handle_update(const net::SlowRequest& request);
  std::vector<std::vector<uint8_t>> handle_transfer(const net::SlowRequest& request);
  std::vector<uint8_t> handle_signed_query(const net::SlowRequest& request);
  // True if `journal` may take an append; an untrusted one is first rewritten from
  // `current` (the in-memory zone: every acknowledged update).
  bool journal_usable(update::Journal& journal, const zone::ZoneSnapshot& current,
                      const std::string& zone_text);

  zone::CatalogHolder& holder_;
  std::string state_dir_;
  std::map<std::string, std::unique_ptr<update::Journal>> journals_;  // by origin (wire)
  xfr::NotifySender notifier_;
  size_t compact_after_ = 10000;

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace dnsd::service
