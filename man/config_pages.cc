// dnsd.toml(5) and sentinel.toml(5) from the key tables; all pages with their file names.
#include "dnsd/config/config_schema.h"
#include "man/man_pages.h"
#include "sentinel/config/sentinel_keys.h"

namespace dnsgtm::man {
using dnsd::common::ManPage;
using dnsd::common::ManSection;

namespace {

const char* kSyntax =
    "The file is TOML. Durations are strings such as \"500ms\", \"10s\", \"2m\", \"1h\". "
    "Relative paths are relative to the file's folder. An unknown key or section is an "
    "error (usually a typo), reported as file:line: key = value: reason with every other "
    "problem at once.";

ManPage config_base(const PageInfo& info, std::string name, std::string summary) {
  ManPage p;
  p.name = std::move(name);
  p.section = 5;
  p.date = info.date;
  p.source = "dnsgtm " + info.version;
  p.manual = "File Formats Manual";
  p.summary = std::move(summary);
  return p;
}

ManPage dnsd_toml(const PageInfo& info) {
  ManPage p = config_base(info, "dnsd.toml", "configuration of dnsd(8)");
  p.synopsis = {"/etc/dnsd/dnsd.toml"};
  p.description = {
      "dnsd.toml configures dnsd(8): where it listens, who this node is, the zones it serves, "
      "the TSIG keys allowed to update or transfer them, rate limiting, metrics, the control "
      "socket and logging.",
      kSyntax,
      "Each key below gives its type, default, range and whether a reload (SIGHUP, dnsdctl "
      "reload) applies it or it needs a restart. dnsd --keys prints the same list; dnsd "
      "-c FILE --check validates a file.",
  };
  ManSection keys{"KEYS", {}, {}, dnsd::common::key_table_roff(
      dnsd::config::section_docs(), dnsd::config::key_docs())};
  p.sections.push_back(std::move(keys));
  p.sections.push_back(ManSection{"FILES", {}, {
      {"/usr/share/doc/dnsgtm/examples/dnsd.toml", "an example documenting every key"},
  }, ""});
  p.see_also = {"dnsd(8)", "dnsdctl(8)", "sentinel.toml(5)"};
  return p;
}

ManPage sentinel_toml(const PageInfo& info) {
  ManPage p = config_base(info, "sentinel.toml", "configuration of sentinel(8)");
  p.synopsis = {"/etc/sentinel/sentinel.toml"};
  p.description = {
      "sentinel.toml configures sentinel(8): its state file and API, the cluster's zone and "
      "records, probe timing, flap damping, logging, one [[node]] per dnsd node with its "
      "checks and tunnel driver, and the TSIG keys that sign the updates.",
      kSyntax,
      "Each key below gives its type, default, range and whether it can change without a "
      "restart. sentinel keys prints the same list; sentinel check -c FILE validates a file.",
  };
  ManSection keys{"KEYS", {}, {}, dnsd::common::key_table_roff(
      sentinel::config::section_docs(), sentinel::config::key_docs())};
  p.sections.push_back(std::move(keys));
  p.sections.push_back(ManSection{"FILES", {}, {
      {"/usr/share/doc/dnsgtm/examples/sentinel.toml", "an example documenting every key"},
  }, ""});
  p.see_also = {"sentinel(8)", "dnsd.toml(5)"};
  return p;
}

}  // namespace

std::vector<ManPage> config_pages(const PageInfo& info) {
  return {dnsd_toml(info), sentinel_toml(info)};
}

std::vector<PageFile> all_pages(const PageInfo& info) {
  std::vector<PageFile> out;
  auto add = [&](const std::vector<ManPage>& pages) {
    for (const auto& p : pages)
      out.push_back({p.name + "." + std::to_string(p.section), p.section,
                     dnsd::common::render_man(p)});
  };
  add(daemon_pages(info));
  add(config_pages(info));
  return out;
}

std::string config_markdown(std::string_view daemon) {
  if (daemon == "dnsd")
    return dnsd::common::key_table_markdown("dnsd.toml keys", dnsd::config::section_docs(),
                                            dnsd::config::key_docs());
  if (daemon == "sentinel")
    return dnsd::common::key_table_markdown("sentinel.toml keys",
                                            sentinel::config::section_docs(),
                                            sentinel::config::key_docs());
  return "";
}

}  // namespace dnsgtm::man
