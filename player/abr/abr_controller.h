// Adaptive bitrate (ABR) controllers: pure decision functions for the fetcher.
//
// A controller sees what the fetcher knows before each chunk request (the
// ladder it may use, the buffer level, the sizes of the next chunks) and the
// throughput of every finished download, and answers which rung to fetch the
// next chunk from. Controllers read no clock, start no thread, do no I/O and
// use no randomness: a fresh controller fed the same calls in the same order
// returns the same answers, so a session can be replayed offline on bandwidth
// traces (player/abr/abr_simulator.h) and compared between algorithms.
//
// Threads: a controller is not thread-safe; one fetch thread (or one
// simulation) owns it and makes every call.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/wire.h"

namespace tonearm::player::abr {

// One finished chunk download, as the fetcher measured it.
struct ThroughputSample {
    int64_t bytes = 0;              // body bytes received
    double seconds = 0.0;           // from sending the request to the last byte
    double first_byte_seconds = 0;  // from sending the request to the first byte; 0 if unknown
};

// The size of one upcoming chunk in every rung of AbrContext::ladder_kbps.
struct UpcomingChunk {
    double seconds = 0.0;        // audio duration of the chunk
    std::vector<int64_t> bytes;  // bytes to fetch per rung, header pages included when a
                                 // switch to that rung would need them
};

// What the fetcher knows when it is about to request the next chunk.
struct AbrContext {
    std::vector<int> ladder_kbps;         // rungs the controller may choose, ascending, non-empty
    int current = -1;                     // rung of the previous chunk; -1 before the first one
    double buffer_seconds = 0.0;          // audio fetched but not yet played
    double max_buffer_seconds = 30.0;     // the fetcher waits rather than buffer more than this
    double now_seconds = 0.0;             // caller's monotonic session time (simulated or real)
    double chunk_seconds = 2.0;           // nominal chunk duration, used when upcoming is empty
    std::vector<UpcomingChunk> upcoming;  // next chunks, [0] is the one being decided; may be
                                          // empty when sizes are unknown
    bool queue_ends_after_upcoming = false;  // upcoming holds every chunk left to play
};

// How many chunks a controller should look ahead: horizon, or fewer when the
// listener's queue ends sooner.
size_t LookaheadChunks(const AbrContext& context, size_t horizon);

// Bytes of upcoming chunk k in rung, falling back to the nominal bitrate when
// the context carries no (or too few) sizes.
int64_t UpcomingBytes(const AbrContext& context, size_t k, int rung);
// Duration of upcoming chunk k, falling back to context.chunk_seconds.
double UpcomingSeconds(const AbrContext& context, size_t k);

class AbrController {
public:
    virtual ~AbrController() = default;

    // The algorithm's name as accepted by MakeAbrController.
    virtual std::string Name() const = 0;

    // Returns the rung (an index into context.ladder_kbps) for the next chunk.
    // Never fails; may update the controller's own history.
    virtual int ChooseRung(const AbrContext& context) = 0;

    // Reports a finished download. Samples with bytes <= 0 or seconds <= 0
    // are ignored.
    virtual void OnChunkDownloaded(const ThroughputSample& sample) = 0;
};

// Names accepted by MakeAbrController, in the order reports list them.
std::vector<std::string> AbrAlgorithmNames();

// Creates a controller with its documented default parameters (docs/abr.md).
// An unknown name is a kInvalidArgument Error listing the known ones.
Result<std::unique_ptr<AbrController>> MakeAbrController(const std::string& name);

// The listener's quality setting: automatic, or one fixed bitrate.
struct QualitySetting {
    std::optional<int> fixed_kbps;  // empty: automatic
};

// Parses "auto", "96", "160" or "320" (any positive kbps); anything else is a
// kInvalidArgument Error.
Result<QualitySetting> ParseQualitySetting(const std::string& text);

// The rungs a controller may choose from: the variants a manifest offers
// (ascending kbps), without those above the tier's cap, reduced to a single
// rung for a fixed quality (the highest allowed rung not above it, or the
// lowest allowed one). Never empty when available_kbps is not.
std::vector<int> AllowedLadder(const std::vector<int>& available_kbps, Tier tier,
                               const QualitySetting& quality);

}  // namespace tonearm::player::abr
