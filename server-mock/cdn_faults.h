// Fault injection at the CDN: the one place where delivery can be made slow
// or unreliable on purpose, so clients can be tested against a bad network.
//
// The CDN handler asks Decide() once per request, before any check, and
// applies the returned action: wait (Sleep), answer an error status, or
// serve the body but cut it after some bytes. A signed URL that verifies is
// then put to UrlCountsAsExpired(), and the body's chunks are paced through
// link(), shared by every connection. The API server is never shaped.
//
// Settings change at run time through Update() (the admin endpoint); a
// request already past Decide() keeps its latency, error and cut, while the
// pace of running transfers follows the new shape within one 20 ms slice.
//
// Thread-safe: settings, generator and counters are guarded by mu_; the link
// has its own lock. Shutdown() ends every wait promptly.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>

#include "server-mock/fault_settings.h"
#include "server-mock/shaping_link.h"

namespace tonearm::server {

struct FaultAction {
    std::chrono::milliseconds delay{0};  // sleep this long before answering
    int fail_status = 0;                 // answer with this status instead, if not 0
    int64_t reset_after_bytes = 0;       // > 0: close the connection after this many body bytes
    double cut_fraction = -1.0;          // in [0, 1): also cut at this fraction of the body

    // Where a body of body_bytes is to be cut (the connection then closes),
    // or -1 when it is to be served whole.
    int64_t CutPoint(int64_t body_bytes) const;
};

// What the faults have done so far, for GET /v1/admin/faults.
struct FaultCounters {
    int64_t requests = 0;         // CDN requests seen
    int64_t injected_errors = 0;  // answered with error_status
    int64_t cut_bodies = 0;       // bodies closed early (NoteCutBody)
};

class CdnFaults {
public:
    // url_ttl_seconds is the lifetime the API gives signed URLs; it dates a
    // URL's signing from its expiry for url_max_age_s. Applies initial as
    // Update(initial, every change) would.
    CdnFaults(FaultSettings initial, int64_t url_ttl_seconds);
    CdnFaults(const CdnFaults&) = delete;
    CdnFaults& operator=(const CdnFaults&) = delete;

    // Replaces the settings. changes says which clocks restart: the trace's,
    // the generator's (reseeded with fault_seed), the expiry window's.
    void Update(const FaultSettings& settings, const FaultChanges& changes);

    // The settings now; expire_urls_for_s is the part of the window that is left.
    FaultSettings Current() const;
    FaultCounters Counters() const;

    // The action for one request. Draws from the seeded generator the same
    // number of times per request, so one seed gives one sequence of
    // decisions whatever is enabled.
    FaultAction Decide();

    // Counts a body the CDN closed early, for Counters().
    void NoteCutBody();

    // Whether a URL signed to expire at expires_unix is refused as expired
    // at now_unix by the expiry window or by url_max_age_s.
    bool UrlCountsAsExpired(int64_t expires_unix, int64_t now_unix) const;

    // Blocks for delay or until Shutdown(); false if shut down.
    bool Sleep(std::chrono::milliseconds delay);

    ShapedLink& link() { return link_; }
    const ShapedLink& link() const { return link_; }

    // Ends current and future waits (Sleep, link().Acquire) with false.
    void Shutdown();

private:
    using Clock = std::chrono::steady_clock;

    const int64_t url_ttl_seconds_;
    ShapedLink link_;

    mutable std::mutex mu_;
    std::condition_variable stop_cv_;
    FaultSettings settings_;          // guarded by mu_
    Clock::time_point expire_until_;  // end of the expiry window; mu_
    Clock::time_point trace_origin_;  // time 0 of the trace; mu_
    std::mt19937_64 random_;          // mu_
    FaultCounters counters_;          // mu_
    bool stopped_ = false;            // mu_
};

}  // namespace tonearm::server
