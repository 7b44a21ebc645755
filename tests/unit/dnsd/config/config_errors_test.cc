// load_config on bad files: each kind of error, with the exact file:line, key and value.
#include "tests/unit/dnsd/config/config_test_util.h"

namespace dnsd::config {
namespace {

// kMinimal with `line` added at the end of [server].
std::string with_server(const std::string& line) {
  std::string s = kMinimal;
  return s.insert(s.find("\n\n[node]"), "\n" + line);
}
// kMinimal with `line` added at the end of its [[zone]].
std::string with_zone(const std::string& line) { return std::string(kMinimal) + line + "\n"; }

TEST_F(ConfigTest, MissingFile) {
  errors_ = {};
  EXPECT_FALSE(load_config(dir_.file("nope.toml"), errors_));
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(errors_.errors()[0].to_string(),
            dir_.file("nope.toml") + ": cannot read: No such file or directory");
}

TEST_F(ConfigTest, DirectoryInsteadOfFile) {
  EXPECT_FALSE(load_config(dir_.path(), errors_));
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(errors_.errors()[0].to_string(),
            dir_.path() + ": cannot read: is a directory, not a config file");
}

TEST_F(ConfigTest, SyntaxErrorHasLineAndColumn) {
  std::string e = only_error("[server]\nlisten = [\"127.0.0.1:53\"\nworkers = 1\n");
  EXPECT_EQ(e, path_ +
                   ":3: column 1: Error while parsing array: expected comma or closing ']', "
                   "saw 'w'");
}

TEST_F(ConfigTest, UnknownKeySuggestsTheRealOne) {
  std::string text = with_server("wrokers = 4");
  expect_only_error(text, "wrokers",
                    ": server.wrokers = 4: unknown key in [server] (did you mean \"workers\"?)");
  text = with_zone("colour = \"blue\"");
  expect_only_error(text, "colour", ": zone[0].colour = \"blue\": unknown key in [zone]");
}

TEST_F(ConfigTest, UnknownSection) {
  std::string text = std::string(kMinimal) + "[metric]\nlisten = \"\"\n";
  expect_only_error(text, "[metric]", ": metric: unknown section (did you mean \"metrics\"?)");
  text = std::string(kMinimal) + "[sentinel]\nid = \"s1\"\n";
  expect_only_error(text, "[sentinel]", ": sentinel: unknown section");
}

TEST_F(ConfigTest, SectionShapes) {
  std::string text = R"([server]
listen = ["127.0.0.1:53"]
[zone]
name = "a.test"
file = "api.zone"
)";
  auto c = load(text);
  EXPECT_FALSE(c);
  auto m = messages();
  ASSERT_EQ(m.size(), 2u) << errors_.to_string();
  EXPECT_EQ(m[0],
            at("[zone]") + ": zone: must be written as [[zone]] tables (there may be several)");
  EXPECT_EQ(m[1], path_ + ": zone: at least one [[zone]] is required: dnsd serves nothing else");

