#include "server-mock/loudness.h"

#include <ebur128.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

namespace tonearm::server {
namespace {

// Vorbis I channel order (specification section 4.3.9) mapped to R128 channels.
std::vector<int> ChannelMap(int channels) {
    using C = int;
    const C L = EBUR128_LEFT, R = EBUR128_RIGHT, M = EBUR128_CENTER;
    const C LS = EBUR128_LEFT_SURROUND, RS = EBUR128_RIGHT_SURROUND, X = EBUR128_UNUSED;
    switch (channels) {
        case 1: return {EBUR128_DUAL_MONO};
        case 2: return {L, R};
        case 3: return {L, M, R};
        case 4: return {L, R, LS, RS};
        case 5: return {L, M, R, LS, RS};
        case 6: return {L, M, R, LS, RS, X};          // LFE is not measured
        case 7: return {L, M, R, LS, RS, M, X};       // rear centre weighted as a front
        case 8: return {L, M, R, LS, RS, LS, RS, X};  // side and rear pairs as surrounds
        default: break;
    }
    std::vector<int> map(static_cast<size_t>(channels), EBUR128_LEFT);  // no defined layout
    return map;
}

struct StateDeleter {
    void operator()(ebur128_state* state) const { ebur128_destroy(&state); }
};

}  // namespace

Result<Loudness> MeasureLoudness(const PcmAudio& pcm) {
    std::unique_ptr<ebur128_state, StateDeleter> state(ebur128_init(
        static_cast<unsigned>(pcm.channels), static_cast<unsigned long>(pcm.sample_rate),
        EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK));
    if (!state) return MakeError(ErrorCode::kInternal, "libebur128 cannot measure this layout");
    std::vector<int> map = ChannelMap(pcm.channels);
    for (size_t c = 0; c < map.size(); ++c) {
        ebur128_set_channel(state.get(), static_cast<unsigned>(c), map[c]);
    }
    if (ebur128_add_frames_float(state.get(), pcm.samples.data(),
                                 static_cast<size_t>(pcm.frames())) != EBUR128_SUCCESS) {
        return MakeError(ErrorCode::kInternal, "libebur128 failed to add frames");
    }

    Loudness loudness;
    double lufs = -HUGE_VAL;
    if (ebur128_loudness_global(state.get(), &lufs) != EBUR128_SUCCESS) lufs = -HUGE_VAL;
    loudness.integrated_lufs = std::isfinite(lufs) ? std::max(lufs, kSilenceLufs) : kSilenceLufs;

    double peak = 0.0;
    for (unsigned c = 0; c < static_cast<unsigned>(pcm.channels); ++c) {
        double channel_peak = 0.0;
        if (ebur128_true_peak(state.get(), c, &channel_peak) == EBUR128_SUCCESS) {
            peak = std::max(peak, channel_peak);
        }
    }
    double dbfs = peak > 0.0 ? 20.0 * std::log10(peak) : kSilencePeakDbfs;
    loudness.true_peak_dbfs = std::max(dbfs, kSilencePeakDbfs);
    return loudness;
}

}  // namespace tonearm::server
