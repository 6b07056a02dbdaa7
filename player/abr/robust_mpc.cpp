// RobustMPC, model predictive control of Yin et al. (see algorithms.h).
#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>

#include "player/abr/algorithms.h"
#include "player/abr/throughput_estimator.h"

namespace tonearm::player::abr {
namespace {

class RobustMpc final : public AbrController {
public:
    explicit RobustMpc(const RobustMpcConfig& config)
        : config_(config), window_(static_cast<size_t>(config.history_samples)) {}

    std::string Name() const override { return "robust-mpc"; }

    int ChooseRung(const AbrContext& context) override {
        const int last = static_cast<int>(context.ladder_kbps.size()) - 1;
        const int previous = std::clamp(context.current, 0, last);
        if (window_.Empty()) return previous;

        // The harmonic mean, discounted by the worst recent relative error.
        const double predicted = window_.HarmonicMean();
        last_prediction_ = predicted;
        double max_error = 0.0;
        for (double e : errors_)
            max_error = std::max(max_error, e);
        const double robust_bps = predicted / (1.0 + max_error);

        // Like the reference implementation, look no further than the last chunk.
        std::vector<int> plan(LookaheadChunks(context, config_.horizon_chunks), 0);
        best_score_ = -std::numeric_limits<double>::infinity();
        best_first_ = 0;
        Search(context, robust_bps, previous, &plan, 0);
        return best_first_;
    }

    void OnChunkDownloaded(const ThroughputSample& sample) override {
        if (sample.bytes <= 0 || sample.seconds <= 0.0) return;
        const double measured = sample.bytes * 8.0 / sample.seconds;
        if (last_prediction_) {
            errors_.push_back(std::abs(*last_prediction_ - measured) / measured);
            while (errors_.size() > static_cast<size_t>(config_.history_samples)) {
                errors_.pop_front();
            }
        }
        window_.Add(measured);
    }

private:
    // Enumerates every rung sequence of the horizon depth-first; the ladder
    // has three rungs, so 3^5 = 243 plans per decision.
    void Search(const AbrContext& context, double bps, int previous, std::vector<int>* plan,
                size_t depth) {
        if (depth == plan->size()) {
            const double score = Score(context, bps, previous, *plan);
            if (score > best_score_) {
                best_score_ = score;
                best_first_ = (*plan)[0];
            }
            return;
        }
        for (int rung = 0; rung < static_cast<int>(context.ladder_kbps.size()); ++rung) {
            (*plan)[depth] = rung;
            Search(context, bps, previous, plan, depth + 1);
        }
    }

    // The linear QoE of the plan against the predicted throughput.
    double Score(const AbrContext& context, double bps, int previous,
                 const std::vector<int>& plan) const {
        double buffer = context.buffer_seconds;
        double utility = 0.0;
        double rebuffer = 0.0;
        double switches = 0.0;
        int last_rung = previous;
        for (size_t k = 0; k < plan.size(); ++k) {
            const int rung = plan[k];
            const double seconds = UpcomingSeconds(context, k);
            const double download = UpcomingBytes(context, k, rung) * 8.0 / bps;
            rebuffer += std::max(download - buffer, 0.0);
            buffer = std::max(buffer - download, 0.0) + seconds;
            utility += context.ladder_kbps[rung] * seconds;
            switches += std::abs(context.ladder_kbps[rung] - context.ladder_kbps[last_rung]);
            last_rung = rung;
        }
        return utility - config_.rebuffer_penalty_per_second * rebuffer -
               config_.switch_penalty_per_kbps * switches;
    }

    RobustMpcConfig config_;
    ThroughputWindow window_;
    std::deque<double> errors_;
    std::optional<double> last_prediction_;
    double best_score_ = 0.0;
    int best_first_ = 0;
};

}  // namespace

std::unique_ptr<AbrController> MakeRobustMpc(const RobustMpcConfig& config) {
    return std::make_unique<RobustMpc>(config);
}

}  // namespace tonearm::player::abr
