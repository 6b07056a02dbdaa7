// Bandwidth traces: the two-column files of ../shared/data/bandwidth-traces,
// read by the ABR simulator (player/abr) and replayed by tonearm-server's
// shaped CDN link, so both read a file the same way.
//
// One "seconds mbit_per_second" pair per line (spaces or tabs); blank lines
// and lines starting with '#' are skipped. Each rate holds from the previous
// line's time (0 for the first) to its own; times strictly increase, rates
// are finite and >= 0, at least one is positive. Mbit is 10^6 bits. Plain
// functions on values: thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace tonearm {

struct TracePoint {
    double end_seconds = 0.0;  // the rate holds until this time
    double mbps = 0.0;         // megabits (10^6) per second, >= 0
};

struct BandwidthTrace {
    std::string name;  // for reports and messages, usually the file name
    std::vector<TracePoint> points;

    double DurationSeconds() const { return points.empty() ? 0.0 : points.back().end_seconds; }
    double MeanMbps() const;  // time-weighted
};

// Checks points as ParseBandwidthTrace does. Fails with kInvalidArgument
// naming the first bad point ("step 3: time does not increase").
Status ValidateTracePoints(const std::vector<TracePoint>& points);

// Parses trace text; a malformed line or a trace without a positive rate is a
// kCorrupt Error naming the trace and the line ("t.txt line 7: ...").
Result<BandwidthTrace> ParseBandwidthTrace(std::string_view text, const std::string& name);

// Reads and parses the file at path (at most 16 MiB; kIo if it cannot be
// read), naming the trace name.
Result<BandwidthTrace> LoadBandwidthTrace(const std::string& path, const std::string& name);

}  // namespace tonearm
