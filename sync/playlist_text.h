// Text handling shared by the playlist file readers and writers
// (playlist_files.h); internal to sync/. Thread-safe (pure functions).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace tonearm::sync::text {

// True if s is well-formed UTF-8.
bool IsUtf8(const std::string& s);

// s without a leading UTF-8 byte order mark; if what is left is not UTF-8,
// it is read as Latin-1 (ISO 8859-1) and converted, so the result is UTF-8.
std::string ToUtf8(const std::string& s);

// Splits on LF, CRLF or a lone CR; the line ends are not kept.
std::vector<std::string> SplitLines(const std::string& s);

// s without leading and trailing spaces and tabs.
std::string Trim(const std::string& s);

// ASCII lower case; other bytes unchanged.
std::string Lower(const std::string& s);

// Decodes %XX escapes (malformed ones stay as they are). The result is
// converted as by ToUtf8 if the escapes did not spell UTF-8.
std::string PercentDecode(const std::string& s);

// Percent-encodes what a URI path may not hold literally (space, %, #, ?,
// controls and non-ASCII bytes); '/' and ':' stay.
std::string PercentEncodePath(const std::string& s);

// A location as written in a playlist file, made usable: a file:// URI
// becomes its decoded path ("file:///C:/a%20b.ogg" -> "C:/a b.ogg"), another
// URI (scheme://...) or a tonearm: location stays as it is, and a plain path
// is percent-decoded with backslashes turned into slashes.
std::string NormaliseLocation(const std::string& raw);

// Parses a non-negative decimal or decimal fraction ("215", "215.3"); -1 if
// it is not one.
double ParseSeconds(const std::string& s);

// s with line breaks turned into spaces, for one line of a file.
std::string OneLine(const std::string& s);

// Splits "Artist - Title" at the first " - "; false if there is none.
bool SplitArtistTitle(const std::string& display, std::string* artist, std::string* title);

}  // namespace tonearm::sync::text

namespace tonearm::sync {

struct PlaylistFile;

// The readers and writers of each format, behind ParsePlaylistFile and
// WritePlaylistFile (playlist_m3u.cpp, playlist_pls.cpp, playlist_xspf.cpp).
PlaylistFile ParseM3u(const std::string& bytes);
std::string WriteM3u(const PlaylistFile& file);
Result<PlaylistFile> ParsePls(const std::string& bytes);
std::string WritePls(const PlaylistFile& file);
Result<PlaylistFile> ParseXspf(const std::string& bytes);
std::string WriteXspf(const PlaylistFile& file);

}  // namespace tonearm::sync
