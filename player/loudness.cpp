#include "player/loudness.h"

#include <algorithm>
#include <cmath>

namespace tonearm::player {

double NormalisationGainDb(double integrated_lufs, const NormalisationSettings& settings) {
    if (!settings.enabled) return 0.0;
    if (!std::isfinite(integrated_lufs) || integrated_lufs <= kSilenceLufs) return 0.0;

    // min then max, not std::clamp: a misconfigured range must not be undefined behaviour.
    const double gain = settings.target_lufs - integrated_lufs;
    return std::min(std::max(gain, settings.min_gain_db), settings.max_gain_db);
}

float DbToLinear(double db) { return static_cast<float>(std::pow(10.0, db / 20.0)); }

}  // namespace tonearm::player