  text = std::string(kMinimal) + "[[log]]\nlevel = \"info\"\n";
  expect_only_error(text, "[[log]]", ": log: must be written as a single [log] table");
}

TEST_F(ConfigTest, WrongTypes) {
  expect_only_error(with_server("workers = \"4\""), "workers",
                    ": server.workers = \"4\": must be an integer");
  expect_only_error(with_server("workers = 1.5"), "workers",
                    ": server.workers = 1.5: must be an integer");
  expect_only_error(with_server("identity = 7"), "identity",
                    ": server.identity = 7: must be a string");
  expect_only_error(std::string(kMinimal) + "[log]\nqueries = \"yes\"\n", "queries",
                    ": log.queries = \"yes\": must be true or false");
  expect_only_error(with_zone("self = \"@\""),
                    "self =", ": zone[0].self = \"@\": must be a list, e.g. [\"...\"]");
  expect_only_error(with_zone("notify = [53]"), "notify",
                    ": zone[0].notify[0] = 53: must be a string");
}

TEST_F(ConfigTest, Ranges) {
  expect_only_error(with_server("udp_payload = 511"), "udp_payload",
                    ": server.udp_payload = 511: must be between 512 and 4096");
  expect_only_error(with_server("udp_payload = 4097"), "udp_payload",
                    ": server.udp_payload = 4097: must be between 512 and 4096");
  EXPECT_TRUE(load(with_server("udp_payload = 512")));
  EXPECT_TRUE(load(with_server("udp_payload = 4096")));
  expect_only_error(with_server("workers = -1"), "workers",
                    ": server.workers = -1: must be between 0 and 256");
  expect_only_error(with_zone("self_ttl = 2147483648"), "self_ttl",
                    ": zone[0].self_ttl = 2147483648: must be between 0 and 2147483647");
  expect_only_error(std::string(kMinimal) + "[rrl]\nslip = 11\n", "slip",
                    ": rrl.slip = 11: must be between 0 and 10");
  expect_only_error(
      with_server("identity = \"" + std::string(256, 'x') + "\""), "identity",
      ": server.identity = \"" + std::string(76, 'x') + "...: must be at most 255 bytes");
}

TEST_F(ConfigTest, Durations) {
  expect_only_error(with_server("tcp_idle_timeout = \"10\""), "tcp_idle",
                    ": server.tcp_idle_timeout = \"10\": must be a duration such as "
                    "\"500ms\", \"10s\", \"2m\" or \"1h\"");
  expect_only_error(with_server("tcp_idle_timeout = 10"), "tcp_idle",
                    ": server.tcp_idle_timeout = 10: must be a string");
  expect_only_error(with_server("tcp_idle_timeout = \"2h\""), "tcp_idle",
                    ": server.tcp_idle_timeout = \"2h\": must be between 100ms and 1h");
  expect_only_error(with_server("stop_grace = \"6m\""), "stop_grace",
                    ": server.stop_grace = \"6m\": must be between 0s and 5m");
  auto c = load(with_server("stop_grace = \"0\""));
  ASSERT_TRUE(c) << errors_.to_string();
  EXPECT_EQ(c->server.stop_grace, common::Millis{0});
}

TEST_F(ConfigTest, UserMustExist) {
  expect_only_error(with_server("user = \"no-such-user-dnsgtm\""), "user",
                    ": server.user = \"no-such-user-dnsgtm\": no such user on this system");
  auto c = load(with_server("user = \"root\""));
  ASSERT_TRUE(c) << errors_.to_string();
  EXPECT_EQ(c->server.user, "root");
}

TEST_F(ConfigTest, StateDirMustNotBeAFile) {
  dir_.write("state", "");
  expect_only_error(with_server("state_dir = \"state\""), "state_dir",
                    ": server.state_dir = \"state\": exists and is not a directory (" +
                        dir_.file("state") + ")");
}

TEST_F(ConfigTest, ListenAddresses) {
  std::string text = R"([server]
listen = [
  "127.0.0.1",
  "localhost:53",
  "[::1]:0",
  "127.0.0.1:53",
  "127.0.0.1:53",
]
[[zone]]
name = "a.test"
file = "api.zone"
self = []
)";
  EXPECT_FALSE(load(text));
  auto m = messages();
  ASSERT_EQ(m.size(), 4u) << errors_.to_string();
  EXPECT_EQ(m[0], path_ +
                      ":3: server.listen[0] = \"127.0.0.1\": must be an IP address and port: "
                      "\"127.0.0.1:53\" or \"[::1]:53\"");
  EXPECT_EQ(m[1], path_ +
                      ":4: server.listen[1] = \"localhost:53\": must be an IP address and "
                      "port: \"127.0.0.1:53\" or \"[::1]:53\"");
  EXPECT_EQ(m[2], path_ + ":5: server.listen[2] = \"[::1]:0\": port 0 is not usable here");
  EXPECT_EQ(m[3], path_ + ":7: server.listen[4] = \"127.0.0.1:53\": listed twice");
}

TEST_F(ConfigTest, ListenIsRequired) {
  std::string text =
      "[server]\nlisten = []\n[[zone]]\nname = \"a.test\"\nfile = \"api.zone\"\n"
      "self = []\n";
  EXPECT_EQ(only_error(text), path_ + ":2: server.listen = []: at least one entry is required");
  text = "[server]\nworkers = 1\n[[zone]]\nname = \"a.test\"\nfile = \"api.zone\"\nself = []\n";
  EXPECT_EQ(only_error(text),
            path_ +
                ":1: server.listen: is required (addresses to answer on, UDP and TCP on each: "
                "\"127.0.0.1:53\", \"[::1]:53\")");
  text = "[[zone]]\nname = \"a.test\"\nfile = \"api.zone\"\nself = []\n";
  EXPECT_EQ(only_error(text),
            path_ +
                ": server.listen: is required (addresses to answer on, UDP and TCP on each: "
                "\"127.0.0.1:53\", \"[::1]:53\")");
}

