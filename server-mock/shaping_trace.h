// Bandwidth traces replayed by the CDN's shaped link (docs/server.md): the
// files and their rules are core/bandwidth_trace.h's; the trace repeats when
// it ends. Plain functions on values: thread-safe.
#pragma once

#include <vector>

#include "core/bandwidth_trace.h"

namespace tonearm::server {

// The rate in bytes per second at elapsed_seconds (>= 0) after the trace
// started, looping, with every rate multiplied by scale. steps must be valid.
double TraceBytesPerSecond(const std::vector<TracePoint>& steps, double scale,
                           double elapsed_seconds);

}  // namespace tonearm::server
