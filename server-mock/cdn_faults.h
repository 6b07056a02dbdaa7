// Fault injection at the CDN: the one place where delivery can be made slow
// or unreliable on purpose, so clients can be tested against it.
//
// The CDN handler asks Decide() once per request, after parsing the path and
// before any check, and applies the returned action. New faults (bandwidth
// caps, connection resets, error bursts, early URL expiry) extend CdnFaultOptions
// and FaultAction; the handler stays as it is.
#pragma once

#include <chrono>
#include <string>

namespace tonearm::server {

struct CdnFaultOptions {
    int latency_ms = 0;  // delay before every response
};

struct FaultAction {
    std::chrono::milliseconds delay{0};  // sleep this long before answering
    int fail_status = 0;                 // answer with this status instead, if not 0
};

class CdnFaults {
public:
    explicit CdnFaults(CdnFaultOptions options) : options_(options) {}

    // What to do with a request for path. Thread-safe (const, no state yet).
    FaultAction Decide(const std::string& path) const;

    bool any() const { return options_.latency_ms > 0; }

private:
    const CdnFaultOptions options_;
};

}  // namespace tonearm::server