TEST_F(ConfigTest, NodeAddresses) {
  std::string text = std::string(kMinimal);
  text.replace(text.find("ipv4 = [\"192.0.2.1\"]"), 20,
               "ipv4 = [\"192.0.2.300\", \"::1\"]\nipv6 = [\"2001:db8::1\", \"2001:DB8:0::1\", "
               "\"10.0.0.1\"]");
  EXPECT_FALSE(load(text));
  auto m = messages();
  ASSERT_EQ(m.size(), 4u) << errors_.to_string();
  EXPECT_EQ(m[0], at("ipv4") + ": node.ipv4[0] = \"192.0.2.300\": not an IPv4 address");
  EXPECT_EQ(m[1], at("ipv4") + ": node.ipv4[1] = \"::1\": not an IPv4 address");
  EXPECT_EQ(m[2], at("ipv6") + ": node.ipv6[1] = \"2001:DB8:0::1\": listed twice");
  EXPECT_EQ(m[3], at("ipv6") + ": node.ipv6[2] = \"10.0.0.1\": not an IPv6 address");
}

TEST_F(ConfigTest, NodeNameIsOneLabel) {
  std::string text = kMinimal;
  text.replace(text.find("name = \"lb1\""), 12, "name = \"lb1.example\"");
  expect_only_error(text, "lb1.example",
                    ": node.name = \"lb1.example\": must be one DNS "
                    "label: 1 to 63 letters, digits, '-' or '_'");
}

TEST_F(ConfigTest, SelfNamesNeedANodeNameAndAddress) {
  std::string text = R"([server]
listen = ["127.0.0.1:53"]
[[zone]]
name = "a.test"
file = "api.zone"
)";
  EXPECT_FALSE(load(text));
  auto m = messages();
  ASSERT_EQ(m.size(), 2u) << errors_.to_string();
  EXPECT_EQ(m[0], path_ +
                      ": node.name: is required: sentinel names this node in lbN.<zone> and "
                      "drained= (the [[zone]] at line 3 has self names)");
  EXPECT_EQ(m[1], path_ +
                      ": node.ipv4: node.ipv4 or node.ipv6 must list this node's addresses, "
                      "the answer of the self names (the [[zone]] at line 3 has self names)");
}

TEST_F(ConfigTest, EmptyNodeNameCountsAsMissing) {
  std::string text = kMinimal;
  text.replace(text.find("name = \"lb1\""), 12, "name = \"\"");
  expect_only_error(text, "[node]",
                    ": node.name: is required: sentinel names this node in lbN.<zone> and "
                    "drained= (the [[zone]] at line 8 has self names)");
}

TEST_F(ConfigTest, ZoneNames) {
  const std::pair<std::string, std::string> cases[] = {
      {"a..test", "empty label (two dots in a row, or a leading dot)"},
      {".", "must be a domain name (the root zone is not supported)"},
      {"", "must be a domain name (the root zone is not supported)"},
      {"*.test", "a wildcard is not allowed in a zone name"},
      {"a test", "invalid character ' ' (labels use letters, digits, '-' and '_')"},
      {std::string(64, 'a') + ".test",
       "label \"" + std::string(64, 'a') + "\" is longer than 63 bytes (RFC 1035 2.3.4)"},
  };
  for (const auto& [name, reason] : cases) {
    std::string text = kMinimal;
    text.replace(text.find("api.example.com"), 15, name);
    EXPECT_EQ(only_error(text), path_ + ":9: zone[0].name = \"" + name + "\": " + reason) << name;
  }
  std::string longest;
  for (int i = 0; i < 4; ++i) longest += std::string(62, 'a') + ".";
  std::string text = kMinimal;
  text.replace(text.find("api.example.com"), 15, longest);  // 4 * 63 + 1 = 253: fits
  auto c = load(text);
  ASSERT_TRUE(c) << errors_.to_string();
  text = kMinimal;
  text.replace(text.find("api.example.com"), 15, longest + "abc");  // 257
  EXPECT_EQ(errors_.size(), 0u);
  EXPECT_FALSE(load(text));
  EXPECT_EQ(errors_.errors().at(0).reason, "longer than 255 bytes in wire form (RFC 1035 2.3.4)");
}

TEST_F(ConfigTest, DuplicateZones) {
  std::string text =
      std::string(kMinimal) + "[[zone]]\nname = \"API.example.com.\"\nfile = \"api.zone\"\n";
  expect_only_error(text, "API.example",
                    ": zone[1].name = \"API.example.com.\": duplicate "
                    "zone (first defined at line 9)");
}

