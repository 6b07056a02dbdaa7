#include "player/abr/bandwidth_trace.h"

#include <algorithm>
#include <cmath>

namespace tonearm::player::abr {

BandwidthTrace ScaleTrace(const BandwidthTrace& trace, double factor) {
    BandwidthTrace scaled = trace;
    for (TracePoint& p : scaled.points)
        p.mbps *= factor;
    return scaled;
}

TraceLink::TraceLink(const BandwidthTrace& trace, double request_latency_seconds)
    : points_(trace.points), period_(trace.DurationSeconds()), latency_(request_latency_seconds) {}

size_t TraceLink::SegmentAt(double t_in_period) const {
    auto it = std::upper_bound(points_.begin(), points_.end(), t_in_period,
                               [](double t, const TracePoint& p) { return t < p.end_seconds; });
    if (it == points_.end()) return points_.size() - 1;
    return static_cast<size_t>(it - points_.begin());
}

double TraceLink::BitsPerSecondAt(double t) const {
    return points_[SegmentAt(std::fmod(t, period_))].mbps * 1e6;
}

double TraceLink::FinishTime(double start_seconds, int64_t bytes) const {
    double t = start_seconds + latency_;
    double bits = static_cast<double>(bytes) * 8.0;

    // Walk the segments, repeating the trace, until every bit has passed.
    double period_start = std::floor(t / period_) * period_;
    size_t segment = SegmentAt(t - period_start);
    while (bits > 0.0) {
        const double segment_end = period_start + points_[segment].end_seconds;
        const double rate = points_[segment].mbps * 1e6;
        const double capacity = rate * (segment_end - t);
        if (rate > 0.0 && capacity >= bits) return t + bits / rate;
        bits -= capacity;
        t = segment_end;
        if (++segment == points_.size()) {
            segment = 0;
            period_start += period_;
        }
    }
    return t;
}

}  // namespace tonearm::player::abr
