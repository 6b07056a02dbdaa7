// HTTP byte-range helpers (RFC 9110 section 14), shared by the CDN and the
// fetchers so both sides agree on the edge cases.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace tonearm {

// An inclusive byte range [first, last] of a resource of known size.
struct ByteRange {
    int64_t first = 0;
    int64_t last = 0;
    int64_t Length() const { return last - first + 1; }
};

enum class RangeParse {
    kNone,           // no Range header, or one this server ignores (serve 200)
    kSatisfiable,    // *range holds the resolved range (serve 206)
    kUnsatisfiable,  // a syntactically valid range outside the resource (serve 416)
};

// Resolves a single-range "bytes=a-b", "bytes=a-" or "bytes=-n" header value
// against a resource of size bytes. Multi-range and malformed values are
// kNone (answered with the whole body, as RFC 9110 allows).
RangeParse ResolveRangeHeader(const std::string& header, int64_t size, ByteRange* range);

// Formats the value of a Range request header for [first, last]; last < 0
// means "to the end".
std::string FormatRangeHeader(int64_t first, int64_t last);

// Parses a Content-Range response value "bytes a-b/size" (size may be "*").
struct ContentRange {
    int64_t first = 0;
    int64_t last = 0;
    int64_t total = -1;  // -1 when "*"
};
std::optional<ContentRange> ParseContentRange(const std::string& value);

}  // namespace tonearm
