// Playlist files other players read and write: M3U / M3U8, XSPF and PLS.
//
// Pure code over bytes in memory: the caller reads and writes the files. The
// readers accept what real files contain (a UTF-8 byte order mark, CRLF or
// CR-only line ends, blank lines, Latin-1 text where UTF-8 was expected,
// #EXTINF titles with commas, percent-encoded, backslash and file:// paths,
// PLS keys in any case and a wrong NumberOfEntries); every string they return
// is valid UTF-8. The writers produce files other players open: extended M3U
// with #EXTM3U / #EXTINF, XSPF version 1, PLS version 2. A Tonearm track
// travels as the location (and XSPF identifier) "tonearm:track:<id>", so an
// exported file imports back exactly. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace tonearm::sync {

enum class PlaylistFormat { kM3u, kM3u8, kXspf, kPls };

// "m3u", "m3u8", "xspf", "pls".
const char* PlaylistFormatName(PlaylistFormat format);

// The format named (any case, with or without a leading dot); kInvalidArgument
// for any other name.
Result<PlaylistFormat> PlaylistFormatFromName(const std::string& name);

// The format of a file name's extension, nullopt for an unknown extension.
std::optional<PlaylistFormat> PlaylistFormatFromPath(const std::string& path);

// The format the content looks like (#EXTM3U, an XML prolog or <playlist>,
// a [playlist] section), nullopt if it looks like none. Plain M3U, which has
// no marker, is the caller's fallback.
std::optional<PlaylistFormat> SniffPlaylistFormat(const std::string& bytes);

struct PlaylistFileEntry {
    std::string location;  // path (slashes, percent-decoded) or URI, as the file gave it
    std::string title;     // empty when the file has none
    std::string artist;
    std::string album;
    int64_t duration_ms = -1;  // -1 when unknown
    std::string track_id;      // from a tonearm:track: location or identifier, else empty
};

struct PlaylistFile {
    std::string title;  // the playlist's own name (#PLAYLIST, XSPF title); may be empty
    std::vector<PlaylistFileEntry> entries;
};

// Parses bytes in format. Lines or elements that hold no entry are skipped.
// Fails with kCorrupt only when nothing sensible can be read (XML that is
// not well formed, a PLS file without a [playlist] section); the message
// names the line.
Result<PlaylistFile> ParsePlaylistFile(const std::string& bytes, PlaylistFormat format);

// The file's bytes in format, UTF-8 throughout (also for .m3u).
std::string WritePlaylistFile(const PlaylistFile& file, PlaylistFormat format);

// The location that names a Tonearm track, and back ("" if location is not one).
std::string TrackLocation(const std::string& track_id);
std::string TrackIdFromLocation(const std::string& location);

// The last path component of location without its extension ("" for none).
std::string LocationStem(const std::string& location);

}  // namespace tonearm::sync
