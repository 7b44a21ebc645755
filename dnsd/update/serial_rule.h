// When the zone file may replace the dynamic state (journal + snapshot) in state_dir: only
// when its SOA serial is newer, in RFC 1982 serial arithmetic, than the serial being
// served. Anything else would take the serial that secondaries and resolvers have already
// seen backwards and drop every update made since (the secondaries would keep them). Pure:
// journal.cc applies it at start-up and on every reload, `dnsd --check` before either.
#pragma once
#include <cstdint>
#include <string>

namespace dnsd::update {

struct ZoneFileVerdict {
  enum Kind {
    Unchanged,  // the file's serial is the one the state started from: the state applies on top
    FileWins,   // newer than the served serial: the state is reset to the file
    Refused,    // not newer: the served state stays, the file is refused with `message`
  } kind = Unchanged;
  std::string message;
};

// `state_base`: the file serial the state was started from; `served`: the serial it
// serves now (the last journal entry's, or the snapshot's); `state_path`: the journal,
// named in the message.
ZoneFileVerdict judge_zone_file(uint32_t file_serial, uint32_t state_base, uint32_t served,
                                const std::string& state_path);

}  // namespace dnsd::update
