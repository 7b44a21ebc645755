// The local address a NOTIFY leaves from. Secondaries accept a NOTIFY only from an address
// they know as the primary (BIND: "refused notify from non-primary", NSD: "no acl
// matches"), so by default it is the zone's listen address, as the secondary transfers
// from: the first [server] listen address of the target's family that is not a wildcard.
// [[zone]] notify_source overrides it per family, like BIND's notify-source and NSD's
// outgoing-interface; the kernel picks only when there is neither (or the choice is a
// wildcard address with port 0). Pure functions: the sender binds what they return.
#pragma once
#include <optional>
#include <vector>

#include "dnsd/common/address.h"

namespace dnsd::xfr {

// True for 0.0.0.0 and ::, whatever the port.
bool is_wildcard(const common::SocketAddress& a);

// At most one source per family: the configured one (`notify_source`, port 0 = any port),
// else the first non-wildcard `listen` address of that family with port 0. A family with
// neither has none.
std::vector<common::SocketAddress> resolve_notify_sources(
    const std::vector<common::SocketAddress>& notify_source,
    const std::vector<common::SocketAddress>& listen);

// The address to bind before sending to `target`, or nullopt for the kernel's choice.
std::optional<common::SocketAddress> source_for(const std::vector<common::SocketAddress>& sources,
                                                const common::SocketAddress& target);

}  // namespace dnsd::xfr
