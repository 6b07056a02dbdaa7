#include "server-mock/shaping_trace.h"

#include <algorithm>
#include <cmath>

namespace tonearm::server {

double TraceBytesPerSecond(const std::vector<TracePoint>& steps, double scale,
                           double elapsed_seconds) {
    const double period = steps.back().end_seconds;
    const double t = std::fmod(std::max(elapsed_seconds, 0.0), period);
    auto step =
        std::upper_bound(steps.begin(), steps.end(), t,
                         [](double when, const TracePoint& s) { return when < s.end_seconds; });
    if (step == steps.end()) step = std::prev(steps.end());
    return step->mbps * scale * 1e6 / 8.0;
}

}  // namespace tonearm::server
