// The fault settings of the CDN, as `serve` flags and as the JSON of
// /v1/admin/faults (docs/api.md, "Fault injection and network shaping").
//
// One validator serves both: a flag is turned into its JSON member and
// applied like a PUT body, so a value refused on the command line is refused
// by the admin endpoint with the same words. Plain values and functions:
// thread-safe as long as each FaultSettings is used by one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/wire.h"
#include "server-mock/shaping_trace.h"

namespace tonearm::server {

struct FaultSettings {
    int64_t latency_ms = 0;          // delay before every CDN response
    int64_t bandwidth_kbps = 0;      // shared cap in kbit/s (1000 bit/s); 0 = none
    std::vector<TracePoint> trace;   // replayed rates; empty = none
    std::string trace_file;          // where trace was read from; empty when inline or none
    double trace_scale = 1.0;        // multiplies every trace rate
    int64_t reset_after_bytes = 0;   // close each body after this many bytes; 0 = never
    double reset_probability = 0.0;  // chance that a body is cut at a random byte
    double error_rate = 0.0;         // chance that a request is answered error_status
    int error_status = 503;
    uint64_t fault_seed = 1;        // seeds the generator behind the chances above
    int64_t expire_urls_for_s = 0;  // every signed URL counts as expired for this long
    int64_t url_max_age_s = 0;      // a URL counts as expired this long after signing; 0 = off
};

// Which settings a patch named, where the holder must act beyond copying.
struct FaultChanges {
    bool trace = false;   // trace or trace_file given: its clock restarts
    bool seed = false;    // fault_seed given: the generator restarts
    bool expiry = false;  // expire_urls_for_s given: the window starts now
};

// Applies the members of body (a JSON object) onto *settings, all or none.
// A member set to null returns that setting to its default; members left
// out keep their values; "state" (what GET adds) is ignored. trace_file is
// read here. Fails with kInvalidArgument whose message starts with the
// offending member's name ("error_rate: must be a number from 0 to 1",
// "colour: unknown field"); *settings and *changes are then unchanged.
Status ApplyFaultJson(const Json& body, FaultSettings* settings, FaultChanges* changes);

// The settings as the JSON object ApplyFaultJson accepts. The trace appears
// as "trace_file" when it came from a file, otherwise as "trace" pairs.
// expire_urls_for_s is written as given; the holder substitutes what remains.
Json FaultSettingsToJson(const FaultSettings& settings);

// The `serve` flags that set faults, for the usage text.
extern const char* const kFaultFlagsUsage;

// If args[*i] is a fault flag, reads its value from args[*i + 1] into
// *settings, advances *i past it and returns true. Returns false for any
// other argument. A missing or invalid value is a kInvalidArgument Error
// naming the flag ("--error-rate: must be a number from 0 to 1").
Result<bool> TakeFaultFlag(const std::vector<std::string>& args, size_t* i, FaultSettings* settings,
                           FaultChanges* changes);

}  // namespace tonearm::server
