// Per-check rise/fall counting and per-node flap damping.
#include "sentinel/cluster/health.h"

#include <cmath>

namespace sentinel::cluster {

const char* health_name(Health h) {
  switch (h) {
    case Health::Up: return "up";
    case Health::Down: return "down";
    default: return "unknown";
  }
}

bool CheckHealth::record(bool ok, std::string detail, TimeMs now) {
  last_ok_ = ok;
  last_detail_ = std::move(detail);
  last_at_ = now;
  if (!has_result_) since_ms_ = now;  // deciding since the first result
  has_result_ = true;
  Health before = state_;
  if (ok) {
    fail_streak_ = 0;
    if (++ok_streak_ >= rise_) state_ = Health::Up;
  } else {
    ok_streak_ = 0;
    if (++fail_streak_ >= fall_) state_ = Health::Down;
  }
  if (state_ != before) since_ms_ = now;
  return state_ != before;
}

double Damping::penalty(TimeMs now, const DampingPolicy& p) const {
  if (penalty_ <= 0) return 0;
  double dt = static_cast<double>(now - at_);
  if (dt <= 0) return penalty_;
  return penalty_ * std::exp2(-dt / static_cast<double>(p.half_life_ms));
}

void Damping::flap(TimeMs now, const DampingPolicy& p) {
  penalty_ = penalty(now, p) + p.penalty;
  at_ = now;
  update(now, p);
}

bool Damping::update(TimeMs now, const DampingPolicy& p) {
  double cur = penalty(now, p);
  bool before = suppressed_;
  if (!suppressed_ && cur > p.suppress) suppressed_ = true;
  else if (suppressed_ && cur < p.reuse) suppressed_ = false;
  return suppressed_ != before;
}

Health NodeHealth::overall() const {
  bool all_up = !checks_.empty();
  for (const auto& c : checks_) {
    if (c.state() == Health::Down) return Health::Down;
    if (c.state() != Health::Up) all_up = false;
  }
  return all_up ? Health::Up : Health::Unknown;
}

bool NodeHealth::record(size_t index, bool ok, std::string detail, TimeMs now,
                        const DampingPolicy& p) {
  if (index >= checks_.size()) return false;
  Health before = overall();
  bool damped_before = damping_.suppressed();
  checks_[index].record(ok, std::move(detail), now);
  Health after = overall();
  if (after == Health::Down && before != Health::Down) damping_.flap(now, p);
  else damping_.update(now, p);
  return after != before || damping_.suppressed() != damped_before;
}

}  // namespace sentinel::cluster
