// [[node]] tables of sentinel.toml: addresses, dnsd, checks, tunnel driver.
#pragma once
#include <toml++/toml.h>

#include <optional>
#include <string>

#include "dnsd/common/config_error.h"
#include "sentinel/config/sentinel_config.h"

namespace sentinel::config {

// A path relative to the config file's folder, made absolute-ish.
std::string resolve_path(const std::string& base_dir, const std::string& p);

// interval/timeout/fall/rise of `table` over `defaults`.
ProbeTiming read_probe_timing(const toml::table& table, const std::string& file,
                              const std::string& prefix, ProbeTiming defaults,
                              dnsd::common::ErrorList& errors);

std::optional<NodeConfig> read_node(const toml::table& table, const SentinelConfig& c,
                                    const std::string& base_dir, size_t index,
                                    dnsd::common::ErrorList& errors);

}  // namespace sentinel::config
