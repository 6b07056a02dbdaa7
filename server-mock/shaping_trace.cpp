#include "server-mock/shaping_trace.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

namespace tonearm::server {
namespace {

constexpr std::streamoff kMaxTraceFileBytes = 16 << 20;

bool ParseDouble(std::string_view text, double* out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
    return ec == std::errc() && end == text.data() + text.size() && std::isfinite(*out);
}

// The whitespace-separated words of one line.
std::vector<std::string_view> Words(std::string_view line) {
    std::vector<std::string_view> words;
    size_t at = 0;
    while (true) {
        at = line.find_first_not_of(" \t", at);
        if (at == std::string_view::npos) break;
        size_t end = std::min(line.find_first_of(" \t", at), line.size());
        words.push_back(line.substr(at, end - at));
        at = end;
    }
    return words;
}

// Why step (the index-th) cannot follow previous_end, or "" if it can.
std::string StepProblem(const TraceStep& step, double previous_end) {
    if (!std::isfinite(step.end_seconds) || !std::isfinite(step.mbps)) return "not finite";
    if (step.end_seconds <= previous_end) return "time does not increase";
    if (step.mbps < 0.0) return "negative rate";
    return "";
}

}  // namespace

Status ValidateTrace(const std::vector<TraceStep>& steps) {
    double previous_end = 0.0;
    bool any_positive = false;
    for (size_t i = 0; i < steps.size(); ++i) {
        std::string problem = StepProblem(steps[i], previous_end);
        if (!problem.empty()) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "step " + std::to_string(i + 1) + ": " + problem);
        }
        previous_end = steps[i].end_seconds;
        any_positive = any_positive || steps[i].mbps > 0.0;
    }
    if (!any_positive) return MakeError(ErrorCode::kInvalidArgument, "no positive rate");
    return Status::Ok();
}

Result<std::vector<TraceStep>> ParseTraceText(std::string_view text, const std::string& name) {
    std::vector<TraceStep> steps;
    int line_number = 0;
    for (size_t pos = 0; pos < text.size();) {
        size_t end = std::min(text.find('\n', pos), text.size());
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

        std::vector<std::string_view> words = Words(line);
        if (words.empty() || words[0].front() == '#') continue;
        const std::string where = name + " line " + std::to_string(line_number) + ": ";
        TraceStep step;
        if (words.size() != 2 || !ParseDouble(words[0], &step.end_seconds) ||
            !ParseDouble(words[1], &step.mbps)) {
            return MakeError(ErrorCode::kInvalidArgument,
                             where + "expected two numbers (seconds, Mbit/s)");
        }
        std::string problem = StepProblem(step, steps.empty() ? 0.0 : steps.back().end_seconds);
        if (!problem.empty()) return MakeError(ErrorCode::kInvalidArgument, where + problem);
        steps.push_back(step);
    }
    Status valid = ValidateTrace(steps);
    if (!valid.ok()) return valid.error().Wrap(name);
    return steps;
}

Result<std::vector<TraceStep>> LoadTraceFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) return MakeError(ErrorCode::kIo, "cannot open trace " + path);
    if (in.tellg() > kMaxTraceFileBytes) {
        return MakeError(ErrorCode::kIo, "trace " + path + " is larger than 16 MiB");
    }
    in.seekg(0);
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return MakeError(ErrorCode::kIo, "cannot read trace " + path);
    return ParseTraceText(text.str(), path);
}

double TraceBytesPerSecond(const std::vector<TraceStep>& steps, double scale,
                           double elapsed_seconds) {
    const double period = steps.back().end_seconds;
    const double t = std::fmod(std::max(elapsed_seconds, 0.0), period);
    auto step =
        std::upper_bound(steps.begin(), steps.end(), t,
                         [](double when, const TraceStep& s) { return when < s.end_seconds; });
    if (step == steps.end()) step = std::prev(steps.end());
    return step->mbps * scale * 1e6 / 8.0;
}

}  // namespace tonearm::server
