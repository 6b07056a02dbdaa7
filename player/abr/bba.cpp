// BBA-0, the buffer-based algorithm of Huang et al. (see algorithms.h).
#include <algorithm>

#include "player/abr/algorithms.h"

namespace tonearm::player::abr {
namespace {

class Bba final : public AbrController {
public:
    explicit Bba(const BbaConfig& config) : config_(config) {}

    std::string Name() const override { return "bba"; }

    int ChooseRung(const AbrContext& context) override {
        const std::vector<int>& ladder = context.ladder_kbps;
        const int last = static_cast<int>(ladder.size()) - 1;
        const int previous = std::clamp(context.current, 0, last);
        const double reservoir = config_.reservoir_fraction * context.max_buffer_seconds;
        const double cushion = config_.cushion_fraction * context.max_buffer_seconds;
        const double buffer = context.buffer_seconds;

        if (buffer <= reservoir) return 0;
        if (buffer >= reservoir + cushion) return last;

        // The rate map runs linearly from the lowest to the highest rung
        // across the cushion.
        const double mapped =
            ladder[0] + (ladder[last] - ladder[0]) * (buffer - reservoir) / cushion;
        const int rate_plus = std::min(previous + 1, last);
        const int rate_minus = std::max(previous - 1, 0);
        if (mapped >= ladder[rate_plus]) {
            int chosen = 0;  // the highest rung below the map
            for (int i = 0; i <= last; ++i) {
                if (ladder[i] < mapped) chosen = i;
            }
            return chosen;
        }
        if (mapped <= ladder[rate_minus]) {
            for (int i = 0; i <= last; ++i) {  // the lowest rung above the map
                if (ladder[i] > mapped) return i;
            }
            return last;
        }
        return previous;
    }

    void OnChunkDownloaded(const ThroughputSample&) override {}

private:
    BbaConfig config_;
};

}  // namespace

std::unique_ptr<AbrController> MakeBba(const BbaConfig& config) {
    return std::make_unique<Bba>(config);
}

}  // namespace tonearm::player::abr
