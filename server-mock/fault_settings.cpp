#include "server-mock/fault_settings.h"

#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <sstream>

namespace tonearm::server {
namespace {

constexpr int64_t kMaxSeconds = 365LL * 24 * 3600;
constexpr size_t kMaxTracePoints = 1000000;

using Setter = std::function<Status(const Json& value, FaultSettings& s, FaultChanges& c)>;

Error Refuse(const std::string& what) { return MakeError(ErrorCode::kInvalidArgument, what); }

template <typename T>
std::string Format(T number) {
    std::ostringstream out;
    out << number;
    return out.str();
}

Status ReadInt(const Json& value, int64_t min, int64_t max, int64_t* out) {
    bool fits = false;
    int64_t v = 0;
    if (value.is_number_unsigned()) {
        fits = value.get<uint64_t>() <= uint64_t(max);
        v = fits ? int64_t(value.get<uint64_t>()) : 0;
        fits = fits && v >= min;
    } else if (value.is_number_integer()) {
        v = value.get<int64_t>();
        fits = v >= min && v <= max;
    }
    if (!fits) return Refuse("must be an integer from " + Format(min) + " to " + Format(max));
    *out = v;
    return Status::Ok();
}

// A number in [min, max], or in (min, max] when min_excluded.
Status ReadNumber(const Json& value, double min, double max, bool min_excluded, double* out) {
    const double v = value.is_number() ? value.get<double>() : std::nan("");
    if (!std::isfinite(v) || v < min || v > max || (min_excluded && v == min)) {
        std::string range =
            min_excluded ? "above " + Format(min) + " up to " : "from " + Format(min) + " to ";
        return Refuse("must be a number " + range + Format(max));
    }
    *out = v;
    return Status::Ok();
}

Result<std::vector<TracePoint>> ReadTracePoints(const Json& value) {
    const char* shape = "must be an array of [seconds, Mbit/s] pairs";
    if (!value.is_array() || value.empty() || value.size() > kMaxTracePoints) return Refuse(shape);
    std::vector<TracePoint> steps;
    for (const Json& pair : value) {
        if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number() || !pair[1].is_number())
            return Refuse(shape);
        steps.push_back(TracePoint{pair[0].get<double>(), pair[1].get<double>()});
    }
    Status valid = ValidateTracePoints(steps);
    if (!valid.ok()) return valid.error();
    return steps;
}

Setter IntSetter(int64_t FaultSettings::*member, int64_t min, int64_t max) {
    return [=](const Json& value, FaultSettings& s, FaultChanges&) {
        return ReadInt(value, min, max, &(s.*member));
    };
}

Setter NumberSetter(double FaultSettings::*member, double min, double max, bool min_excluded) {
    return [=](const Json& value, FaultSettings& s, FaultChanges&) {
        return ReadNumber(value, min, max, min_excluded, &(s.*member));
    };
}

Status SetTrace(const Json& value, FaultSettings& s, FaultChanges& c) {
    auto steps = ReadTracePoints(value);
    if (!steps.ok()) return steps.error();
    s.trace = std::move(*steps);
    s.trace_file.clear();
    c.trace = true;
    return Status::Ok();
}

Status SetTraceFile(const Json& value, FaultSettings& s, FaultChanges& c) {
    if (!value.is_string() || value.get<std::string>().empty()) {
        return Refuse("must be the path of a trace file");
    }
    const std::string path = value.get<std::string>();
    auto trace = LoadBandwidthTrace(path, path);
    if (!trace.ok()) return Refuse(trace.error().message);
    s.trace = std::move(trace->points);
    s.trace_file = value.get<std::string>();
    c.trace = true;
    return Status::Ok();
}

// Every member ApplyFaultJson knows, with its setter and what null resets.
const std::map<std::string, Setter>& Setters() {
    using S = FaultSettings;
    static const std::map<std::string, Setter> setters = {
        {"latency_ms", IntSetter(&S::latency_ms, 0, 600000)},
        {"bandwidth_kbps", IntSetter(&S::bandwidth_kbps, 0, 10000000)},
        {"trace", SetTrace},
        {"trace_file", SetTraceFile},
        {"trace_scale", NumberSetter(&S::trace_scale, 0.0, 1000.0, true)},
        {"reset_after_bytes", IntSetter(&S::reset_after_bytes, 0, int64_t(1) << 40)},
        {"reset_probability", NumberSetter(&S::reset_probability, 0.0, 1.0, false)},
        {"error_rate", NumberSetter(&S::error_rate, 0.0, 1.0, false)},
        {"error_status",
         [](const Json& value, S& s, FaultChanges&) {
             int64_t status = 0;
             Status read = ReadInt(value, 400, 599, &status);
             if (read.ok()) s.error_status = static_cast<int>(status);
             return read;
         }},
        {"fault_seed",
         [](const Json& value, S& s, FaultChanges& c) {
             int64_t seed = 0;
             Status read = ReadInt(value, 0, std::numeric_limits<int64_t>::max(), &seed);
             if (!read.ok()) return read;
             s.fault_seed = static_cast<uint64_t>(seed);
             c.seed = true;
             return read;
         }},
        {"expire_urls_for_s",
         [](const Json& value, S& s, FaultChanges& c) {
             Status read = ReadInt(value, 0, kMaxSeconds, &s.expire_urls_for_s);
             c.expiry = c.expiry || read.ok();
             return read;
         }},
        {"url_max_age_s", IntSetter(&S::url_max_age_s, 0, kMaxSeconds)},
    };
    return setters;
}

// Returns the one setting name to its default.
void ResetMember(const std::string& name, FaultSettings& s, FaultChanges& c) {
    const FaultSettings defaults;
    Json value = FaultSettingsToJson(defaults)[name];
    if (name == "trace" || name == "trace_file") {
        s.trace.clear();
        s.trace_file.clear();
        c.trace = true;
        return;
    }
    Status reset = Setters().at(name)(value, s, c);
    (void)reset;  // defaults are valid by construction
}

}  // namespace

