// Tonearm's ABR controller: a long-horizon planner for a narrow audio ladder.
//
// Before each chunk it scores every plan of the form "rung a for j chunks,
// then rung b to the end of the horizon" (three rungs and ten chunks give
// 63 plans) by the QoE the listener would get if the link delivered a
// cautious share of its estimated rate: bitrate per second of audio, minus
// stalls, minus switches (weighed above the QoE's own weight, which gives
// hysteresis), minus a cost for ending the horizon below a reserve. It
// fetches the first chunk of the best plan and plans again after it.
// docs/abr.md explains the choices.
#include <algorithm>
#include <cmath>
#include <limits>

#include "player/abr/algorithms.h"
#include "player/abr/throughput_estimator.h"

namespace tonearm::player::abr {
namespace {

// The rate expected for a chunk starting `ahead` seconds from now: the recent
// (fast) rate for the next chunks, the long-run (slow) one further out.
struct RateForecast {
    double near_bps;
    double far_bps;
    double memory_seconds;
    double At(double ahead) const {
        const double w = std::exp(-ahead / memory_seconds);
        return w * near_bps + (1.0 - w) * far_bps;
    }
};

struct Plan {
    int first = 0;
    int second = 0;
    size_t switch_at = 0;  // index of the first chunk fetched in `second`
};

class TonearmAbr final : public AbrController {
public:
    explicit TonearmAbr(const TonearmConfig& config)
        : config_(config),
          rate_(config.fast_half_life_seconds, config.slow_half_life_seconds),
          latency_(config.latency_half_life_samples) {}

    std::string Name() const override { return "tonearm"; }

    int ChooseRung(const AbrContext& context) override {
        auto fast = rate_.Fast();
        auto slow = rate_.Slow();
        // With nothing measured yet, the lowest rung starts playback soonest.
        if (!fast || !slow) return 0;
        // A link that just fell is taken at its word: a rate averaged over
        // the last few seconds still carries the fast past (a 5 s transfer
        // at 120 kbit/s after 6 Mbit/s leaves the fast average near 1 Mbit/s).
        const double near = std::min(*fast, last_bps_);
        const RateForecast bps{config_.safety * near, config_.safety * std::min(*slow, *fast),
                               config_.forecast_memory_seconds};
        const double latency = latency_.Estimate().value_or(0.0);
        const size_t horizon = LookaheadChunks(context, config_.horizon_chunks);
        const int rungs = static_cast<int>(context.ladder_kbps.size());

        Plan best;
        double best_score = -std::numeric_limits<double>::infinity();
        for (int a = 0; a < rungs; ++a) {
            for (int b = 0; b < rungs; ++b) {
                for (size_t j = 1; j <= horizon; ++j) {
                    if (a == b && j != horizon) continue;  // the same plan again
                    const Plan plan{a, b, j};
                    const double score = Score(context, plan, horizon, bps, latency);

                    if (score > best_score) {
                        best_score = score;
                        best = plan;
                    }
                }
            }
        }
        return best.first;
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
        last_bps_ = sample.bytes * 8.0 / transfer;
        rate_.Add(transfer, last_bps_);
        latency_.Add(1.0, latency);
    }

private:
    // The projected QoE of plan over the horizon, in kbit/s x seconds.
    double Score(const AbrContext& context, const Plan& plan, size_t horizon,
                 const RateForecast& bps, double latency) const {
        const std::vector<int>& ladder = context.ladder_kbps;
        double buffer = context.buffer_seconds;
        double score = 0.0;
        int previous = context.current;
        double ahead = 0.0;
        for (size_t k = 0; k < horizon; ++k) {
            const int rung = k < plan.switch_at ? plan.first : plan.second;
            const double seconds = UpcomingSeconds(context, k);
            const double download = latency + UpcomingBytes(context, k, rung) * 8.0 / bps.At(ahead);
            ahead += seconds;
            score += ladder[rung] * seconds;
            score -= config_.rebuffer_penalty_per_second * std::max(download - buffer, 0.0);
            if (previous >= 0 && previous < static_cast<int>(ladder.size())) {
                score -=
                    config_.switch_penalty_per_kbps * std::abs(ladder[rung] - ladder[previous]);
            }
            buffer =
                std::min(std::max(buffer - download, 0.0) + seconds, context.max_buffer_seconds);
            previous = rung;
        }
        // A plan that runs to the end of the queue needs no reserve after it.
        const bool reaches_end =
            context.queue_ends_after_upcoming && horizon >= context.upcoming.size();
        if (!reaches_end) {
            score -= config_.reserve_penalty_per_second *
                     std::max(config_.reserve_seconds - buffer, 0.0);
        }
        return score;
    }

    TonearmConfig config_;
    DualEwmaThroughput rate_;
    double last_bps_ = 0.0;  // rate of the last download
    Ewma latency_;
};

}  // namespace

std::unique_ptr<AbrController> MakeTonearm(const TonearmConfig& config) {
    return std::make_unique<TonearmAbr>(config);
}

}  // namespace tonearm::player::abr
