// [[node]] tables of sentinel.toml: addresses, dnsd, checks, tunnel driver.
#pragma once
#include <toml++/toml.h>

#include <optional>
#include <string>

#include "dnsd/common/config_error.h"
#include "sentinel/config/sentinel_config.h"
#include "sentinel/config/table_reader.h"

namespace sentinel::config {

// The timeout of [probe] or of a check must not exceed its interval.
void check_probe_timing(TableReader& r, const ProbeTiming& timing);

std::optional<NodeConfig> read_node(const toml::table& table, const SentinelConfig& c,
                                    const std::string& base_dir, size_t index,
                                    dnsd::common::ErrorList& errors);

}  // namespace sentinel::config
