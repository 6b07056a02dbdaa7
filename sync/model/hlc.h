// Hybrid logical clock: timestamps that follow wall time but never run
// backwards and always order an event after everything its node has seen.
//
// A timestamp is (wall milliseconds, counter, node id), compared in that
// order, so two nodes never produce equal timestamps. Clocks are plain
// values: the owner persists last() and restores it with the constructor so a
// restart never reuses a timestamp. Not thread-safe; guard with the owner's lock.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

#include "core/result.h"
#include "core/wire.h"

namespace tonearm::sync {

// How far ahead of local wall time a remote timestamp may drag a clock.
// Larger jumps are clamped (see HybridClock::Observe and docs/sync.md).
inline constexpr int64_t kMaxClockDriftMs = 10 * 60 * 1000;

struct Hlc {
    int64_t wall_ms = 0;
    uint32_t counter = 0;
    std::string node;

    auto operator<=>(const Hlc&) const = default;
    bool operator==(const Hlc&) const = default;

    bool IsZero() const { return wall_ms == 0 && counter == 0 && node.empty(); }
};

Json ToJson(const Hlc& hlc);

// Parses {"ms":..,"c":..,"node":".."}; a missing or negative field is kProtocol.
Result<Hlc> HlcFromJson(const Json& json);

class HybridClock {
public:
    // node must be non-empty and unique per replica; last is the persisted
    // last() of a previous run (or a zero Hlc for a new replica).
    explicit HybridClock(std::string node, Hlc last = {});

    // A fresh timestamp for a local event, strictly greater than every
    // timestamp this clock has returned or observed. physical_ms is the
    // current wall time; it may jump backwards without effect on order.
    Hlc Tick(int64_t physical_ms);

    // Merges a timestamp received from another node so the next Tick orders
    // after it. A remote wall time more than kMaxClockDriftMs ahead of
    // physical_ms advances this clock only to physical_ms + kMaxClockDriftMs.
    // Returns true if the remote timestamp was clamped.
    bool Observe(const Hlc& remote, int64_t physical_ms);

    const Hlc& last() const { return last_; }
    const std::string& node() const { return last_.node; }

private:
    Hlc last_;
};

// Milliseconds since the Unix epoch from the system clock.
int64_t SystemWallMs();

}  // namespace tonearm::sync
