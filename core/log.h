// Minimal levelled logging with one category per module.
//
// Thread-safe; never call from the audio callback. Messages go to stderr as
// "tonearm[category] level: text". The threshold comes from TONEARM_LOG
// (error, warn, info, debug; default warn) and can be changed at run time.
#pragma once

#include <sstream>
#include <string>
#include <string_view>

namespace tonearm::log {

enum class Level { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

void SetLevel(Level level);
Level CurrentLevel();
bool Enabled(Level level);
void Write(Level level, std::string_view category, std::string_view message);

// Quotes a user-supplied value for a log line: "name" with control bytes escaped.
std::string Quote(std::string_view text);

}  // namespace tonearm::log

#define TONEARM_LOG(level, category, expr)                                 \
    do {                                                                   \
        if (::tonearm::log::Enabled(level)) {                              \
            std::ostringstream tonearm_log_os_;                            \
            tonearm_log_os_ << expr;                                       \
            ::tonearm::log::Write(level, category, tonearm_log_os_.str()); \
        }                                                                  \
    } while (0)

#define LOG_ERROR(cat, expr) TONEARM_LOG(::tonearm::log::Level::kError, cat, expr)
#define LOG_WARN(cat, expr) TONEARM_LOG(::tonearm::log::Level::kWarn, cat, expr)
#define LOG_INFO(cat, expr) TONEARM_LOG(::tonearm::log::Level::kInfo, cat, expr)
#define LOG_DEBUG(cat, expr) TONEARM_LOG(::tonearm::log::Level::kDebug, cat, expr)
