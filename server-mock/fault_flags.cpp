// The `serve` flags of FaultSettings (declared in fault_settings.h).
#include <charconv>
#include <cstring>

#include "server-mock/fault_settings.h"

namespace tonearm::server {
namespace {

enum class Kind { kInteger, kNumber, kText };

struct FaultFlag {
    const char* flag;
    const char* member;  // the JSON member of ApplyFaultJson
    Kind kind;
};

constexpr FaultFlag kFaultFlags[] = {
    {"--latency-ms", "latency_ms", Kind::kInteger},
    {"--bandwidth-kbps", "bandwidth_kbps", Kind::kInteger},
    {"--trace", "trace_file", Kind::kText},
    {"--trace-scale", "trace_scale", Kind::kNumber},
    {"--reset-after-bytes", "reset_after_bytes", Kind::kInteger},
    {"--reset-probability", "reset_probability", Kind::kNumber},
    {"--error-rate", "error_rate", Kind::kNumber},
    {"--error-status", "error_status", Kind::kInteger},
    {"--fault-seed", "fault_seed", Kind::kInteger},
    {"--expire-urls-for", "expire_urls_for_s", Kind::kInteger},
    {"--url-max-age", "url_max_age_s", Kind::kInteger},
};

// The flag's text as the JSON value its member expects; text that does not
// parse stays a string, which the member's validator then refuses in its words.
Json FlagValue(const std::string& text, Kind kind) {
    const char* begin = text.data();
    const char* end = begin + text.size();
    if (kind == Kind::kInteger) {
        int64_t n = 0;
        auto [ptr, ec] = std::from_chars(begin, end, n);
        if (ec == std::errc() && ptr == end) return n;
    } else if (kind == Kind::kNumber) {
        double x = 0;
        auto [ptr, ec] = std::from_chars(begin, end, x);
        if (ec == std::errc() && ptr == end) return x;
    }
    return text;
}

}  // namespace

const char* const kFaultFlagsUsage =
    "  CDN faults: [--latency-ms N] [--bandwidth-kbps N] [--trace FILE] [--trace-scale S]\n"
    "              [--reset-after-bytes N] [--reset-probability P] [--error-rate P]\n"
    "              [--error-status S] [--fault-seed N] [--expire-urls-for SECONDS]\n"
    "              [--url-max-age SECONDS]\n";

Result<bool> TakeFaultFlag(const std::vector<std::string>& args, size_t* i, FaultSettings* settings,
                           FaultChanges* changes) {
    const FaultFlag* flag = nullptr;
    for (const FaultFlag& candidate : kFaultFlags) {
        if (args[*i] == candidate.flag) flag = &candidate;
    }
    if (flag == nullptr) return false;
    if (*i + 1 >= args.size()) {
        return MakeError(ErrorCode::kInvalidArgument, std::string(flag->flag) + ": needs a value");
    }
    Json body = {{flag->member, FlagValue(args[*i + 1], flag->kind)}};
    Status applied = ApplyFaultJson(body, settings, changes);
    if (!applied.ok()) {
        // "member: why" becomes "--flag: why".
        std::string why = applied.error().message.substr(std::strlen(flag->member));
        return MakeError(ErrorCode::kInvalidArgument, flag->flag + why);
    }
    *i += 1;
    return true;
}

}  // namespace tonearm::server
