// Shared pieces of tonearm-cli: global options, the profile folder and output.
#pragma once

#include <string>
#include <vector>

#include "core/wire.h"

namespace tonearm::player {
class AudioCache;
}

namespace tonearm::cli {

struct CliOptions {
    std::string server;       // API base URL; may be empty for offline commands
    std::string profile_dir;  // per-device state (session token, replica, cache)
    bool json = false;        // one JSON object per line on stdout
};

// Prints one event: with --json a single-line JSON object, otherwise a short
// human line built from the "event" field and the rest. Thread-safe.
void PrintEvent(const CliOptions& options, const Json& event);

// Prints an error event {"event":"error","message":...} (to stdout with
// --json, to stderr otherwise) and returns exit code 1.
int PrintError(const CliOptions& options, const std::string& message);

// Exit codes: 0 ok, 1 runtime failure, 2 usage error.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// Commands implemented in their own cli_<area>.cpp files. args excludes the
// command word itself.
int RunAbrSim(const CliOptions& options, const std::vector<std::string>& args);  // cli_abr.cpp
int RunPlaylists(const CliOptions& options,
                 const std::vector<std::string>& args);  // cli_playlists.cpp
int RunPlaylist(const CliOptions& options,
                const std::vector<std::string>& args);  // cli_playlists.cpp
int RunLibrary(const CliOptions& options,
               const std::vector<std::string>& args);                          // cli_playlists.cpp
int RunSync(const CliOptions& options, const std::vector<std::string>& args);  // cli_playlists.cpp

// The offline commands (cli_offline.cpp) and the cache commands (cli_cache.cpp).
int RunOffline(const CliOptions& options, const std::vector<std::string>& args);
int RunCache(const CliOptions& options, const std::vector<std::string>& args);
// The audio cache folder: <profile>/cache with --profile, else the
// platform's cache folder (player::DefaultCacheDir). cli_cache.cpp.
std::string CacheDir(const CliOptions& options);
// Prints the cache's status event; returns an exit code. cli_cache.cpp.
int PrintCacheStatus(const CliOptions& options, player::AudioCache& cache);
// Pins again each pinned playlist whose tracks changed in the replica;
// returns an exit code. cli_offline.cpp.
int RefreshChangedPins(const CliOptions& options);

// The session token saved by `login` in the profile, or "" when logged out.
std::string LoadToken(const CliOptions& options);

}  // namespace tonearm::cli