TEST_F(ConfigTest, ZoneRequiredKeysAndMissingFile) {
  std::string text = R"([server]
listen = ["127.0.0.1:53"]
[[zone]]
self = []
[[zone]]
name = "b.test"
file = "zones/nope.zone"
self = []
)";
  EXPECT_FALSE(load(text));
  auto m = messages();
  ASSERT_EQ(m.size(), 3u) << errors_.to_string();
  EXPECT_EQ(m[0],
            path_ + ":3: zone[0].name: is required (the zone's apex, e.g. \"api.example.com\")");
  EXPECT_EQ(m[1],
            path_ + ":3: zone[0].file: is required (RFC 1035 master file, the same on every node)");
  EXPECT_EQ(m[2], path_ +
                      ":7: zone[1].file = \"zones/nope.zone\": file does not exist (looked for " +
                      dir_.file("zones/nope.zone") + ")");
  dir_.write("zones/dir/x", "");
  EXPECT_EQ(
      only_error(with_zone("").replace(std::string(kMinimal).find("api.zone"), 8, "zones/dir")),
      path_ + ":10: zone[0].file = \"zones/dir\": not a regular file (" + dir_.file("zones/dir") +
          ")");
}

TEST_F(ConfigTest, SelfNames) {
  std::string text = with_zone("self = [\"@\", \"www.\", \"a.*\", \"**\", \"ok\", \"OK\", \"\"]");
  EXPECT_FALSE(load(text));
  auto m = messages();
  ASSERT_EQ(m.size(), 5u) << errors_.to_string();
  std::string where = at("self =");
  EXPECT_EQ(m[0], where +
                      ": zone[0].self[1] = \"www.\": must be relative to the zone (no trailing "
                      "dot): \"@\", \"*\", \"www\", \"*.eu\"");
  EXPECT_EQ(m[1], where +
                      ": zone[0].self[2] = \"a.*\": '*' is only allowed as the leftmost label "
                      "(RFC 4592 2.1.1)");
  EXPECT_EQ(m[2], where +
                      ": zone[0].self[3] = \"**\": invalid character '*' (labels use letters, "
                      "digits, '-' and '_')");
  EXPECT_EQ(m[3], where + ": zone[0].self[5] = \"OK\": listed twice");
  EXPECT_EQ(m[4], where +
                      ": zone[0].self[6] = \"\": must be \"@\", \"*\" or a name relative to "
                      "the zone such as \"www\"");
}

TEST_F(ConfigTest, SelfNameTooLongWithTheZone) {
  std::string rel;
  for (int i = 0; i < 4; ++i) rel += (i ? "." : "") + std::string(60, 'a');  // 244 bytes
  std::string text = with_zone("self = [\"" + rel + "\"]");
  expect_only_error(text, "self =",
                    ": zone[0].self = \"" + rel +
                        "\": with the zone name this is longer than 255 bytes (RFC 1035 2.3.4)");
}

TEST_F(ConfigTest, DefaultWildcardTooLongForALongZoneName) {
  // 63 + 63 + 63 + 60 bytes of labels: 254 in wire form, so "*.<zone>" would be 256.
  std::string zone = std::string(63, 'a') + "." + std::string(63, 'b') + "." +
                     std::string(63, 'c') + "." + std::string(60, 'd');
  std::string text = kMinimal;
  text.replace(text.find("api.example.com"), 15, zone);
  expect_only_error(text, "[[zone]]",
                    ": zone[0].self = \"*\": with the zone name this is longer than 255 bytes "
                    "(RFC 1035 2.3.4)");
}

TEST_F(ConfigTest, KeyReferencesMustBeDefined) {
  std::string text =
      with_zone("update_keys = [\"sentinel\", \"ghost\"]\ntransfer_keys = [\"Ghost.\"]") +
      "[[key]]\nname = \"sentinel\"\nsecret = \"" + kTestSecret + "\"\n";
  EXPECT_FALSE(load(text));
  auto m = messages();
  ASSERT_EQ(m.size(), 2u) << errors_.to_string();
  EXPECT_EQ(m[0], at("update_keys") +
                      ": zone[0].update_keys[1] = \"ghost\": no [[key]] named "
                      "\"ghost\" is defined");
  EXPECT_EQ(m[1], at("transfer_keys") +
                      ": zone[0].transfer_keys[0] = \"Ghost.\": no [[key]] named "
                      "\"Ghost.\" is defined");
}

TEST_F(ConfigTest, BrokenKeyIsReportedOnceNotAtEveryReference) {
  std::string text = with_zone("update_keys = [\"sentinel\"]") +
                     "[[key]]\nname = \"sentinel\"\nsecret = \"c2hvcnQ=\"\n";
  std::string e = only_error(text);
  EXPECT_EQ(e.rfind(at("c2hvcnQ") + ": key[0].secret: decodes to 5 bytes", 0), 0u) << e;
}

