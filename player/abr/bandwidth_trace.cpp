#include "player/abr/bandwidth_trace.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace tonearm::player::abr {
namespace {

// Splits a line on spaces and tabs.
std::vector<std::string_view> Fields(std::string_view line) {
    std::vector<std::string_view> fields;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
            ++i;
        size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t')
            ++i;
        if (i > start) fields.push_back(line.substr(start, i - start));
    }
    return fields;
}

bool ParseNumber(std::string_view text, double* out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
    return ec == std::errc() && end == text.data() + text.size() && std::isfinite(*out);
}

Error LineError(const std::string& name, int line, const std::string& what) {
    return MakeError(ErrorCode::kCorrupt, name + " line " + std::to_string(line) + ": " + what);
}

}  // namespace

double BandwidthTrace::MeanMbps() const {
    double start = 0.0;
    double megabits = 0.0;
    for (const TracePoint& p : points) {
        megabits += p.mbps * (p.end_seconds - start);
        start = p.end_seconds;
    }
    return start > 0.0 ? megabits / start : 0.0;
}

Result<BandwidthTrace> ParseBandwidthTrace(std::string_view text, const std::string& name) {
    BandwidthTrace trace;
    trace.name = name;
    bool any_positive = false;
    int line_number = 0;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

        std::vector<std::string_view> fields = Fields(line);
        if (fields.empty() || fields[0].front() == '#') continue;
        if (fields.size() != 2) {
            return LineError(name, line_number,
                             "expected two numbers (seconds, Mbit/s), got " +
                                 std::to_string(fields.size()) + " fields");
        }
        TracePoint point;
        if (!ParseNumber(fields[0], &point.end_seconds) || !ParseNumber(fields[1], &point.mbps)) {
            return LineError(name, line_number, "not a number: '" + std::string(line) + "'");
        }
        const double previous = trace.points.empty() ? 0.0 : trace.points.back().end_seconds;
        if (point.end_seconds <= previous) {
            return LineError(name, line_number, "time does not increase");
        }
        if (point.mbps < 0.0) return LineError(name, line_number, "negative rate");
        any_positive = any_positive || point.mbps > 0.0;
        trace.points.push_back(point);
    }
    if (!any_positive) {
        return MakeError(ErrorCode::kCorrupt, name + ": trace has no positive rate");
    }
    return trace;
}

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
