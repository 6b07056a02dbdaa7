// Splits a variant's audio into range requests along its seek index.
//
// A chunk is one or more consecutive seek-index segments fetched with one
// range request. Its bounds are kept both in bytes and in samples (granules),
// so a later bitrate switch can splice on a sample boundary that every
// variant shares. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/wire.h"

namespace tonearm::player {

// Decoding restarted at a seek point yields its first sample at most this many
// samples after the point's granule: the first packet only primes the overlap,
// and a packet continued from the page before is dropped (two half long blocks).
inline constexpr int64_t kSeekPrerollSamples = 8192;

struct Chunk {
    int64_t first_byte = 0;
    int64_t last_byte = 0;      // inclusive
    int64_t first_granule = 0;  // granule of the seek point the chunk starts at
    int64_t end_granule = 0;    // granule of the point after it, or the duration
    size_t end_point = 0;       // index of the point after it, or the index size
};

// Index of the seek point to restart at so that decoding covers sample
// target: the last point with granule <= target - kSeekPrerollSamples, or the
// first point, and never the last point of an index of two or more (its page
// may be the final page, where positions cannot be derived). Requires a
// non-empty seek index.
size_t SeekPointFor(const Variant& variant, int64_t target);

// The chunks from seek point first_point to the end of the file, each about
// chunk_bytes long (at least one segment). duration_samples closes the last.
std::vector<Chunk> PlanChunks(const Variant& variant, size_t first_point, size_t chunk_bytes,
                              int64_t duration_samples);

// The chunk that starts at seek point `point` and runs over whole segments
// until it covers about min_samples of audio past from_sample (at least three
// quarters of it), or until it holds
// max_bytes (whichever comes first; at least one segment), or to the end of
// the file. Requires point < the index size.
Chunk ChunkFrom(const Variant& variant, size_t point, int64_t from_sample, int64_t min_samples,
                size_t max_bytes, int64_t duration_samples);

// Bytes of the variant that decoding the samples [from_sample, to_sample)
// needs when it restarts at SeekPointFor(from_sample): the estimate a bitrate
// controller compares rungs with.
int64_t BytesCovering(const Variant& variant, int64_t from_sample, int64_t to_sample);

}  // namespace tonearm::player
