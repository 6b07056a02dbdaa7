#include "core/log.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace tonearm::log {
namespace {

Level LevelFromEnvironment() {
    const char* env = std::getenv("TONEARM_LOG");
    if (env == nullptr) return Level::kWarn;
    if (std::strcmp(env, "error") == 0) return Level::kError;
    if (std::strcmp(env, "info") == 0) return Level::kInfo;
    if (std::strcmp(env, "debug") == 0) return Level::kDebug;
    return Level::kWarn;
}

std::atomic<int>& Threshold() {
    static std::atomic<int> threshold{static_cast<int>(LevelFromEnvironment())};
    return threshold;
}

const char* LevelName(Level level) {
    switch (level) {
        case Level::kError: return "error";
        case Level::kWarn: return "warning";
        case Level::kInfo: return "info";
        case Level::kDebug: return "debug";
    }
    return "?";
}

}  // namespace

void SetLevel(Level level) { Threshold().store(static_cast<int>(level)); }
Level CurrentLevel() { return static_cast<Level>(Threshold().load()); }
bool Enabled(Level level) { return static_cast<int>(level) <= Threshold().load(); }

void Write(Level level, std::string_view category, std::string_view message) {
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    std::fprintf(stderr, "tonearm[%.*s] %s: %.*s\n", static_cast<int>(category.size()),
                 category.data(), LevelName(level), static_cast<int>(message.size()),
                 message.data());
}

std::string Quote(std::string_view text) {
    std::string out = "\"";
    for (unsigned char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    out += '"';
    return out;
}

}  // namespace tonearm::log
