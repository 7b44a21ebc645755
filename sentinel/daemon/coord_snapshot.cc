// Parsing one read of the etcd prefix: every value checked before it is believed.
#include "sentinel/daemon/coord_snapshot.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace sentinel::daemon {
using nlohmann::json;

namespace {

bool listed(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

cluster::Health health_of(const std::string& s) {
  return s == "up" ? cluster::Health::Up : s == "down" ? cluster::Health::Down : cluster::Health::Unknown;
}

std::string excerpt(const std::string& v) { return v.size() > 80 ? v.substr(0, 80) + "..." : v; }

std::string text_or(const json& v, const char* key) {
  auto it = v.find(key);
  return it != v.end() && it->is_string() ? it->get<std::string>() : "";
}

int64_t int_or(const json& v, const char* key) {
  auto it = v.find(key);
  return it != v.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

}  // namespace

PrefixView parse_prefix(const std::vector<coord::EtcdKv>& kvs, const PrefixContext& ctx) {
  PrefixView out;
  const std::string opinions = ctx.prefix + "opinions/", requests = ctx.prefix + "requests/";
  for (const auto& kv : kvs) {
    auto fault = [&](const std::string& what) { out.faults.push_back(kv.key + ": " + what); };
    if (kv.key == ctx.prefix + "leader") {
      json v = json::parse(kv.value, nullptr, false);
      if (!v.is_object() || text_or(v, "id").empty()) {
        fault("not a leader record: " + excerpt(kv.value));
        out.leader = "?";  // somebody holds the key: no campaign, no action
        continue;
      }
      out.leader = text_or(v, "id");
      out.leader_since_ms = int_or(v, "since_ms");
      out.leader_api = text_or(v, "api");
      out.leader_is_mine = out.leader == ctx.my_id && ctx.my_lease != 0 && kv.lease == ctx.my_lease;
      out.leader_create_revision = kv.create_revision;
    } else if (kv.key == ctx.prefix + "state") {
      out.state_text = kv.value;
      out.state_revision = kv.mod_revision;
    } else if (kv.key.rfind(opinions, 0) == 0) {
      std::string rest = kv.key.substr(opinions.size());
      size_t slash = rest.find('/');
      if (slash == std::string::npos) {
        fault("not opinions/<sentinel>/<node>");
        continue;
      }
      cluster::Opinion o;
      o.sentinel = rest.substr(0, slash);
      o.node = rest.substr(slash + 1);
      if (!listed(ctx.sentinels, o.sentinel)) {
        fault("sentinel " + o.sentinel + " is not in coordination.sentinels: ignored");
        continue;
      }
      if (!listed(ctx.nodes, o.node)) continue;  // a node another config version has
      json v = json::parse(kv.value, nullptr, false);
      std::string health = v.is_object() ? text_or(v, "health") : "";
      if (health != "up" && health != "down" && health != "unknown") {
        fault("not an opinion: " + excerpt(kv.value));
        continue;
      }
      o.health = health_of(health);
      o.evidence = text_or(v, "evidence");
      o.at_ms = int_or(v, "at_ms");
      out.opinions.push_back(std::move(o));
    } else if (kv.key.rfind(requests, 0) == 0) {
      json v = json::parse(kv.value, nullptr, false);
      std::string verb = v.is_object() ? text_or(v, "verb") : "";
      if (verb != "promote" && verb != "drain" && verb != "undrain") {
        fault("not a request: " + excerpt(kv.value));
        continue;
      }
      out.requests.push_back({kv.key, verb, text_or(v, "node"), text_or(v, "from")});
    }
  }
  return out;
}

}  // namespace sentinel::daemon
