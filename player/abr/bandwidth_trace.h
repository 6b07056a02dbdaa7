// The link a bandwidth trace (core/bandwidth_trace.h) describes, for the
// ABR simulator: the link repeats the trace when a session outlasts it.
#pragma once

#include <cstdint>
#include <vector>

#include "core/bandwidth_trace.h"
#include "core/result.h"

namespace tonearm::player::abr {

// The trace with every rate multiplied by factor.
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
