#include "player/channel_mix.h"

#include <gtest/gtest.h>

#include <vector>

namespace tonearm::player {
namespace {

TEST(MixToStereo, DuplicatesMono) {
    std::vector<float> mono = {0.1f, -0.2f, 0.3f};
    const float* planes[] = {mono.data()};
    std::vector<float> out(6);
    MixToStereo(planes, 1, 3, out.data());
    EXPECT_EQ(out, (std::vector<float>{0.1f, 0.1f, -0.2f, -0.2f, 0.3f, 0.3f}));
}

TEST(MixToStereo, InterleavesStereoUnchanged) {
    std::vector<float> left = {0.5f, 0.25f};
    std::vector<float> right = {-0.5f, 1.0f};
    const float* planes[] = {left.data(), right.data()};
    std::vector<float> out(4);
    MixToStereo(planes, 2, 2, out.data());
    EXPECT_EQ(out, (std::vector<float>{0.5f, -0.5f, 0.25f, 1.0f}));
}

TEST(MixToStereo, FoldsFivePointOneWithoutClippingAndDropsLfe) {
    // Vorbis order: front left, centre, front right, rear left, rear right, LFE.
    std::vector<std::vector<float>> channels = {{1.0f}, {1.0f}, {1.0f}, {1.0f}, {1.0f}, {1.0f}};
    const float* planes[6];
    for (int c = 0; c < 6; ++c)
        planes[c] = channels[c].data();
    std::vector<float> out(2);
    MixToStereo(planes, 6, 1, out.data());
    EXPECT_NEAR(out[0], 1.0f, 1e-6);  // full scale everywhere stays at full scale
    EXPECT_NEAR(out[1], 1.0f, 1e-6);

    channels = {{0.0f}, {0.0f}, {0.0f}, {0.0f}, {0.0f}, {1.0f}};
    for (int c = 0; c < 6; ++c)
        planes[c] = channels[c].data();
    MixToStereo(planes, 6, 1, out.data());
    EXPECT_EQ(out[0], 0.0f);
    EXPECT_EQ(out[1], 0.0f);
}

TEST(MixToStereo, KeepsLeftAndRightApartInFourChannels) {
    std::vector<std::vector<float>> channels = {{1.0f}, {0.0f}, {0.0f}, {0.0f}};
    const float* planes[4];
    for (int c = 0; c < 4; ++c)
        planes[c] = channels[c].data();
    std::vector<float> out(2);
    MixToStereo(planes, 4, 1, out.data());
    EXPECT_GT(out[0], 0.5f);
    EXPECT_EQ(out[1], 0.0f);
}

}  // namespace
}  // namespace tonearm::player
