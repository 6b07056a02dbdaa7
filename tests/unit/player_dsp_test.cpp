// Loudness gain, lookahead limiter and resampler of the render path, on generated signals.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "player/limiter.h"
#include "player/loudness.h"
#include "player/resampler.h"

namespace tonearm::player {
namespace {

// Interleaved stereo sine; the right channel is the left one inverted.
std::vector<float> StereoSine(size_t frames, int rate, double hz, double amplitude) {
    std::vector<float> out(frames * 2);
    for (size_t i = 0; i < frames; ++i) {
        const double v = amplitude * std::sin(2.0 * std::numbers::pi * hz * i / rate);
        out[2 * i] = static_cast<float>(v);
        out[2 * i + 1] = static_cast<float>(-v);
    }
    return out;
}

double Db(double linear) { return 20.0 * std::log10(linear); }

TEST(NormalisationGain, RaisesQuietTrackToTarget) {
    EXPECT_DOUBLE_EQ(NormalisationGainDb(-26.0, {}), 12.0);
    EXPECT_DOUBLE_EQ(NormalisationGainDb(-9.5, {}), -4.5);
}

TEST(NormalisationGain, ClampsAtMaximumAndMinimum) {
    EXPECT_DOUBLE_EQ(NormalisationGainDb(-40.0, {}), 12.0);
    EXPECT_DOUBLE_EQ(NormalisationGainDb(20.0, {}), -30.0);
    NormalisationSettings wide{.target_lufs = -18.0, .max_gain_db = 20.0, .min_gain_db = -5.0};
    EXPECT_DOUBLE_EQ(NormalisationGainDb(-40.0, wide), 20.0);
    EXPECT_DOUBLE_EQ(NormalisationGainDb(-35.0, wide), 17.0);
    EXPECT_DOUBLE_EQ(NormalisationGainDb(-6.0, wide), -5.0);
}

TEST(NormalisationGain, DisabledGivesZero) {
    NormalisationSettings off{.enabled = false};
    EXPECT_EQ(NormalisationGainDb(-26.0, off), 0.0);
    EXPECT_EQ(NormalisationGainDb(-3.0, off), 0.0);
}

TEST(NormalisationGain, SilenceOrMissingMeasurementGivesZero) {
    EXPECT_EQ(NormalisationGainDb(-std::numeric_limits<double>::infinity(), {}), 0.0);
    EXPECT_EQ(NormalisationGainDb(-70.0, {}), 0.0);
    EXPECT_EQ(NormalisationGainDb(-95.0, {}), 0.0);
    EXPECT_EQ(NormalisationGainDb(std::numeric_limits<double>::quiet_NaN(), {}), 0.0);
    EXPECT_DOUBLE_EQ(NormalisationGainDb(-69.0, {}), 12.0);  // just above the gate: clamped
}

TEST(DbToLinear, ConvertsAmplitudeDecibels) {
    EXPECT_EQ(DbToLinear(0.0), 1.0f);
    EXPECT_NEAR(DbToLinear(-6.0206), 0.5f, 1e-5);
    EXPECT_NEAR(DbToLinear(12.0), 3.98107f, 1e-4);
    EXPECT_EQ(DbToLinear(-std::numeric_limits<double>::infinity()), 0.0f);
}

constexpr int kRate = 48000;

// Process in one call, then Flush: input preceded by latency_frames() frames.
std::vector<float> LimitAll(Limiter& limiter, const std::vector<float>& in) {
    std::vector<float> out(in.size() + 2 * static_cast<size_t>(limiter.latency_frames()));
    limiter.Process(in.data(), out.data(), in.size() / 2);
    limiter.Flush(out.data() + in.size());
    return out;
}

TEST(Limiter, LoudSineNeverExceedsThreshold) {
    Limiter limiter(kRate);
    const std::vector<float> in = StereoSine(2 * kRate, kRate, 1000.0, DbToLinear(12.0));
    const std::vector<float> out = LimitAll(limiter, in);

    const float ceiling = DbToLinear(-1.0);
    EXPECT_FLOAT_EQ(limiter.threshold(), ceiling);
    float peak = 0.0f;
    for (size_t i = 0; i < out.size(); ++i) {
        ASSERT_LE(std::fabs(out[i]), ceiling) << "sample " << i;
        if (i > out.size() / 2) peak = std::max(peak, std::fabs(out[i]));
    }
    EXPECT_GT(Db(peak), -1.1);  // held at the threshold, not far below it
    EXPECT_EQ(limiter.samples_clamped(), 0);
    EXPECT_GT(limiter.frames_limited(), 2 * kRate - 2 * limiter.latency_frames());
}

TEST(Limiter, QuietSinePassesBitExactlyDelayed) {
    Limiter limiter(kRate);
    EXPECT_EQ(limiter.latency_frames(), 240);  // 5 ms at 48 kHz
    const std::vector<float> in = StereoSine(kRate, kRate, 1000.0, DbToLinear(-20.0));
    const std::vector<float> out = LimitAll(limiter, in);

    const size_t delay = 2 * static_cast<size_t>(limiter.latency_frames());
    for (size_t i = 0; i < delay; ++i)
        ASSERT_EQ(out[i], 0.0f) << "sample " << i;
    for (size_t i = 0; i < in.size(); ++i)
        ASSERT_EQ(out[i + delay], in[i]) << "sample " << i;
    EXPECT_EQ(limiter.frames_limited(), 0);
    EXPECT_EQ(limiter.current_gain(), 1.0f);
}

TEST(Limiter, BlockSizesDoNotChangeOutput) {
    std::vector<float> in = StereoSine(kRate / 2, kRate, 440.0, DbToLinear(-12.0));
    for (size_t i = 4000; i < 9000; ++i)  // a loud burst, then a click
        in[i] *= 8.0f;
    in[2 * 15000] = 3.0f;

    Limiter whole(kRate);
    const std::vector<float> expected = LimitAll(whole, in);

    Limiter pieces(kRate);
    std::vector<float> out(expected.size());
    const size_t sizes[] = {1, 7, 1000};
    size_t frame = 0;
    for (size_t k = 0; frame < in.size() / 2; ++k) {
        const size_t n = std::min(sizes[k % 3], in.size() / 2 - frame);
        pieces.Process(in.data() + 2 * frame, out.data() + 2 * frame, n);
        frame += n;
    }
    pieces.Flush(out.data() + in.size());
    EXPECT_EQ(out, expected);
    EXPECT_GT(pieces.frames_limited(), 0);
    EXPECT_EQ(pieces.frames_limited(), whole.frames_limited());
}

TEST(Limiter, FlushReturnsHeldTailAndResetsToSilence) {
    Limiter limiter(44100, -1.0, 5.0);
    const int latency = limiter.latency_frames();
    EXPECT_EQ(latency, 221);  // 220.5 frames rounded
    const std::vector<float> in = StereoSine(1000, 44100, 1000.0, 0.25);
    std::vector<float> out(in.size());
    limiter.Process(in.data(), out.data(), 1000);

    std::vector<float> tail(2 * static_cast<size_t>(latency));
    limiter.Flush(tail.data());
    out.insert(out.end(), tail.begin(), tail.end());
    ASSERT_EQ(out.size() / 2 - static_cast<size_t>(latency), in.size() / 2);
    EXPECT_EQ(std::vector<float>(out.begin() + 2 * latency, out.end()), in);

    std::vector<float> after(2 * static_cast<size_t>(latency), 1.0f);
    limiter.Process(in.data(), after.data(), static_cast<size_t>(latency));
    EXPECT_EQ(after, std::vector<float>(after.size(), 0.0f));  // the delay line is silent again
}

TEST(Limiter, GainRecoversAfterLoudBurst) {
    Limiter limiter(kRate, -1.0, 5.0, 80.0);
    const size_t latency = static_cast<size_t>(limiter.latency_frames());
    const std::vector<float> burst = StereoSine(kRate / 10, kRate, 1000.0, DbToLinear(12.0));
    const std::vector<float> quiet = StereoSine(3 * kRate / 2, kRate, 1000.0, DbToLinear(-20.0));
    std::vector<float> out(quiet.size());
    limiter.Process(burst.data(), out.data(), burst.size() / 2);

    // Let the burst leave the delay line: the gain is where the burst needed it.
    limiter.Process(quiet.data(), out.data(), latency);
    const float floor = limiter.current_gain();
    EXPECT_NEAR(floor, DbToLinear(-1.0) / DbToLinear(12.0), 0.01);

    // One release time constant later the gain has come back about 63 % of the way.
    const size_t tau = kRate * 80 / 1000;
    limiter.Process(quiet.data() + 2 * latency, out.data(), tau);
    const double recovered = (limiter.current_gain() - floor) / (1.0 - floor);
    EXPECT_NEAR(recovered, 1.0 - std::exp(-1.0), 0.03);

    // Well after that it is exactly 1 and the output is the delayed input again.
    const size_t done = latency + tau;
    limiter.Process(quiet.data() + 2 * done, out.data(), quiet.size() / 2 - done);
    EXPECT_EQ(limiter.current_gain(), 1.0f);
    const size_t last = quiet.size() - 2 * done;
    for (size_t i = last - 2000; i < last; ++i)
        ASSERT_EQ(out[i], quiet[2 * done + i - 2 * latency]) << "sample " << i;
}

TEST(Limiter, NonFiniteInputBecomesSilence) {
    Limiter limiter(kRate);
    std::vector<float> in(2 * 600, 0.5f);
    in[2 * 10] = std::numeric_limits<float>::quiet_NaN();
    in[2 * 20 + 1] = std::numeric_limits<float>::infinity();
    std::vector<float> out(in.size());
    limiter.Process(in.data(), out.data(), 600);
    const size_t delay = 2 * static_cast<size_t>(limiter.latency_frames());
    EXPECT_EQ(out[delay + 20], 0.0f);
    EXPECT_EQ(out[delay + 21], 0.0f);
    EXPECT_EQ(out[delay + 40], 0.0f);
    EXPECT_EQ(out[delay + 41], 0.0f);
    EXPECT_EQ(out[delay + 42], 0.5f);
    EXPECT_EQ(limiter.frames_limited(), 0);
}

// Feeds in to the resampler in blocks cycling through sizes, then flushes; checks that
// every call stays within MaxOutputFrames.
std::vector<float> ResampleAll(Resampler& resampler, const std::vector<float>& in,
                               const std::vector<size_t>& sizes) {
    std::vector<float> out;
    std::vector<float> block;
    const size_t frames = in.size() / 2;
    for (size_t at = 0, k = 0; at < frames; ++k) {
        const size_t n = std::min(sizes[k % sizes.size()], frames - at);
        const size_t room = resampler.MaxOutputFrames(n);
        block.assign(2 * room, 0.0f);
        const size_t written = resampler.Process(in.data() + 2 * at, n, block.data(), room);
        EXPECT_LE(written, room);
        out.insert(out.end(), block.begin(), block.begin() + 2 * written);
        at += n;
    }
    for (;;) {
        block.assign(2 * 256, 0.0f);
        const size_t written = resampler.Flush(block.data(), 256);
        if (written == 0) break;
        out.insert(out.end(), block.begin(), block.begin() + 2 * written);
    }
    EXPECT_TRUE(resampler.status().ok()) << resampler.status().error().message;
    return out;
}

void ExpectFaithfulSine(int in_rate, int out_rate) {
    SCOPED_TRACE(std::to_string(in_rate) + " -> " + std::to_string(out_rate));
    const double hz = 1000.0;
    const double amplitude = 0.5;
    const size_t in_frames = 2 * static_cast<size_t>(in_rate);
    auto resampler = Resampler::Create(in_rate, out_rate);
    ASSERT_TRUE(resampler.ok()) << resampler.error().message;
    const std::vector<float> out =
        ResampleAll(**resampler, StereoSine(in_frames, in_rate, hz, amplitude), {4096});

    const double expected = std::round(in_frames * double(out_rate) / in_rate);
    EXPECT_NEAR(out.size() / 2.0, expected, 1.0);

    // The middle second: away from the filter's start and end transients.
    const size_t begin = out.size() / 4;
    const size_t end = 3 * out.size() / 4;
    size_t crossings = 0;
    double energy = 0.0;
    double misalignment = 0.0;
    for (size_t i = begin; i < end; i += 2) {
        if ((out[i] < 0.0f) != (out[i + 2] < 0.0f)) ++crossings;
        energy += double(out[i]) * out[i];
        const double ideal = amplitude * std::sin(2.0 * std::numbers::pi * hz * (i / 2) / out_rate);
        misalignment = std::max(misalignment, std::fabs(out[i] - ideal));
        ASSERT_EQ(out[i + 1], -out[i]);  // channels stay apart and in step
    }
    const double seconds = (end - begin) / 2.0 / out_rate;
    EXPECT_NEAR(crossings / 2.0 / seconds, hz, hz * 0.005);
    const double rms = std::sqrt(energy / ((end - begin) / 2.0));
    EXPECT_NEAR(Db(rms * std::numbers::sqrt2), Db(amplitude), 0.1);
    EXPECT_LT(misalignment, 1e-5);  // no leftover filter delay: frame k is time k / out_rate
}

TEST(Resampler, ConvertsSineUpKeepingLengthFrequencyAndLevel) { ExpectFaithfulSine(44100, 48000); }

TEST(Resampler, ConvertsSineDownKeepingLengthFrequencyAndLevel) {
    ExpectFaithfulSine(48000, 44100);
}

TEST(Resampler, OutputDoesNotDependOnBlockSize) {
    const std::vector<float> in = StereoSine(44100, 44100, 1234.5, 0.7);
    auto whole = Resampler::Create(44100, 48000);
    auto pieces = Resampler::Create(44100, 48000);
    ASSERT_TRUE(whole.ok() && pieces.ok());
    const std::vector<float> expected = ResampleAll(**whole, in, {in.size()});
    const std::vector<float> out = ResampleAll(**pieces, in, {1, 7, 1000, 333, 4096});
    ASSERT_EQ(out.size(), expected.size());
    for (size_t i = 0; i < out.size(); ++i)
        ASSERT_NEAR(out[i], expected[i], 1e-5) << "sample " << i;
}

TEST(Resampler, ResetStartsAFreshStream) {
    const std::vector<float> in = StereoSine(10000, 48000, 700.0, 0.3);
    auto resampler = Resampler::Create(48000, 44100);
    ASSERT_TRUE(resampler.ok());
    const std::vector<float> first = ResampleAll(**resampler, in, {512});
    ASSERT_TRUE((*resampler)->Reset().ok());
    EXPECT_EQ((*resampler)->frames_in(), 0);
    EXPECT_EQ(ResampleAll(**resampler, in, {512}), first);
}

TEST(Resampler, EqualRatesCopyThrough) {
    auto resampler = Resampler::Create(44100, 44100);
    ASSERT_TRUE(resampler.ok());
    EXPECT_TRUE((*resampler)->pass_through());
    const std::vector<float> in = StereoSine(5000, 44100, 1000.0, 0.9);
    EXPECT_EQ(ResampleAll(**resampler, in, {1, 7, 1000}), in);
}

TEST(Resampler, RejectsBadRatesAndChannelCounts) {
    for (auto [in_rate, out_rate] :
         {std::pair{0, 48000}, {44100, 0}, {-44100, 48000}, {44100, 1000000}}) {
        auto resampler = Resampler::Create(in_rate, out_rate);
        ASSERT_FALSE(resampler.ok()) << in_rate << " -> " << out_rate;
        EXPECT_EQ(resampler.error().code, ErrorCode::kInvalidArgument);
    }
    auto no_channels = Resampler::Create(44100, 48000, 0);
    ASSERT_FALSE(no_channels.ok());
    EXPECT_EQ(no_channels.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace tonearm::player
