#include "sync/model/hlc.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace tonearm::sync {

Json ToJson(const Hlc& hlc) {
    return Json{{"ms", hlc.wall_ms}, {"c", hlc.counter}, {"node", hlc.node}};
}

Result<Hlc> HlcFromJson(const Json& json) {
    if (!json.is_object()) return MakeError(ErrorCode::kProtocol, "timestamp is not an object");
    auto ms = json.find("ms");
    auto c = json.find("c");
    auto node = json.find("node");
    if (ms == json.end() || !ms->is_number_integer() || ms->get<int64_t>() < 0) {
        return MakeError(ErrorCode::kProtocol, "timestamp field 'ms' is missing or negative");
    }
    if (c == json.end() || !c->is_number_integer() || c->get<int64_t>() < 0 ||
        c->get<int64_t>() > int64_t{UINT32_MAX}) {
        return MakeError(ErrorCode::kProtocol, "timestamp field 'c' is missing or out of range");
    }
    if (node == json.end() || !node->is_string() || node->get<std::string>().empty()) {
        return MakeError(ErrorCode::kProtocol, "timestamp field 'node' is missing or empty");
    }
    return Hlc{ms->get<int64_t>(), static_cast<uint32_t>(c->get<int64_t>()),
               node->get<std::string>()};
}

HybridClock::HybridClock(std::string node, Hlc last) : last_(std::move(last)) {
    last_.node = std::move(node);
}

Hlc HybridClock::Tick(int64_t physical_ms) {
    if (physical_ms > last_.wall_ms) {
        last_.wall_ms = physical_ms;
        last_.counter = 0;
    } else if (last_.counter == UINT32_MAX) {
        // A counter this high means a frozen wall clock; borrow a millisecond.
        ++last_.wall_ms;
        last_.counter = 0;
    } else {
        ++last_.counter;
    }
    return last_;
}

bool HybridClock::Observe(const Hlc& remote, int64_t physical_ms) {
    const int64_t ceiling = physical_ms + kMaxClockDriftMs;
    const bool clamped = remote.wall_ms > ceiling;
    const int64_t remote_wall = clamped ? ceiling : remote.wall_ms;
    const uint32_t remote_counter = clamped ? 0 : remote.counter;

    if (remote_wall > last_.wall_ms) {
        last_.wall_ms = remote_wall;
        last_.counter = remote_counter;
    } else if (remote_wall == last_.wall_ms) {
        last_.counter = std::max(last_.counter, remote_counter);
    }
    return clamped;
}

int64_t SystemWallMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace tonearm::sync
