// tonearm-cli cache status|clear|set-limit: the offline audio cache.
#include <cstdlib>

#include "app/cli_session.h"
#include "player/audio_cache.h"

namespace tonearm::cli {
namespace {

// The profile folder main() picks when --profile is not given.
std::string DefaultProfileFolder() {
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg != '\0') {
        return std::string(xdg) + "/tonearm";
    }
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
        return std::string(home) + "/.config/tonearm";
    }
    return ".tonearm";
}

Json StatusJson(const player::AudioCache& cache, const player::CacheStatus& s) {
    return Json{{"event", "cache"},
                {"dir", cache.dir()},
                {"used_bytes", s.used_bytes},
                {"pinned_bytes", s.pinned_bytes},
                {"free_disk_bytes", s.free_disk_bytes},
                {"limit_bytes", s.limit_bytes},
                {"limit_default", s.limit_is_default},
                {"entries", s.entries},
                {"pinned_entries", s.pinned_entries},
                {"partial_bytes", s.partial_bytes}};
}

}  // namespace

std::string CacheDir(const CliOptions& options) {
    if (options.profile_dir.empty() || options.profile_dir == DefaultProfileFolder()) {
        return player::DefaultCacheDir();
    }
    return options.profile_dir + "/cache";
}

int PrintCacheStatus(const CliOptions& options, player::AudioCache& cache) {
    auto status = cache.GetStatus();
    if (!status.ok()) return PrintError(options, status.error().message);
    PrintEvent(options, StatusJson(cache, *status));
    return kExitOk;
}

int RunCache(const CliOptions& options, const std::vector<std::string>& args) {
    ArgList list(args, {}, {"--all"});
    if (!list.error().empty() || list.positionals().empty()) {
        PrintError(options, list.error().empty() ? "cache needs status, clear or set-limit BYTES"
                                                 : list.error());
        return kExitUsage;
    }
    auto cache = player::AudioCache::Open(CacheDir(options));
    if (!cache.ok()) return PrintError(options, cache.error().message);
    const std::string& verb = list.positionals()[0];
    if (verb == "status" && list.positionals().size() == 1) {
        return PrintCacheStatus(options, **cache);
    }
    if (verb == "clear" && list.positionals().size() == 1) {
        Status cleared = (*cache)->Clear(list.Flag("--all"));
        if (!cleared.ok()) return PrintError(options, cleared.error().message);
        return PrintCacheStatus(options, **cache);
    }
    if (verb == "set-limit" && list.positionals().size() == 2) {
        const std::string& text = list.positionals()[1];
        char* end = nullptr;
        const long long bytes = text == "default" ? 0 : std::strtoll(text.c_str(), &end, 10);
        if (text != "default" && (text.empty() || *end != '\0' || bytes <= 0)) {
            PrintError(options, "set-limit needs a number of bytes > 0 or 'default'");
            return kExitUsage;
        }
        Status set = (*cache)->SetLimit(bytes);
        if (!set.ok()) return PrintError(options, set.error().message);
        return PrintCacheStatus(options, **cache);
    }
    PrintError(options, "cache needs status, clear [--all] or set-limit BYTES|default");
    return kExitUsage;
}

}  // namespace tonearm::cli
