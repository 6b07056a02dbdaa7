#include "player/channel_mix.h"

namespace tonearm::player {
namespace {

constexpr float kSide = 0.7071f;  // -3 dB

struct Weights {
    float left;
    float right;
};

// Left/right weight of channel c of an n-channel stream in Vorbis order.
Weights WeightOf(int n, int c) {
    static const Weights kThree[] = {{1, 0}, {kSide, kSide}, {0, 1}};
    static const Weights kFour[] = {{1, 0}, {0, 1}, {kSide, 0}, {0, kSide}};
    static const Weights kFive[] = {{1, 0}, {kSide, kSide}, {0, 1}, {kSide, 0}, {0, kSide}};
    static const Weights kSix[] = {{1, 0}, {kSide, kSide}, {0, 1}, {kSide, 0}, {0, kSide}, {0, 0}};
    static const Weights kSeven[] = {{1, 0},     {kSide, kSide}, {0, 1}, {kSide, 0},
                                     {0, kSide}, {0.5f, 0.5f},   {0, 0}};
    static const Weights kEight[] = {{1, 0},     {kSide, kSide}, {0, 1},     {kSide, 0},
                                     {0, kSide}, {kSide, 0},     {0, kSide}, {0, 0}};
    switch (n) {
        case 3: return kThree[c];
        case 4: return kFour[c];
        case 5: return kFive[c];
        case 6: return kSix[c];
        case 7: return kSeven[c];
        case 8: return kEight[c];
        default: return c % 2 == 0 ? Weights{1, 0} : Weights{0, 1};
    }
}

}  // namespace

void MixToStereo(const float* const* pcm, int channels, int frames, float* out) {
    if (channels == 1) {
        for (int i = 0; i < frames; ++i)
            out[2 * i] = out[2 * i + 1] = pcm[0][i];
        return;
    }
    if (channels == 2) {
        for (int i = 0; i < frames; ++i) {
            out[2 * i] = pcm[0][i];
            out[2 * i + 1] = pcm[1][i];
        }
        return;
    }

    float left_sum = 0.0f;
    float right_sum = 0.0f;
    for (int c = 0; c < channels; ++c) {
        left_sum += WeightOf(channels, c).left;
        right_sum += WeightOf(channels, c).right;
    }
    const float left_scale = left_sum > 0 ? 1.0f / left_sum : 0.0f;
    const float right_scale = right_sum > 0 ? 1.0f / right_sum : 0.0f;
    for (int i = 0; i < frames; ++i) {
        float left = 0.0f;
        float right = 0.0f;
        for (int c = 0; c < channels; ++c) {
            Weights w = WeightOf(channels, c);
            left += w.left * pcm[c][i];
            right += w.right * pcm[c][i];
        }
        out[2 * i] = left * left_scale;
        out[2 * i + 1] = right * right_scale;
    }
}

}  // namespace tonearm::player
