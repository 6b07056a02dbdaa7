// Bandwidth traces replayed by the CDN's shaped link (docs/server.md).
//
// A trace file has one "seconds mbit_per_second" pair per line (spaces or
// tabs), seconds strictly increasing; blank lines and lines starting with '#'
// are skipped. Each rate holds from the previous line's time (0 for the first
// line) to its own, as in the ABR simulator's traces, and the trace repeats
// when it ends. Mbit here is 10^6 bits. Plain functions on values: thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace tonearm::server {

struct TraceStep {
    double end_seconds = 0.0;  // the rate holds until this time
    double mbps = 0.0;         // megabits per second, >= 0
};

// Checks steps as ParseTraceText would: times positive and strictly
// increasing, rates finite and >= 0, at least one positive. Fails with
// kInvalidArgument naming the first bad step ("step 3: time does not increase").
Status ValidateTrace(const std::vector<TraceStep>& steps);

// Parses trace text; a malformed line or a trace ValidateTrace refuses is a
// kInvalidArgument Error naming the trace and the line ("t.txt line 7: ...").
Result<std::vector<TraceStep>> ParseTraceText(std::string_view text, const std::string& name);

// Reads and parses a trace file; kIo if it cannot be read (at most 16 MiB).
Result<std::vector<TraceStep>> LoadTraceFile(const std::string& path);

// The rate in bytes per second at elapsed_seconds (>= 0) after the trace
// started, looping, with every rate multiplied by scale. steps must be valid.
double TraceBytesPerSecond(const std::vector<TraceStep>& steps, double scale,
                           double elapsed_seconds);

}  // namespace tonearm::server
