// The persisted ClusterState as JSON in its own file (never the operator's config),
// replaced atomically and durably on every decision.
#pragma once
#include <string>

#include "sentinel/cluster/cluster_state.h"

namespace sentinel::state {

std::string to_json(const cluster::ClusterState& s);
// False (with `error`) when the text is not a state file we wrote; `s` is then untouched.
bool from_json(const std::string& text, cluster::ClusterState& s, std::string& error);

// A missing file is a fresh start (true, empty state); an unreadable or corrupt one is an
// error, so a sentinel never silently forgets its epoch.
bool load_state(const std::string& path, cluster::ClusterState& s, std::string& error);
bool save_state(const std::string& path, const cluster::ClusterState& s, std::string& error);

}  // namespace sentinel::state
