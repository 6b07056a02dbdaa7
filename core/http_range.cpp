#include "core/http_range.h"

#include <cctype>
#include <charconv>

namespace tonearm {
namespace {

// Parses a run of decimal digits [begin, end) into *out without overflow.
bool ParseDigits(const std::string& s, size_t begin, size_t end, int64_t* out) {
    if (begin >= end) return false;
    for (size_t i = begin; i < end; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    }
    auto [ptr, ec] = std::from_chars(s.data() + begin, s.data() + end, *out);
    return ec == std::errc() && ptr == s.data() + end;
}

std::string Trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return "";
    size_t e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

}  // namespace

RangeParse ResolveRangeHeader(const std::string& raw, int64_t size, ByteRange* range) {
    std::string header = Trim(raw);
    const std::string prefix = "bytes=";
    if (header.compare(0, prefix.size(), prefix) != 0) return RangeParse::kNone;
    std::string spec = Trim(header.substr(prefix.size()));
    if (spec.find(',') != std::string::npos) return RangeParse::kNone;
    size_t dash = spec.find('-');
    if (dash == std::string::npos) return RangeParse::kNone;

    int64_t first = 0;
    int64_t last = 0;
    if (dash == 0) {
        // Suffix range: the last n bytes.
        int64_t n = 0;
        if (!ParseDigits(spec, 1, spec.size(), &n)) return RangeParse::kNone;
        if (n == 0 || size == 0) return RangeParse::kUnsatisfiable;
        first = n >= size ? 0 : size - n;
        last = size - 1;
    } else {
        if (!ParseDigits(spec, 0, dash, &first)) return RangeParse::kNone;
        if (dash + 1 == spec.size()) {
            last = size - 1;
        } else {
            if (!ParseDigits(spec, dash + 1, spec.size(), &last)) return RangeParse::kNone;
            if (last < first) return RangeParse::kNone;
            if (last >= size) last = size - 1;
        }
        if (first >= size) return RangeParse::kUnsatisfiable;
    }
    range->first = first;
    range->last = last;
    return RangeParse::kSatisfiable;
}

std::string FormatRangeHeader(int64_t first, int64_t last) {
    std::string value = "bytes=" + std::to_string(first) + "-";
    if (last >= 0) value += std::to_string(last);
    return value;
}

std::optional<ContentRange> ParseContentRange(const std::string& raw) {
    std::string value = Trim(raw);
    const std::string prefix = "bytes ";
    if (value.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
    size_t dash = value.find('-', prefix.size());
    size_t slash = value.find('/', prefix.size());
    if (dash == std::string::npos || slash == std::string::npos || dash > slash) {
        return std::nullopt;
    }
    ContentRange cr;
    if (!ParseDigits(value, prefix.size(), dash, &cr.first)) return std::nullopt;
    if (!ParseDigits(value, dash + 1, slash, &cr.last)) return std::nullopt;
    if (cr.last < cr.first) return std::nullopt;
    if (value.compare(slash + 1, std::string::npos, "*") == 0) {
        cr.total = -1;
    } else {
        if (!ParseDigits(value, slash + 1, value.size(), &cr.total)) return std::nullopt;
        if (cr.last >= cr.total) return std::nullopt;
    }
    return cr;
}

}  // namespace tonearm
