// Histogram: values land in the first bucket whose bound is >= the value, buckets are
// cumulative, +Inf is the count, NaN is ignored.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "sentinel/metrics/histogram.h"

namespace sentinel::metrics {
namespace {

constexpr double kBounds[] = {0.001, 0.01, 0.1};

TEST(Histogram, StartsEmpty) {
  Histogram h(kBounds);
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.sum(), 0);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(h.cumulative(i), 0u);
}

struct BucketCase {
  double value;
  uint64_t want[3];  // cumulative counts after observing `value` once
};

TEST(Histogram, BoundsAreInclusiveAndBucketsCumulative) {
  for (const auto& c : {BucketCase{0, {1, 1, 1}}, BucketCase{0.001, {1, 1, 1}},
                        BucketCase{0.0011, {0, 1, 1}}, BucketCase{0.1, {0, 0, 1}},
                        BucketCase{0.5, {0, 0, 0}}, BucketCase{-1, {1, 1, 1}}}) {
    Histogram h(kBounds);
    h.observe(c.value);
    for (size_t i = 0; i < 3; ++i) EXPECT_EQ(h.cumulative(i), c.want[i]) << c.value << " @" << i;
    EXPECT_EQ(h.count(), 1u) << c.value;
    EXPECT_DOUBLE_EQ(h.sum(), c.value);
  }
}

TEST(Histogram, SumsAndCountsManyObservations) {
  Histogram h(kBounds);
  for (double v : {0.0005, 0.005, 0.005, 0.05, 7.0}) h.observe(v);
  EXPECT_EQ(h.cumulative(0), 1u);
  EXPECT_EQ(h.cumulative(1), 3u);
  EXPECT_EQ(h.cumulative(2), 4u);
  EXPECT_EQ(h.count(), 5u);  // the +Inf bucket
  EXPECT_NEAR(h.sum(), 7.0605, 1e-12);
}

TEST(Histogram, IgnoresNaNButCountsInfinityInTheLastBucketOnly) {
  Histogram h(kBounds);
  h.observe(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(h.count(), 0u);
  h.observe(std::numeric_limits<double>::infinity());
  EXPECT_EQ(h.cumulative(2), 0u);
  EXPECT_EQ(h.count(), 1u);
}

TEST(Histogram, ShippedBoundsIncrease) {
  for (auto bounds : {std::span<const double>(kProbeLatencyBounds),
                      std::span<const double>(kFailoverBounds)})
    for (size_t i = 1; i < bounds.size(); ++i) EXPECT_LT(bounds[i - 1], bounds[i]);
  EXPECT_DOUBLE_EQ(kProbeLatencyBounds[0], 0.0005);
  EXPECT_DOUBLE_EQ(std::size(kProbeLatencyBounds) ? kProbeLatencyBounds[std::size(kProbeLatencyBounds) - 1] : 0, 5);
}

}  // namespace
}  // namespace sentinel::metrics
