// round-robin: a QA aid, not a bitrate policy. Every chunk comes from the
// next rung up, wrapping to the lowest, so every chunk boundary of a track is
// a switch. Tests use it to check that splices add, drop or repeat no sample.
#include "player/abr/algorithms.h"

namespace tonearm::player::abr {
namespace {

class RoundRobin final : public AbrController {
public:
    std::string Name() const override { return "round-robin"; }

    int ChooseRung(const AbrContext& context) override {
        const int rungs = static_cast<int>(context.ladder_kbps.size());
        if (context.current < 0) return 0;
        return (context.current + 1) % rungs;
    }

    void OnChunkDownloaded(const ThroughputSample&) override {}
};

}  // namespace

std::unique_ptr<AbrController> MakeRoundRobin() { return std::make_unique<RoundRobin>(); }

}  // namespace tonearm::player::abr
