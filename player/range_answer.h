// Checks an HTTP answer to "Range: bytes=first-last" before any of its bytes
// reach the decoder. Servers may ignore the range (200 with the whole body),
// send fewer bytes than announced, or announce a range other than the one
// asked for. Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "core/http_client.h"
#include "core/result.h"

namespace tonearm::player {

// Returns the bytes of the answer that start exactly at first and lie within
// [first, last]: possibly fewer than asked for (a short answer; the caller
// asks again for the rest), never bytes from elsewhere in the file.
// resource_size is the file size the manifest gives. Fails with kProtocol
// when the answer holds no usable byte at first (wrong or missing
// Content-Range, a body shorter than announced that ends before first, a size
// that disagrees with the manifest, a status other than 200 and 206).
Result<std::string> UsableRangeBytes(const HttpResponse& response, int64_t first, int64_t last,
                                     int64_t resource_size);

}  // namespace tonearm::player
