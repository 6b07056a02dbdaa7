#include "server-mock/cdn_faults.h"

namespace tonearm::server {

FaultAction CdnFaults::Decide(const std::string& /*path*/) const {
    FaultAction action;
    action.delay = std::chrono::milliseconds(options_.latency_ms);
    return action;
}

}  // namespace tonearm::server
