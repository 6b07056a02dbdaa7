#include "player/abr/content_plan.h"

#include <algorithm>
#include <cmath>

namespace tonearm::player::abr {
namespace {

// The byte offset at which the audio of `granule` starts in variant, read
// from its seek index with linear interpolation between seek points; the end
// of the track maps to the end of the file.
double OffsetAtGranule(const Variant& variant, int64_t duration_samples, int64_t granule) {
    const std::vector<SeekPoint>& index = variant.seek_index;
    if (granule <= index.front().granule) return static_cast<double>(index.front().byte_offset);
    for (size_t i = 0; i < index.size(); ++i) {
        const bool last = i + 1 == index.size();
        const int64_t g0 = index[i].granule;
        const int64_t g1 = last ? duration_samples : index[i + 1].granule;
        const double o0 = static_cast<double>(index[i].byte_offset);
        const double o1 = static_cast<double>(last ? variant.size : index[i + 1].byte_offset);
        if (granule <= g1 || last) {
            if (g1 <= g0) return o1;
            const double f = std::clamp(double(granule - g0) / double(g1 - g0), 0.0, 1.0);
            return o0 + f * (o1 - o0);
        }
    }
    return static_cast<double>(variant.size);
}

// A deterministic generator with the same output on every platform, unlike
// the standard library's distributions.
class SplitMix64 {
public:
    explicit SplitMix64(uint64_t seed) : state_(seed) {}

    uint64_t Next() {
        uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // Uniform in (0, 1).
    double Uniform() { return (static_cast<double>(Next() >> 11) + 0.5) / 9007199254740992.0; }
    // Standard normal (Box-Muller).
    double Normal() {
        const double u = Uniform();
        const double v = Uniform();
        return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
    }

private:
    uint64_t state_;
};

}  // namespace

double PlannedTrack::DurationSeconds() const {
    double total = 0.0;
    for (const PlannedChunk& c : chunks)
        total += c.seconds;
    return total;
}

Result<PlannedTrack> PlanFromManifest(const Manifest& manifest) {
    if (manifest.variants.empty() || manifest.sample_rate <= 0) {
        return MakeError(ErrorCode::kInvalidArgument, "manifest has no variants");
    }
    for (const Variant& v : manifest.variants) {
        if (v.seek_index.empty()) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "variant " + std::to_string(v.kbps) + " has no seek index");
        }
    }
    PlannedTrack track;
    track.name = manifest.track_id;
    for (const Variant& v : manifest.variants) {
        track.kbps.push_back(v.kbps);
        track.header_bytes.push_back(v.header_bytes);
    }

    // Chunk boundaries: the lowest variant's seek points, then the end.
    std::vector<int64_t> bounds;
    for (const SeekPoint& p : manifest.variants.front().seek_index)
        bounds.push_back(p.granule);
    bounds.push_back(manifest.duration_samples);
    for (size_t i = 0; i + 1 < bounds.size(); ++i) {
        if (bounds[i + 1] <= bounds[i]) continue;
        PlannedChunk chunk;
        chunk.seconds = double(bounds[i + 1] - bounds[i]) / manifest.sample_rate;
        for (const Variant& v : manifest.variants) {
            const double from = OffsetAtGranule(v, manifest.duration_samples, bounds[i]);
            const double to = OffsetAtGranule(v, manifest.duration_samples, bounds[i + 1]);
            chunk.bytes.push_back(std::llround(to) - std::llround(from));
        }
        track.chunks.push_back(std::move(chunk));
    }
    return track;
}

PlannedTrack SyntheticTrack(const SyntheticModel& model, double seconds, uint64_t seed,
                            const std::string& name) {
    SplitMix64 random(seed);
    PlannedTrack track;
    track.name = name;
    track.kbps = model.kbps;
    track.header_bytes = model.header_bytes;

    const double level = 1.0 + model.track_level_spread * (2.0 * random.Uniform() - 1.0);
    const double innovation =
        model.log_sigma * std::sqrt(1.0 - model.correlation * model.correlation);
    double log_factor = model.log_sigma * random.Normal();
    for (double t = 0.0; t < seconds - 1e-9; t += model.chunk_seconds) {
        PlannedChunk chunk;
        chunk.seconds = std::min(model.chunk_seconds, seconds - t);
        // exp(x - sigma^2 / 2) keeps the factor's mean at 1.
        const double shared = std::exp(log_factor - 0.5 * model.log_sigma * model.log_sigma);
        for (int kbps : model.kbps) {
            const double jitter = std::exp(model.variant_jitter * random.Normal());
            const double bytes = kbps * 1000.0 / 8.0 * chunk.seconds * level * shared * jitter;
            chunk.bytes.push_back(std::max<int64_t>(1, std::llround(bytes)));
        }
        track.chunks.push_back(std::move(chunk));
        log_factor = model.correlation * log_factor + innovation * random.Normal();
    }
    return track;
}

}  // namespace tonearm::player::abr
