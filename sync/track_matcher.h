// Matching the entries of an imported playlist file to catalog tracks by
// their metadata: title and artist as the file gives them (#EXTINF, XSPF
// title/creator, PLS Title), else what the file name says ("01 - Artist -
// Title.ogg"), with the duration to break ties. Pure code: the caller runs
// the searches (GET /v1/search) and hands over what they found.
// Thread-safe (no shared state).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/wire.h"
#include "sync/playlist_files.h"

namespace tonearm::sync {

// The search texts worth sending for entry, most specific first, without
// repeats; empty when the entry names nothing (no title, no file name).
std::vector<std::string> MatchQueries(const PlaylistFileEntry& entry);

// The candidate that is entry's track, or nullopt. A candidate must have the
// title of one reading of the entry (case, spacing and '_' do not matter); a
// known artist must agree unless the catalog has none (or "Unknown Artist"). Of several, an
// agreeing artist beats a missing one, then the nearest duration wins, then the first.
std::optional<Track> BestMatch(const PlaylistFileEntry& entry,
                               const std::vector<Track>& candidates);

}  // namespace tonearm::sync
