// What a simulated session fetches: tracks cut into chunks, with the size of
// every chunk in every variant.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/wire.h"

namespace tonearm::player::abr {

struct PlannedChunk {
    double seconds = 0.0;        // audio duration
    std::vector<int64_t> bytes;  // audio bytes per variant of PlannedTrack::kbps
};

struct PlannedTrack {
    std::string name;
    std::vector<int> kbps;              // variants, ascending
    std::vector<int64_t> header_bytes;  // per variant: the three header packets' pages
    std::vector<PlannedChunk> chunks;

    double DurationSeconds() const;
};

// Cuts a manifest into chunks along the seek index of its lowest variant: a
// chunk is the stretch between two consecutive seek points. Its size in that
// variant is the byte difference of the points; in the other variants, whose
// pages do not line up, it is the byte difference of the same two times,
// interpolated linearly within their own seek index (so every variant's
// chunks add up to its audio bytes exactly). A manifest without variants or
// seek points is a kInvalidArgument Error.
Result<PlannedTrack> PlanFromManifest(const Manifest& manifest);

// The synthetic model of a Vorbis VBR track, for sessions without a manifest:
// chunks of chunk_seconds, each of nominal_kbps * seconds scaled by a
// complexity factor shared by all variants (music that is dense in one
// variant is dense in all) plus a small per-variant jitter. The factor follows
// a seeded AR(1) process in the log domain, so loud and quiet passages last
// several chunks. docs/abr.md gives the measurements behind the defaults.
struct SyntheticModel {
    std::vector<int> kbps = {96, 160, 320};
    std::vector<int64_t> header_bytes = {4000, 4400, 4100};
    double chunk_seconds = 2.0;
    double log_sigma = 0.12;           // stationary spread of the shared factor
    double correlation = 0.7;          // chunk-to-chunk correlation of the shared factor
    double variant_jitter = 0.03;      // independent spread per variant
    double track_level_spread = 0.07;  // each track's mean is nominal * U(1 +- spread)
};

// A synthetic track of the given duration; the same seed gives the same track.
PlannedTrack SyntheticTrack(const SyntheticModel& model, double seconds, uint64_t seed,
                            const std::string& name);

}  // namespace tonearm::player::abr
