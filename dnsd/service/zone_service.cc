// Zone service: thread, job queue, loading with journals.
#include "dnsd/service/zone_service.h"

#include <malloc.h>

#include <algorithm>
#include <ctime>
#include <tuple>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "dnsd/common/thread_schedule.h"
#include "dnsd/net/query_counters.h"
#include "dnsd/wire/name.h"
#include "dnsd/xfr/notify_source.h"
#include "dnsd/xfr/serial_changes.h"
#include "dnsd/zone/catalog_builder.h"

namespace dnsd::service {

ZoneService::ZoneService(zone::CatalogHolder& holder, std::string state_dir)
    : holder_(holder),
      state_dir_(std::move(state_dir)),
      stats_slots_(net::QueryCounters::kSlots),
      notifier_({5, common::Millis{1000}}, [this](const xfr::NotifyJob&, bool acked, int) {
        with_status([&](ServiceStatus& s) { ++(acked ? s.counters.notify_acked : s.counters.notify_failed); });
      }) {
  status_.counters.started = static_cast<int64_t>(std::time(nullptr));
}

ServiceStatus ZoneService::status() const {
  std::lock_guard<std::mutex> lock(status_mutex_);
  ServiceStatus out = status_;
  // Replication moves on its own threads: read it now (the maps change under this mutex).
  for (auto& z : out.zones) {
    auto origin = wire::name_from_text(z.name);
    if (!origin || z.replication_role.empty()) continue;
    if (auto log = replication_logs_.find(*origin); log != replication_logs_.end())
      z.replication_seq = log->second->last_seq();
    auto rep = replicators_.find(*origin);
    if (rep == replicators_.end()) continue;
    z.replication_divergences = rep->second->divergences();
    z.replication_repairs = rep->second->repairs();
    for (const auto& r : rep->second->status())
      z.replicas.push_back({r.name, r.address, r.problem, r.seq, r.known, r.in_step, r.reachable, r.diverged,
                            r.serial_known, r.serial});
  }
  return out;
}

void ZoneService::note_reload(bool ok) {
  with_status([&](ServiceStatus& s) {
    ++(ok ? s.counters.reloads_ok : s.counters.reloads_failed);
    s.counters.last_reload = static_cast<int64_t>(std::time(nullptr));
    s.counters.last_reload_ok = ok;
  });
}

void ZoneService::count_update(uint8_t rcode) {
  with_status([&](ServiceStatus& s) {
    ++s.counters.updates_by_rcode[rcode < ServiceCounters::kRcodes - 1 ? rcode : ServiceCounters::kRcodes - 1];
  });
}

void ZoneService::count_compaction(const std::string& origin, bool ok) {
  auto& [done, failed] = compactions_[origin];
  ++(ok ? done : failed);
}

void ZoneService::refresh_zone_status(bool loaded) {
  auto catalog = holder_.get();
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  std::lock_guard<std::mutex> lock(status_mutex_);
  std::vector<ZoneStatus> zones;
  for (const auto& z : catalog->zones) {
    ZoneStatus st;
    const std::string& origin = z.snapshot->origin();
    st.name = wire::name_to_text(origin);
    st.file = z.file;
    st.serial = z.snapshot->serial();
    st.names = z.snapshot->node_count();
    st.last_change = now;
    for (const auto& old : status_.zones)  // unchanged content keeps its time
      if (old.name == st.name && old.serial == st.serial && !(loaded && old.file != st.file))
        st.last_change = old.last_change;
    if (auto j = journals_.find(origin); j != journals_.end() && j->second) {
      st.journal_path = j->second->path();
      st.journal_entries = j->second->entry_count();
      st.journal_bytes = j->second->bytes();
      st.journal_trusted = j->second->trusted();
      st.journal_untrusted_reason = j->second->untrusted_reason();
    }
    if (z.replication.enabled()) {
      st.replication_role = z.replication.is_primary() ? "primary" : "replica";
      st.replication_primary = z.replication.primary;
    }
    if (auto c = compactions_.find(origin); c != compactions_.end())
      std::tie(st.compactions, st.compaction_failures) = c->second;
    zones.push_back(std::move(st));
  }
  status_.zones = std::move(zones);
}

ZoneService::~ZoneService() { stop(); }

void ZoneService::notify_secondaries(const zone::ZoneEntry& entry, uint32_t serial) {
  if (entry.notify.empty()) return;
  notifier_.notify(entry.snapshot->origin(), serial, entry.notify,
                   xfr::resolve_notify_sources(entry.notify_source, listen_));
}

void ZoneService::notify_changed(const zone::Catalog* before, const zone::Catalog& after) {
  for (const zone::ZoneEntry* z : xfr::zones_with_new_serial(before, after))
    notify_secondaries(*z, z->snapshot->serial());
}

const update::Journal* ZoneService::journal_of(const std::string& zone_text) const {
  auto origin = wire::name_from_text(zone_text);
  if (!origin) return nullptr;
  auto j = journals_.find(*origin);
  return j == journals_.end() ? nullptr : j->second.get();
}

bool ZoneService::rewrite_untrusted_journals(common::ErrorList& errors, const std::string& only) {
  // A journal distrusted after a failed fdatasync may still hold the update that was
  // refused; reading it again would serve that update. The in-memory zone is the truth:
  // it is written out first, or the reload does not happen.
  auto catalog = holder_.get();
  bool ok = true;
  for (auto& [origin, journal] : journals_) {
    if (!journal || journal->trusted() || (!only.empty() && origin != only)) continue;
    std::string zone = wire::name_to_text(origin), error = "the zone is not served";
    const zone::ZoneEntry* entry = nullptr;
    if (catalog)
      for (const auto& z : catalog->zones)
        if (z.snapshot->origin() == origin) entry = &z;
    bool compacted = entry && journal->compact(*entry->snapshot, error);
    count_compaction(origin, compacted);
    if (compacted) {
      spdlog::warn("zone {}: journal rewritten from memory before the reload", zone);
      continue;
    }
    errors.add(journal->path(), 0, "", "",
               "zone " + zone + ": journal untrusted (" + journal->untrusted_reason() +
                   ") and it cannot be rewritten from memory (" + error +
                   "); not reloaded, so no update that got SERVFAIL can come back");
    ok = false;
  }
  return ok;
}

zone::ContentHook ZoneService::journal_hook(const config::Config& config, JournalMap& journals,
                                            bool starting) {
  return [&config, &journals, starting](const config::ZoneConfig& zc,
                              std::shared_ptr<const zone::ZoneSnapshot>& snapshot,
                              common::ErrorList& errs) {
    update::Journal::LoadReport report;
    std::string origin = snapshot->origin();
    auto journal = update::Journal::open(config.server.state_dir, origin, snapshot, report);
    std::string zone = wire::name_to_text(origin);
    if (!report.error.empty()) {
      errs.add(zc.file, 0, "", "", "journal: " + report.error);
      return;
    }
    if (!report.refused_file.empty() && !starting) {
      // A reload keeps what is served and says it failed (SIGHUP, `dnsdctl reload`).
      errs.add(zc.file, 0, "", "", "journal: " + report.refused_file);
      return;
    }
    if (!report.refused_file.empty())
      spdlog::error("{}: zone {}: {}; serving the state in {} (serial {}) instead of the file",
                    zc.file, zone, report.refused_file, config.server.state_dir, snapshot->serial());
    if (report.file_won)
      spdlog::warn("zone {}: the zone file's SOA serial changed; it wins over the journal, "
                   "which was reset", zone);
    if (report.torn_tail)
      spdlog::warn("zone {}: journal had a torn or broken tail; cut back to the last whole entry",
                   zone);
    if (!report.damaged_copy.empty())
      spdlog::error("zone {}: the journal was damaged in the middle (whole entries after the "
                    "break could not be replayed); the whole file was kept as {}",
                    zone, report.damaged_copy);
    if (!report.untrusted.empty())
      spdlog::error("zone {}: journal not durable ({}); the zone is served, updates get SERVFAIL "
                    "until the journal can be rewritten from memory", zone, report.untrusted);
    if (report.replayed || report.used_snapshot)
      spdlog::info("zone {}: {} from snapshot, {} journal entries replayed, serial {}", zone,
                   report.used_snapshot ? "loaded" : "no", report.replayed, snapshot->serial());
    journals[origin] = std::move(journal);
  };
}

bool ZoneService::load(const config::Config& config, common::ErrorList& errors) {
  if (!rewrite_untrusted_journals(errors)) return false;
  JournalMap journals;
  auto hook = journal_hook(config, journals, !holder_.get());
  auto built = zone::build_catalog(config, errors, hook);
  if (!built) return false;
  auto catalog = std::make_shared<zone::Catalog>(*built);  // shares the zone snapshots
  for (auto& z : catalog->zones) z.stats_slot = stats_slots_.slot_for(wire::name_to_text(z.snapshot->origin()));
  journals_ = std::move(journals);
  state_dir_ = config.server.state_dir;
  compact_after_ = config.server.journal_compact_after;
  listen_ = config.server.listen;
  auto before = holder_.get();
  holder_.publish(catalog);
  sync_replication();
  refresh_zone_status(true);
  if (thread_.joinable()) notify_changed(before.get(), *catalog);
  else notify_at_start_ = true;
  // Loading freed the parser's and the builder's scratch memory in many small pieces;
  // give the free pages back so a big zone does not leave the process twice its size.
  malloc_trim(0);
  return true;
}

bool ZoneService::load_zone(const config::Config& config, const std::string& zone_text,
                            common::ErrorList& errors) {
  config::Config one = config;
  one.zones.clear();
  for (const auto& zc : config.zones)
    if (zc.name == zone_text) one.zones.push_back(zc);
  auto origin = wire::name_from_text(zone_text);
  auto current = holder_.get();
  if (one.zones.size() != 1 || !origin || !current) {
    errors.add(config.path, 0, "", "", "zone " + zone_text + " is not served");
    return false;
  }
  if (!rewrite_untrusted_journals(errors, *origin)) return false;
  JournalMap journals;
  auto part = zone::build_catalog(one, errors, journal_hook(one, journals, false));
  if (!part) return false;
  // The other zones and the server-wide settings stay exactly as they are served.
  auto next = std::make_shared<zone::Catalog>(*current);
  for (auto& z : next->zones)
    if (z.snapshot->origin() == *origin) {
      uint16_t slot = z.stats_slot;  // same zone, same query counters
      z = part->zones.at(0);
      z.stats_slot = slot;
    }
  journals_[*origin] = std::move(journals[*origin]);
  holder_.publish(next);
  sync_replication();
  refresh_zone_status(true);
  notify_changed(current.get(), *next);
  malloc_trim(0);
  return true;
}

void ZoneService::start() {
  if (notify_at_start_)
    if (auto catalog = holder_.get()) notify_changed(nullptr, *catalog);
  thread_ = std::thread([this] {
    // Queries come first: see thread_schedule.h.
    if (!common::set_thread_schedule(std::max(common::current_thread_nice(), common::kBackgroundNice)))
      spdlog::warn("zone service: cannot lower its priority");
    run();
  });
}

void ZoneService::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ZoneService::post(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
}

void ZoneService::submit(net::SlowRequest request, net::Responder respond) {
  auto shared = std::make_shared<net::SlowRequest>(std::move(request));
  post([this, shared, respond = std::move(respond)] { handle(*shared, respond); });
}

void ZoneService::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      // Wake at least every 100 ms to free catalogs the workers have let go of.
      cv_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) {
        if (stopping_) return;  // everything queued is done
        lock.unlock();
        holder_.reclaim();
        continue;
      }
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    holder_.reclaim();
    try {
      job();
    } catch (const std::exception& e) {  // last safety net: the service never dies
      spdlog::error("zone service: {}", e.what());
    }
  }
}

}  // namespace dnsd::service
