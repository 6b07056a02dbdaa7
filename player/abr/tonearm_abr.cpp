// Tonearm's ABR controller: buffer projection with asymmetric horizons.
//
// Every decision projects the buffer chunk by chunk for a candidate rung,
// using the real sizes of the next chunks and a cautious rate estimate. The
// current rung is kept while it stays safe over a short horizon; a higher rung
// is taken only when it stays safe over a long one, or when the buffer is
// nearly full and the download would otherwise sit idle. Short down, long up:
// that gap is the hysteresis that keeps the ladder from oscillating.
// docs/abr.md explains the reasoning and the parameters.
#include <algorithm>
#include <cmath>

#include "player/abr/algorithms.h"
#include "player/abr/throughput_estimator.h"

namespace tonearm::player::abr {
namespace {

class TonearmAbr final : public AbrController {
public:
    explicit TonearmAbr(const TonearmConfig& config)
        : config_(config),
          rate_(config.fast_half_life_seconds, config.slow_half_life_seconds),
          latency_(config.latency_half_life_samples) {}

    std::string Name() const override { return "tonearm"; }

    int ChooseRung(const AbrContext& context) override {
        const int last = static_cast<int>(context.ladder_kbps.size()) - 1;
        auto estimate = rate_.Estimate();
        // With nothing measured yet, the lowest rung starts playback soonest.
        if (!estimate) return 0;
        const int current = std::clamp(context.current, 0, last);
        const Projection projection{config_.safety * *estimate, latency_.Estimate().value_or(0.0)};

        for (int rung = last; rung > current; --rung) {
            if (MayClimb(context, projection, rung)) return rung;
        }
        for (int rung = current; rung > 0; --rung) {
            if (StaysSafe(context, projection, rung, config_.hold_horizon_chunks)) return rung;
        }
        return 0;
    }

    void OnChunkDownloaded(const ThroughputSample& sample) override {
        if (sample.bytes <= 0 || sample.seconds <= 0.0) return;
        // The time to the first byte is paid per request whatever the size,
        // so it is kept apart from the transfer rate.
        double latency = std::clamp(sample.first_byte_seconds, 0.0, sample.seconds);
        double transfer = sample.seconds - latency;
        if (transfer < 0.1 * sample.seconds) {
            latency = 0.0;
            transfer = sample.seconds;
        }
        rate_.Add(transfer, sample.bytes * 8.0 / transfer);
        latency_.Add(1.0, latency);
    }

private:
    struct Projection {
        double bits_per_second;
        double latency_seconds;
    };

    bool MayClimb(const AbrContext& context, const Projection& projection, int rung) const {
        const double chunk = UpcomingSeconds(context, 0);
        const int long_chunks = static_cast<int>(std::ceil(config_.climb_horizon_seconds / chunk));
        if (StaysSafe(context, projection, rung, long_chunks)) return true;
        // A nearly full buffer would make the fetcher wait: spend it instead.
        const bool nearly_full =
            context.buffer_seconds >= context.max_buffer_seconds - config_.full_margin_chunks * chunk;
        return nearly_full && StaysSafe(context, projection, rung, config_.climb_min_chunks);
    }

    // True when fetching `chunks` chunks in rung neither empties the buffer
    // before a chunk lands nor leaves it below min(now, reservoir) after one.
    bool StaysSafe(const AbrContext& context, const Projection& projection, int rung,
                   int chunks) const {
        const double floor = std::min(context.buffer_seconds, config_.reservoir_seconds);
        double buffer = context.buffer_seconds;
        for (int k = 0; k < chunks; ++k) {
            const double download = projection.latency_seconds +
                                    UpcomingBytes(context, k, rung) * 8.0 /
                                        projection.bits_per_second;
            if (buffer - download <= 0.0) return false;
            buffer = std::min(buffer - download + UpcomingSeconds(context, k),
                              context.max_buffer_seconds);
            if (buffer < floor) return false;
        }
        return true;
    }

    TonearmConfig config_;
    DualEwmaThroughput rate_;
    Ewma latency_;
};

}  // namespace

std::unique_ptr<AbrController> MakeTonearm(const TonearmConfig& config) {
    return std::make_unique<TonearmAbr>(config);
}

}  // namespace tonearm::player::abr
