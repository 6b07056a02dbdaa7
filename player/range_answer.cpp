#include "player/range_answer.h"

#include <algorithm>

#include "core/http_range.h"

namespace tonearm::player {
namespace {

// The part of body (whose first byte is the file's byte body_first) that
// starts at first and ends no later than last.
Result<std::string> Slice(const std::string& body, int64_t body_first, int64_t first,
                          int64_t last) {
    int64_t body_last = body_first + static_cast<int64_t>(body.size()) - 1;
    if (body_first > first || body_last < first) {
        return MakeError(ErrorCode::kProtocol, "answer holds bytes " + std::to_string(body_first) +
                                                   "-" + std::to_string(body_last) + ", not byte " +
                                                   std::to_string(first));
    }
    int64_t end = std::min(last, body_last);
    return body.substr(static_cast<size_t>(first - body_first),
                       static_cast<size_t>(end - first + 1));
}

}  // namespace

Result<std::string> UsableRangeBytes(const HttpResponse& response, int64_t first, int64_t last,
                                     int64_t resource_size) {
    if (response.status == 200) {
        if (static_cast<int64_t>(response.body.size()) > resource_size) {
            return MakeError(ErrorCode::kProtocol, "whole-file answer is longer than the file");
        }
        return Slice(response.body, 0, first, last);
    }
    if (response.status != 206) {
        return MakeError(ErrorCode::kProtocol,
                         "unexpected HTTP " + std::to_string(response.status) + " to a range");
    }

    auto range = ParseContentRange(response.Header("content-range"));
    if (!range) {
        return MakeError(ErrorCode::kProtocol,
                         "206 without a valid Content-Range: " + response.Header("content-range"));
    }
    if (range->total >= 0 && range->total != resource_size) {
        return MakeError(ErrorCode::kProtocol,
                         "Content-Range size " + std::to_string(range->total) +
                             " differs from the manifest's " + std::to_string(resource_size));
    }
    if (range->last < range->first) {
        return MakeError(ErrorCode::kProtocol, "empty Content-Range");
    }
    // Trust the body only as far as both it and the announced range reach.
    std::string body = response.body;
    int64_t announced = range->last - range->first + 1;
    if (static_cast<int64_t>(body.size()) > announced) body.resize(static_cast<size_t>(announced));
    return Slice(body, range->first, first, last);
}

}  // namespace tonearm::player
