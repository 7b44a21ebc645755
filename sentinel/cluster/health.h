// Per-check rise/fall counting and per-node flap damping: probes report a bool, this owns
// what "up" and "down" mean. Pure: time comes in as milliseconds, never read from a clock.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace sentinel::cluster {

using TimeMs = int64_t;

enum class Health : uint8_t { Unknown, Up, Down };
const char* health_name(Health h);

class CheckHealth {
 public:
  CheckHealth(int rise, int fall) : rise_(rise), fall_(fall) {}
  // Feeds one probe result; returns true when the state changed.
  bool record(bool ok, std::string detail, TimeMs now);

  Health state() const { return state_; }
  int ok_streak() const { return ok_streak_; }
  int fail_streak() const { return fail_streak_; }
  int rise() const { return rise_; }
  int fall() const { return fall_; }
  // A reload changed the thresholds: the streaks stay, the next result is judged by these.
  void set_thresholds(int rise, int fall) {
    rise_ = rise;
    fall_ = fall;
  }
  const std::string& last_detail() const { return last_detail_; }
  bool last_ok() const { return last_ok_; }
  TimeMs last_at() const { return last_at_; }
  // When the current state began: the first result for Unknown, the result that made the
  // state for Up and Down. Unset (has_result() false) before any result.
  TimeMs since_ms() const { return since_ms_; }
  bool has_result() const { return has_result_; }

 private:
  int rise_, fall_;
  Health state_ = Health::Unknown;
  int ok_streak_ = 0, fail_streak_ = 0;
  bool last_ok_ = false;
  std::string last_detail_;
  TimeMs last_at_ = 0;
  TimeMs since_ms_ = 0;
  bool has_result_ = false;
};

struct DampingPolicy {
  double penalty = 1000;
  double suppress = 2500;
  double reuse = 800;
  TimeMs half_life_ms = 120000;
};

// BGP-style route flap damping (RFC 2439): each down adds a penalty that decays
// exponentially; above `suppress` the node is held out of service until it decays below
// `reuse`.
class Damping {
 public:
  void flap(TimeMs now, const DampingPolicy& p);
  // Re-evaluates suppression at `now`; returns true when `suppressed()` changed.
  bool update(TimeMs now, const DampingPolicy& p);
  double penalty(TimeMs now, const DampingPolicy& p) const;
  bool suppressed() const { return suppressed_; }

 private:
  double penalty_ = 0;
  TimeMs at_ = 0;
  bool suppressed_ = false;
};

class NodeHealth {
 public:
  NodeHealth() = default;
  explicit NodeHealth(std::vector<CheckHealth> checks) : checks_(std::move(checks)) {}
  // Records a result of check `index`; returns true when the node's overall health or its
  // damping changed. A transition to Down counts as a flap.
  bool record(size_t index, bool ok, std::string detail, TimeMs now, const DampingPolicy& p);
  bool tick(TimeMs now, const DampingPolicy& p) { return damping_.update(now, p); }
  // A reload changed the node's checks: these replace them; the flap damping stays.
  void replace_checks(std::vector<CheckHealth> checks) { checks_ = std::move(checks); }

  // Down if any check is down, Up if every check is up, else Unknown (still deciding).
  Health overall() const;
  const std::vector<CheckHealth>& checks() const { return checks_; }
  const Damping& damping() const { return damping_; }

 private:
  std::vector<CheckHealth> checks_;
  Damping damping_;
};

}  // namespace sentinel::cluster
