#include "player/chunk_plan.h"

#include <algorithm>
#include <limits>

namespace tonearm::player {

size_t SeekPointFor(const Variant& variant, int64_t target) {
    const auto& index = variant.seek_index;
    // Never the last point: its page may be the final one, whose granule
    // trims its samples and so cannot place them (see VorbisStreamDecoder).
    const size_t usable = index.size() > 1 ? index.size() - 1 : index.size();
    size_t chosen = 0;
    for (size_t i = 0; i < usable; ++i) {
        if (index[i].granule > target - kSeekPrerollSamples) break;
        chosen = i;
    }
    return chosen;
}

std::vector<Chunk> PlanChunks(const Variant& variant, size_t first_point, size_t chunk_bytes,
                              int64_t duration_samples) {
    constexpr int64_t kNoTimeLimit = std::numeric_limits<int64_t>::max() / 4;
    std::vector<Chunk> chunks;
    for (size_t point = first_point; point < variant.seek_index.size();) {
        const Chunk chunk = ChunkFrom(variant, point, variant.seek_index[point].granule,
                                      kNoTimeLimit, chunk_bytes, duration_samples);
        if (chunk.last_byte >= chunk.first_byte) chunks.push_back(chunk);
        point = chunk.end_point;
    }
    return chunks;
}

Chunk ChunkFrom(const Variant& variant, size_t point, int64_t from_sample, int64_t min_samples,
                size_t max_bytes, int64_t duration_samples) {
    const auto& index = variant.seek_index;
    Chunk chunk;
    chunk.first_byte = index[point].byte_offset;
    chunk.first_granule = index[point].granule;
    // Segments are about as long as a chunk is meant to be; a chunk ends at
    // the first point past three quarters of min_samples, so segments a
    // little shorter than min_samples do not double every chunk.
    const int64_t enough = from_sample + (min_samples - min_samples / 4);
    size_t next = point + 1;
    while (next < index.size() && index[next].granule < enough &&
           index[next].byte_offset - chunk.first_byte < static_cast<int64_t>(max_bytes)) {
        ++next;
    }
    // A chunk must end past the sample it was asked to cover.
    while (next < index.size() && index[next].granule <= from_sample)
        ++next;
    if (next < index.size()) {
        chunk.last_byte = index[next].byte_offset - 1;
        chunk.end_granule = index[next].granule;
    } else {
        chunk.last_byte = variant.size - 1;
        chunk.end_granule = duration_samples;
    }
    chunk.end_point = next;
    return chunk;
}

int64_t BytesCovering(const Variant& variant, int64_t from_sample, int64_t to_sample) {
    const auto& index = variant.seek_index;
    if (index.empty()) return 0;
    const int64_t first = index[SeekPointFor(variant, from_sample)].byte_offset;
    for (const SeekPoint& point : index) {
        if (point.granule >= to_sample) return std::max<int64_t>(point.byte_offset - first, 0);
    }
    return std::max<int64_t>(variant.size - first, 0);
}

}  // namespace tonearm::player
