// CatalogHolder: readers see the new catalog after refresh; retired catalogs are freed by
// reclaim() only once no reader holds them.
#include "dnsd/zone/catalog_holder.h"

#include <gtest/gtest.h>

#include "dnsd/zone/catalog.h"

namespace dnsd::zone {
namespace {

TEST(CatalogHolderTest, ReaderSwitchesOnRefreshAndReclaimWaitsForIt) {
  CatalogHolder holder;
  auto a = std::make_shared<Catalog>();
  a->identity = "a";
  holder.publish(a);
  CatalogReader reader(holder);
  EXPECT_EQ(reader.refresh()->identity, "a");
  std::weak_ptr<const Catalog> weak_a = a;
  a.reset();
  auto b = std::make_shared<Catalog>();
  b->identity = "b";
  holder.publish(b);
  EXPECT_EQ(reader.catalog()->identity, "a");  // still on the old one until the next batch
  holder.reclaim();
  EXPECT_EQ(holder.retired(), 1u);             // the reader holds it: not freed
  EXPECT_FALSE(weak_a.expired());
  EXPECT_EQ(reader.refresh()->identity, "b");
  EXPECT_FALSE(weak_a.expired());              // the reader's release did not free it...
  holder.reclaim();                            // ...reclaim() does, on its caller's thread
  EXPECT_EQ(holder.retired(), 0u);
  EXPECT_TRUE(weak_a.expired());
}

}  // namespace
}  // namespace dnsd::zone
