// Throughput rule after Shaka Player's SimpleAbrManager (see algorithms.h).
#include <limits>

#include "player/abr/algorithms.h"
#include "player/abr/throughput_estimator.h"

namespace tonearm::player::abr {
namespace {

class ThroughputRule final : public AbrController {
public:
    explicit ThroughputRule(const ThroughputRuleConfig& config)
        : config_(config),
          estimator_(config.fast_half_life_seconds, config.slow_half_life_seconds) {}

    std::string Name() const override { return "throughput"; }

    int ChooseRung(const AbrContext& context) override {
        const int last = static_cast<int>(context.ladder_kbps.size()) - 1;
        const int current = std::min(context.current, last);
        auto estimate = estimator_.Estimate();
        if (!estimate || total_bytes_ < config_.min_total_bytes) return std::max(current, 0);

        // Like Shaka, choose afresh at most once per switch interval.
        if (current >= 0 && last_choice_seconds_ &&
            context.now_seconds - *last_choice_seconds_ < config_.switch_interval_seconds) {
            return current;
        }
        last_choice_seconds_ = context.now_seconds;
        return PickForEstimate(context.ladder_kbps, *estimate);
    }

    void OnChunkDownloaded(const ThroughputSample& sample) override {
        if (sample.bytes <= 0 || sample.seconds <= 0.0) return;
        if (sample.bytes < config_.min_sample_bytes) return;
        total_bytes_ += sample.bytes;
        estimator_.Add(sample.seconds, sample.bytes * 8.0 / sample.seconds);
    }

private:
    // Shaka's loop: the last rung whose [own / downgrade, next / upgrade]
    // interval holds the estimate, or the lowest.
    int PickForEstimate(const std::vector<int>& ladder, double estimate_bps) const {
        int chosen = 0;
        for (size_t i = 0; i < ladder.size(); ++i) {
            const double min_bps = ladder[i] * 1000.0 / config_.downgrade_target;
            const double next_bps = i + 1 < ladder.size() ? ladder[i + 1] * 1000.0
                                                          : std::numeric_limits<double>::infinity();
            const double max_bps = next_bps / config_.upgrade_target;
            if (estimate_bps >= min_bps && estimate_bps <= max_bps) chosen = static_cast<int>(i);
        }
        return chosen;
    }

    ThroughputRuleConfig config_;
    DualEwmaThroughput estimator_;
    int64_t total_bytes_ = 0;
    std::optional<double> last_choice_seconds_;
};

}  // namespace

std::unique_ptr<AbrController> MakeThroughputRule(const ThroughputRuleConfig& config) {
    return std::make_unique<ThroughputRule>(config);
}

}  // namespace tonearm::player::abr
