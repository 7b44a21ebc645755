// The sharded snapshot and its copy-on-write edits: an edit shares every shard it does not
// touch, keeps empty non-terminals and child counts exact, never changes the base, and
// re-shards a zone grown by edits.
#include "dnsd/zone/zone_edit.h"

#include <gtest/gtest.h>

#include <set>

#include "dnsd/wire/dns_constants.h"
#include "dnsd/wire/name.h"
#include "dnsd/zone/zone_builder.h"

namespace dnsd::zone {
namespace {

namespace T = wire::type;

std::string w(const std::string& text) { return *wire::name_from_text(text); }

std::string soa(uint32_t serial) {
  std::string s = w("ns1.example.com.") + w("h.example.com.");
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>(serial >> (24 - 8 * i)));
  return s + std::string(16, '\x01');
}

ZoneContent zone_with(int hosts) {
  ZoneContent z;
  z.origin = w("example.com.");
  z.nodes[z.origin][T::SOA] = {60, {soa(1)}, 0};
  z.nodes[z.origin][T::NS] = {60, {w("ns1.example.com.")}, 0};
  for (int i = 0; i < hosts; ++i)
    z.nodes[w("h" + std::to_string(i) + ".example.com.")][T::A] = {60, {std::string("\x0a\0\0\x01", 4)}, 0};
  return z;
}

std::shared_ptr<const SelfSpec> self_apex_and_wildcard() {
  auto s = std::make_shared<SelfSpec>();
  s->owners = {w("example.com."), w("*.example.com.")};
  in_addr a{};
  a.s_addr = htonl(0xC6336401);
  s->ipv4 = {a};
  return s;
}

// Every node but the apex has its parent; child counts are exact; the index finds all.
void expect_whole(const ZoneSnapshot& z) {
  std::map<std::string, uint32_t> children;
  size_t nodes = 0;
  for (const auto& shard : z.shards()) {
    for (uint32_t i = 0; i < shard->node_count; ++i) {
      std::string name = z.full_name(shard->nodes()[i]);
      ++nodes;
      EXPECT_EQ(z.find(name), &shard->nodes()[i]) << wire::name_to_text(name);
      if (name == z.origin()) continue;
      std::string parent = name.substr(1u + static_cast<uint8_t>(name[0]));
      EXPECT_NE(z.find(parent), nullptr) << "no parent for " << wire::name_to_text(name);
      ++children[parent];
    }
  }
  EXPECT_EQ(nodes, z.node_count());
  for (const auto& shard : z.shards())
    for (uint32_t i = 0; i < shard->node_count; ++i) {
      std::string name = z.full_name(shard->nodes()[i]);
      EXPECT_EQ(shard->nodes()[i].children, children[name]) << wire::name_to_text(name);
    }
}

TEST(ZoneSnapshotTest, BuildFindsEveryOwnerSelfNamesAndNonTerminals) {
  ZoneContent c = zone_with(1000);
  c.nodes[w("a.b.c.example.com.")][T::TXT] = {60, {"\x02hi"}, 0};
  auto z = build_snapshot(c, self_apex_and_wildcard());
  expect_whole(*z);
  EXPECT_GT(z->shards().size(), 8u);
  EXPECT_NE(z->find(w("h999.example.com.")), nullptr);
  EXPECT_EQ(z->find(w("h1000.example.com.")), nullptr);
  const auto* ent = z->find(w("b.c.example.com."));
  ASSERT_NE(ent, nullptr);  // RFC 4592 empty non-terminal
  EXPECT_EQ(ent->rrset_count, 0u);
  const auto* wc = z->find(w("*.example.com."));
  ASSERT_NE(wc, nullptr);
  EXPECT_TRUE(wc->flags & ZoneSnapshot::kSelf);
  const auto* a = ZoneSnapshot::rrset(*wc, T::A);
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(ZoneSnapshot::is_self_set(*wc, *a));
  EXPECT_EQ(z->serial(), 1u);
  // Self sets are the node's, not zone data: never transferred or journaled.
  EXPECT_EQ(z->to_content().nodes.count(w("*.example.com.")), 0u);
  EXPECT_EQ(z->to_content().nodes.size(), c.nodes.size());
}

TEST(ZoneEditTest, SharesEveryShardItDoesNotTouch) {
  auto base = build_snapshot(zone_with(5000), nullptr);
  ZoneEdit edit(base);
  edit.mutable_node(w("new.example.com."))[T::A] = {60, {std::string("\x0a\0\0\x02", 4)}, 0};
  auto next = edit.commit();
  ASSERT_EQ(next->shards().size(), base->shards().size());
  size_t shared = 0;
  for (size_t i = 0; i < base->shards().size(); ++i) shared += next->shards()[i] == base->shards()[i];
  // The new owner's shard and the apex's (its child count) are rebuilt, nothing else.
  EXPECT_GE(shared, base->shards().size() - 2);
  EXPECT_LT(shared, base->shards().size());
  EXPECT_NE(next->find(w("new.example.com.")), nullptr);
  EXPECT_EQ(base->find(w("new.example.com.")), nullptr);  // the base never changes
  EXPECT_EQ(next->node_count(), base->node_count() + 1);
  expect_whole(*next);
}

TEST(ZoneEditTest, NonTerminalsAppearAndDisappearWithTheirDescendants) {
  auto base = build_snapshot(zone_with(10), nullptr);
  ZoneEdit add(base);
  add.mutable_node(w("x.y.z.example.com."))[T::TXT] = {60, {"\x01a"}, 0};
  auto with = add.commit();
  expect_whole(*with);
  ASSERT_NE(with->find(w("y.z.example.com.")), nullptr);
  ASSERT_NE(with->find(w("z.example.com.")), nullptr);

  ZoneEdit sibling(with);
  sibling.mutable_node(w("q.z.example.com."))[T::TXT] = {60, {"\x01b"}, 0};
  auto two = sibling.commit();
  expect_whole(*two);
  EXPECT_EQ(two->find(w("z.example.com."))->children, 2u);

  ZoneEdit del(two);
  del.mutable_node(w("x.y.z.example.com.")).clear();
  auto after = del.commit();
  expect_whole(*after);
  EXPECT_EQ(after->find(w("x.y.z.example.com.")), nullptr);
  EXPECT_EQ(after->find(w("y.z.example.com.")), nullptr);  // gone with its only descendant
  ASSERT_NE(after->find(w("z.example.com.")), nullptr);     // still has q
  EXPECT_EQ(after->node_count(), base->node_count() + 2);   // z and q

  ZoneEdit last(after);
  last.mutable_node(w("q.z.example.com.")).clear();
  auto empty = last.commit();
  expect_whole(*empty);
  EXPECT_EQ(empty->node_count(), base->node_count());
}

TEST(ZoneEditTest, SelfOwnersStayAndKeepTheirAddresses) {
  auto base = build_snapshot(zone_with(10), self_apex_and_wildcard());
  ZoneEdit edit(base);
  edit.mutable_node(w("*.example.com."))[T::TXT] = {60, {"\x01t"}, 0};
  auto with_txt = edit.commit();
  const auto* wc = with_txt->find(w("*.example.com."));
  ASSERT_NE(wc, nullptr);
  EXPECT_NE(ZoneSnapshot::rrset(*wc, T::A), nullptr);
  EXPECT_NE(ZoneSnapshot::rrset(*wc, T::TXT), nullptr);
  ZoneEdit drop(with_txt);
  drop.mutable_node(w("*.example.com.")).clear();
  auto back = drop.commit();
  wc = back->find(w("*.example.com."));
  ASSERT_NE(wc, nullptr);  // a self name exists without zone data
  EXPECT_NE(ZoneSnapshot::rrset(*wc, T::A), nullptr);
  EXPECT_EQ(ZoneSnapshot::rrset(*wc, T::TXT), nullptr);
  expect_whole(*back);
}

TEST(ZoneEditTest, AZoneGrownByEditsIsReSharded) {
  auto z = build_snapshot(zone_with(2), nullptr);
  size_t first = z->shards().size();
  for (int round = 0; round < 40; ++round) {
    ZoneEdit edit(z);
    for (int i = 0; i < 50; ++i)
      edit.mutable_node(w("g" + std::to_string(round) + "-" + std::to_string(i) + ".example.com."))[T::A] =
          {60, {std::string("\x0a\0\0\x03", 4)}, 0};
    z = edit.commit();
  }
  EXPECT_EQ(z->node_count(), 2003u);
  EXPECT_GT(z->shards().size(), first);
  size_t biggest = 0;
  for (const auto& s : z->shards()) biggest = std::max<size_t>(biggest, s->node_count);
  EXPECT_LT(biggest, 600u);
  expect_whole(*z);
  EXPECT_NE(z->find(w("g39-49.example.com.")), nullptr);
}

}  // namespace
}  // namespace dnsd::zone
