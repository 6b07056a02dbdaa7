#include "player/abr/abr_controller.h"

#include <algorithm>
#include <charconv>

#include "player/abr/algorithms.h"

namespace tonearm::player::abr {

int64_t UpcomingBytes(const AbrContext& context, size_t k, int rung) {
    if (k < context.upcoming.size() &&
        static_cast<size_t>(rung) < context.upcoming[k].bytes.size()) {
        return context.upcoming[k].bytes[rung];
    }
    const double bits = context.ladder_kbps[rung] * 1000.0 * UpcomingSeconds(context, k);
    return static_cast<int64_t>(bits / 8.0);
}

double UpcomingSeconds(const AbrContext& context, size_t k) {
    if (k < context.upcoming.size() && context.upcoming[k].seconds > 0.0) {
        return context.upcoming[k].seconds;
    }
    return context.chunk_seconds;
}

size_t LookaheadChunks(const AbrContext& context, size_t horizon) {
    if (!context.queue_ends_after_upcoming) return horizon;
    return std::max<size_t>(1, std::min(horizon, context.upcoming.size()));
}

std::vector<std::string> AbrAlgorithmNames() {
    return {"tonearm", "throughput", "bba", "bola", "robust-mpc"};
}

Result<std::unique_ptr<AbrController>> MakeAbrController(const std::string& name) {
    if (name == "tonearm") return MakeTonearm();
    if (name == "throughput") return MakeThroughputRule();
    if (name == "bba") return MakeBba();
    if (name == "bola") return MakeBola();
    if (name == "robust-mpc") return MakeRobustMpc();
    if (name == "round-robin") return MakeRoundRobin();

    std::string known;
    for (const std::string& n : AbrAlgorithmNames())
        known += (known.empty() ? "" : ", ") + n;
    return MakeError(ErrorCode::kInvalidArgument,
                     "unknown ABR algorithm '" + name + "' (known: " + known + ")");
}

Result<QualitySetting> ParseQualitySetting(const std::string& text) {
    if (text == "auto") return QualitySetting{};
    int kbps = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), kbps);
    if (ec != std::errc() || end != text.data() + text.size() || kbps <= 0) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "quality must be 'auto' or a bitrate in kbit/s, got '" + text + "'");
    }
    return QualitySetting{kbps};
}

std::vector<int> AllowedLadder(const std::vector<int>& available_kbps, Tier tier,
                               const QualitySetting& quality) {
    if (available_kbps.empty()) return {};
    std::vector<int> sorted = available_kbps;
    std::sort(sorted.begin(), sorted.end());

    int cap = MaxKbpsForTier(tier);
    if (quality.fixed_kbps) cap = std::min(cap, *quality.fixed_kbps);
    std::vector<int> allowed;
    for (int kbps : sorted) {
        if (kbps <= cap) allowed.push_back(kbps);
    }
    if (allowed.empty()) return {sorted.front()};
    if (quality.fixed_kbps) return {allowed.back()};
    return allowed;
}

}  // namespace tonearm::player::abr
