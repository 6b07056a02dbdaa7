#include "core/bandwidth_trace.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

namespace tonearm {
namespace {

constexpr std::streamoff kMaxTraceFileBytes = 16 << 20;

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

// Why point cannot follow previous_end, or "" if it can.
std::string PointProblem(const TracePoint& point, double previous_end) {
    if (!std::isfinite(point.end_seconds) || !std::isfinite(point.mbps)) return "not finite";
    if (point.end_seconds <= previous_end) return "time does not increase";
    if (point.mbps < 0.0) return "negative rate";
    return "";
}

bool AnyPositive(const std::vector<TracePoint>& points) {
    for (const TracePoint& p : points) {
        if (p.mbps > 0.0) return true;
    }
    return false;
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

Status ValidateTracePoints(const std::vector<TracePoint>& points) {
    double previous_end = 0.0;
    for (size_t i = 0; i < points.size(); ++i) {
        const std::string problem = PointProblem(points[i], previous_end);
        if (!problem.empty()) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "step " + std::to_string(i + 1) + ": " + problem);
        }
        previous_end = points[i].end_seconds;
    }
    if (!AnyPositive(points)) return MakeError(ErrorCode::kInvalidArgument, "no positive rate");
    return Status::Ok();
}

Result<BandwidthTrace> ParseBandwidthTrace(std::string_view text, const std::string& name) {
    BandwidthTrace trace;
    trace.name = name;
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
        const std::string problem = PointProblem(point, previous);
        if (!problem.empty()) return LineError(name, line_number, problem);
        trace.points.push_back(point);
    }
    if (!AnyPositive(trace.points)) {
        return MakeError(ErrorCode::kCorrupt, name + ": trace has no positive rate");
    }
    return trace;
}

Result<BandwidthTrace> LoadBandwidthTrace(const std::string& path, const std::string& name) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) return MakeError(ErrorCode::kIo, "cannot open trace " + path);
    if (in.tellg() > kMaxTraceFileBytes) {
        return MakeError(ErrorCode::kIo, "trace " + path + " is larger than 16 MiB");
    }
    in.seekg(0);
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return MakeError(ErrorCode::kIo, "cannot read trace " + path);
    return ParseBandwidthTrace(text.str(), name);
}

}  // namespace tonearm