Status ApplyFaultJson(const Json& body, FaultSettings* settings, FaultChanges* changes) {
    if (!body.is_object()) return Refuse("body: must be a JSON object of fault settings");
    if (body.contains("trace") && body.contains("trace_file") && !body["trace"].is_null() &&
        !body["trace_file"].is_null()) {
        return Refuse("trace_file: give either trace or trace_file, not both");
    }
    FaultSettings next = *settings;
    FaultChanges changed = *changes;
    for (const auto& [name, value] : body.items()) {
        if (name == "state") continue;
        auto setter = Setters().find(name);
        if (setter == Setters().end()) return Refuse(name + ": unknown field");
        if (value.is_null()) {
            ResetMember(name, next, changed);
            continue;
        }
        Status set = setter->second(value, next, changed);
        if (!set.ok()) return set.error().Wrap(name);
    }
    *settings = std::move(next);
    *changes = changed;
    return Status::Ok();
}

Json FaultSettingsToJson(const FaultSettings& s) {
    Json json = {{"latency_ms", s.latency_ms},
                 {"bandwidth_kbps", s.bandwidth_kbps},
                 {"trace_scale", s.trace_scale},
                 {"reset_after_bytes", s.reset_after_bytes},
                 {"reset_probability", s.reset_probability},
                 {"error_rate", s.error_rate},
                 {"error_status", s.error_status},
                 {"fault_seed", s.fault_seed},
                 {"expire_urls_for_s", s.expire_urls_for_s},
                 {"url_max_age_s", s.url_max_age_s}};
    if (!s.trace_file.empty()) {
        json["trace_file"] = s.trace_file;
    } else if (!s.trace.empty()) {
        Json pairs = Json::array();
        for (const TracePoint& step : s.trace)
            pairs.push_back(Json::array({step.end_seconds, step.mbps}));
        json["trace"] = std::move(pairs);
    } else {
        json["trace"] = nullptr;
    }
    return json;
}

}  // namespace tonearm::server
