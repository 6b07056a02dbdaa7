// Bandwidth traces for the ABR simulator and the link they describe.
//
// A trace file has one "seconds mbit_per_second" pair per line (spaces or
// tabs), seconds strictly increasing; blank lines and lines starting with '#'
// are skipped. Each rate holds from the previous line's time (0 for the first
// line) to its own: the rate measured over the interval that ends there. The
// link repeats the trace when a session outlasts it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace tonearm::player::abr {

struct TracePoint {
    double end_seconds = 0.0;  // the rate holds until this time
    double mbps = 0.0;         // megabits (10^6) per second, >= 0
};

struct BandwidthTrace {
    std::string name;  // for reports, usually the file name
    std::vector<TracePoint> points;

    double DurationSeconds() const { return points.empty() ? 0.0 : points.back().end_seconds; }
    double MeanMbps() const;  // time-weighted
};

// Parses trace text. A malformed line, a non-increasing time, a negative or
// non-finite rate, or a trace without any positive rate is a kCorrupt Error
// naming the trace and the line number ("trace.txt line 7: ...").
Result<BandwidthTrace> ParseBandwidthTrace(std::string_view text, const std::string& name);

// The trace with every rate multiplied by factor (> 0).
BandwidthTrace ScaleTrace(const BandwidthTrace& trace, double factor);

// A link whose rate follows a trace, repeated forever, with a fixed time to
// the first byte of each request. Requires a trace as ParseBandwidthTrace
// returns it (some positive rate).
class TraceLink {
public:
    TraceLink(const BandwidthTrace& trace, double request_latency_seconds);

    // The time at which a request sent at start_seconds has received all of
    // bytes: start + latency + the time the trace needs to carry them.
    double FinishTime(double start_seconds, int64_t bytes) const;
    // The rate in bit/s at time t.
    double BitsPerSecondAt(double t) const;
    double LatencySeconds() const { return latency_; }

private:
    size_t SegmentAt(double t_in_period) const;

    std::vector<TracePoint> points_;
    double period_;
    double latency_;
};

}  // namespace tonearm::player::abr