TEST_F(ConfigTest, DuplicateKeys) {
  std::string key = std::string("[[key]]\nname = \"s\"\nsecret = \"") + kTestSecret + "\"\n";
  std::string again = key;
  again.replace(again.find("\"s\""), 3, "\"S.\"");
  std::string text = std::string(kMinimal) + key + again;
  expect_only_error(text, "\"S.\"",
                    ": key[1].name = \"S.\": duplicate key name (first "
                    "defined at line 12)");
}

TEST_F(ConfigTest, LogLevelAndMetrics) {
  expect_only_error(std::string(kMinimal) + "[log]\nlevel = \"verbose\"\n", "verbose",
                    ": log.level = \"verbose\": must be one of trace,debug,info,warn,error");
  expect_only_error(std::string(kMinimal) + "[metrics]\nlisten = \"9153\"\n", "\"9153\"",
                    ": metrics.listen = \"9153\": must be an IP address and port: "
                    "\"127.0.0.1:53\" or \"[::1]:53\" (or \"\" for off)");
}

TEST_F(ConfigTest, NotifyEntries) {
  expect_only_error(with_zone("notify = [\"ns2.example.com\"]"), "notify",
                    ": zone[0].notify[0] = \"ns2.example.com\": must be an IP address with "
                    "an optional port: \"192.0.2.1\", \"192.0.2.1:5353\", \"[2001:db8::1]:53\"");
}

TEST_F(ConfigTest, NotifySourceEntries) {
  expect_only_error(with_zone("notify_source = [\"ns1.example.com\"]"), "notify_source",
                    ": zone[0].notify_source[0] = \"ns1.example.com\": must be an IP address "
                    "with an optional port: \"192.0.2.1\", \"[2001:db8::1]\", \"192.0.2.1:5300\"");
  // 192.0.2.0/24 (TEST-NET-1) is nobody's address here: a bind to it fails.
  expect_only_error(with_zone("notify_source = [\"192.0.2.77\"]"), "notify_source",
                    ": zone[0].notify_source[0] = \"192.0.2.77\": not usable as a source address "
                    "on this host: Cannot assign requested address");
  expect_only_error(with_zone("notify_source = [\"127.0.0.1\", \"127.0.0.2\"]"), "notify_source",
                    ": zone[0].notify_source = [\"127.0.0.1\", \"127.0.0.2\"]: at most one IPv4 "
                    "and one IPv6 address");
  ASSERT_TRUE(load(with_zone("notify_source = [\"127.0.0.1\"]")));
}

TEST_F(ConfigTest, EveryErrorIsReportedInFileOrder) {
  std::string text = R"([log]
level = "loud"

[server]
listen = ["127.0.0.1"]
workers = 10000
udp_payload = 100
tcp_idle_timeout = "forever"

[node]
ipv4 = ["1.2.3"]

[[zone]]
name = "a..b"
file = "missing.zone"
update_keys = ["nokey"]
bogus = 1

[rrl]
slip = -1
)";
  EXPECT_FALSE(load(text));
  auto m = messages();
  std::vector<std::string> want = {
      path_ + ":2: log.level = \"loud\": must be one of trace,debug,info,warn,error",
      path_ +
          ":5: server.listen[0] = \"127.0.0.1\": must be an IP address and port: "
          "\"127.0.0.1:53\" or \"[::1]:53\"",
      path_ + ":6: server.workers = 10000: must be between 0 and 256",
      path_ + ":7: server.udp_payload = 100: must be between 512 and 4096",
      path_ +
          ":8: server.tcp_idle_timeout = \"forever\": must be a duration such as \"500ms\", "
          "\"10s\", \"2m\" or \"1h\"",
      path_ +
          ":10: node.name: is required: sentinel names this node in lbN.<zone> and drained= "
          "(the [[zone]] at line 13 has self names)",
      path_ + ":11: node.ipv4[0] = \"1.2.3\": not an IPv4 address",
      path_ + ":14: zone[0].name = \"a..b\": empty label (two dots in a row, or a leading dot)",
      path_ + ":15: zone[0].file = \"missing.zone\": file does not exist (looked for " +
          dir_.file("missing.zone") + ")",
      path_ + ":16: zone[0].update_keys[0] = \"nokey\": no [[key]] named \"nokey\" is defined",
      path_ + ":17: zone[0].bogus = 1: unknown key in [zone]",
      path_ + ":20: rrl.slip = -1: must be between 0 and 10",
  };
  EXPECT_EQ(m, want);
}

}  // namespace
}  // namespace dnsd::config
