// The CDN's shaped link: one shared pace for every response body, like the
// access link a listener's client sits behind.
//
// The rate at any moment is the lower of a fixed cap and the current step of
// a replayed trace (either may be absent; with neither the link is unlimited).
// Writers ask for permission before each chunk they send. Permission follows
// a token bucket that refills at the current rate, holds at most 50 ms of
// burst and lets the writer at the head of a FIFO queue go as soon as the
// bucket is not in debt, so concurrent transfers share the rate in turns and
// together never exceed it. Every wait is a slice of at most 20 ms, so a new
// shape applies to waiting writers at once and Shutdown() releases them
// promptly.
//
// Thread-safe: every member is guarded by mu_.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "server-mock/shaping_trace.h"

namespace tonearm::server {

struct LinkShape {
    double cap_bytes_per_s = 0.0;   // 0: no fixed cap
    std::vector<TracePoint> trace;  // empty: no trace; otherwise valid (ValidateTracePoints)
    double trace_scale = 1.0;       // > 0
    std::chrono::steady_clock::time_point trace_origin;  // the trace's time 0

    bool limited() const { return cap_bytes_per_s > 0.0 || !trace.empty(); }
};

class ShapedLink {
public:
    using Clock = std::chrono::steady_clock;

    ShapedLink() = default;
    ShapedLink(const ShapedLink&) = delete;
    ShapedLink& operator=(const ShapedLink&) = delete;

    // Replaces the shape; writers waiting now are paced by it within one slice.
    void SetShape(LinkShape shape);

    // The rate in bytes per second now, or nullopt when the link is unlimited.
    std::optional<double> RateNow() const;

    // How many bytes to send per paced write, at most max_bytes: about 25 ms
    // of data at the current rate (never below 256 bytes), or max_bytes when
    // the link is unlimited. Small writes are what keep a low rate smooth.
    size_t ChunkBytes(size_t max_bytes) const;

    // Blocks until bytes may be sent, in slices of at most 20 ms. Returns
    // true at once when the link is unlimited, false once Shutdown() was
    // called (the caller should then abandon its transfer).
    bool Acquire(size_t bytes);

    // Ends every wait in Acquire (now and later) with false. Irreversible.
    void Shutdown();

private:
    double RateAtLocked(Clock::time_point now) const;
    void RefillLocked(Clock::time_point now);
    void LeaveQueueLocked(uint64_t ticket);

    mutable std::mutex mu_;
    std::condition_variable cv_;
    LinkShape shape_;               // guarded by mu_
    double tokens_ = 0.0;           // bytes that may be sent now; negative is debt; mu_
    Clock::time_point refilled_{};  // when tokens_ was last brought up to date; mu_
    std::deque<uint64_t> queue_;    // tickets of waiting writers, head first; mu_
    uint64_t next_ticket_ = 0;      // mu_
    bool stopped_ = false;          // mu_
};

}  // namespace tonearm::server
