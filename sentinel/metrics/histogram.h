// A Prometheus-style histogram with fixed bucket bounds: observe() only bumps counters
// (no allocation), so it can sit on a probe's completion path.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace sentinel::metrics {

class Histogram {
 public:
  // `bounds`: the upper bounds ("le") in increasing order, without +Inf; must outlive the
  // histogram (use a static array).
  explicit Histogram(std::span<const double> bounds);

  void observe(double value);

  std::span<const double> bounds() const { return bounds_; }
  // Cumulative count of observations <= bounds()[i], as Prometheus exposes them.
  uint64_t cumulative(size_t i) const;
  // Observations in (bounds()[i-1], bounds()[i]] alone: a renderer sums these as it goes
  // rather than calling cumulative() (quadratic in the bucket count) for every bound.
  uint64_t in_bucket(size_t i) const { return i < per_bucket_.size() ? per_bucket_[i] : 0; }
  uint64_t count() const { return count_; }
  double sum() const { return sum_; }

 private:
  std::span<const double> bounds_;
  std::vector<uint64_t> per_bucket_;  // observations in (bounds[i-1], bounds[i]]
  uint64_t count_ = 0;
  double sum_ = 0;
};

// Probe latency, loopback to WAN: 0.5 ms .. 5 s.
inline constexpr double kProbeLatencyBounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                 0.1,    0.25,  0.5,    1,     2.5,  5};
// Failover, master down detected to published: 0.1 s .. 2 min.
inline constexpr double kFailoverBounds[] = {0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120};

}  // namespace sentinel::metrics
