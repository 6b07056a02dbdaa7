// BOLA-BASIC, the Lyapunov buffer rule of Spiteri et al. (see algorithms.h).
#include <algorithm>
#include <cmath>
#include <limits>

#include "player/abr/algorithms.h"

namespace tonearm::player::abr {
namespace {

class Bola final : public AbrController {
public:
    explicit Bola(const BolaConfig& config) : config_(config) {}

    std::string Name() const override { return "bola"; }

    int ChooseRung(const AbrContext& context) override {
        const std::vector<int>& ladder = context.ladder_kbps;
        if (ladder.size() == 1) return 0;

        // Utilities are ln(bitrate / lowest) + 1, so the lowest rung has 1.
        std::vector<double> utility;
        for (int kbps : ladder)
            utility.push_back(std::log(double(kbps) / ladder[0]) + 1.0);

        // V and gamma_p: the lowest rung wins up to the minimum buffer and the
        // highest from the buffer target (the maximum less one chunk) on.
        const double minimum = config_.minimum_buffer_seconds;
        const double target =
            std::max(context.max_buffer_seconds - context.chunk_seconds, minimum + 2.0);
        const double gamma_p = (utility.back() - 1.0) / (target / minimum - 1.0);
        const double v = minimum / gamma_p;

        int best = 0;
        double best_score = -std::numeric_limits<double>::infinity();
        for (size_t m = 0; m < ladder.size(); ++m) {
            const double score = (v * (utility[m] + gamma_p) - context.buffer_seconds) /
                                 static_cast<double>(ladder[m]);
            if (score > best_score) {
                best_score = score;
                best = static_cast<int>(m);
            }
        }
        return best;
    }

    void OnChunkDownloaded(const ThroughputSample&) override {}

private:
    BolaConfig config_;
};

}  // namespace

std::unique_ptr<AbrController> MakeBola(const BolaConfig& config) {
    return std::make_unique<Bola>(config);
}

}  // namespace tonearm::player::abr
