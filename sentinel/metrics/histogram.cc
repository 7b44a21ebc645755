// Fixed-bucket histogram.
#include "sentinel/metrics/histogram.h"

#include <algorithm>
#include <cmath>

namespace sentinel::metrics {

Histogram::Histogram(std::span<const double> bounds)
    : bounds_(bounds), per_bucket_(bounds.size(), 0) {}

void Histogram::observe(double value) {
  if (std::isnan(value)) return;  // would poison the sum forever
  auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);  // first bound >= value
  if (it != bounds_.end()) per_bucket_[static_cast<size_t>(it - bounds_.begin())]++;
  count_++;  // above the last bound: only in +Inf, which is count_
  sum_ += value;
}

uint64_t Histogram::cumulative(size_t i) const {
  uint64_t total = 0;
  for (size_t j = 0; j <= i && j < per_bucket_.size(); ++j) total += per_bucket_[j];
  return total;
}

}  // namespace sentinel::metrics
