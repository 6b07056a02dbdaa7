// tonearm-cli playlist import / export (cli_playlist_files.cpp) and the
// replica opener they share with the other playlist commands.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/cli_common.h"
#include "core/result.h"
#include "sync/replica.h"

namespace tonearm::cli {

// The signed-in user's replica in the profile folder; kUnauthorized when
// nobody is logged in. Defined in cli_playlists.cpp.
Result<std::unique_ptr<sync::Replica>> OpenReplica(const CliOptions& options);

// `playlist import FILE [--name N] [--format F]`: reads an M3U/M3U8, XSPF or
// PLS file (format from --format, the extension, then the content), matches
// its entries to catalog tracks through the API and creates a playlist of the
// matches. Prints one "unmatched" event per entry it could not match, then
// "imported". args excludes "import". Returns a CLI exit code.
int RunPlaylistImport(const CliOptions& options, const std::vector<std::string>& args);

// `playlist export PLAYLIST FILE [--format F]`: writes the playlist with
// each track's title, artist, album and duration (looked up through the API)
// and its tonearm:track: location; the file is replaced atomically. args
// excludes "export". Returns a CLI exit code.
int RunPlaylistExport(const CliOptions& options, const std::vector<std::string>& args);

}  // namespace tonearm::cli
