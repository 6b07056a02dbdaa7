// The real PortAudio path into ALSA's file plugin (tests/support/alsa_file_sink.h).
#include "player/audio_output.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

#include "tests/support/alsa_file_sink.h"
#include "tests/support/temp_dir.h"

namespace tonearm::player {
namespace {

using Clock = std::chrono::steady_clock;

class AudioOutputTest : public ::testing::Test {
protected:
    void SetUp() override {
        capture_ = home_.Join("capture.raw");
        ASSERT_TRUE(testing::InstallAlsaFileSink(home_.path(), capture_).ok());
        setenv("HOME", home_.path().c_str(), 1);
    }

    // Waits at most timeout for frames_consumed to reach frames.
    static bool WaitConsumed(const AudioOutput& output, int64_t frames,
                             std::chrono::seconds timeout) {
        auto deadline = Clock::now() + timeout;
        while (output.frames_consumed() < frames) {
            if (Clock::now() > deadline) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        return true;
    }

    testing::TempDir home_;
    std::string capture_;
};

// A ramp of values that S16 represents exactly, so the capture must match bit for bit.
std::vector<float> ExactStereoRamp(int frames) {
    std::vector<float> samples(2 * static_cast<size_t>(frames));
    for (int i = 0; i < frames; ++i) {
        samples[2 * i] = static_cast<float>((i % 20000) - 10000) / 32768.0f;
        samples[2 * i + 1] = static_cast<float>(5000 - (i % 9000)) / 32768.0f;
    }
    return samples;
}

TEST_F(AudioOutputTest, PlaysTheRingIntoTheDefaultDeviceSampleForSample) {
    constexpr int kFrames = 44100;
    SpscRingBuffer<float> ring(2 * 65536);
    std::vector<float> ramp = ExactStereoRamp(kFrames);
    ASSERT_EQ(ring.Write(ramp.data(), ramp.size()), ramp.size());

    int64_t underruns = -1;
    testing::RunWithAudioNoiseFiltered([&] {
        AudioOutput output;
        ASSERT_TRUE(output.available().ok()) << output.available().error().message;
        Status opened = output.Open(44100);
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        output.SetRing(&ring);
        output.SetDraining(true);
        output.ArmFirstAudio();
        auto started = Clock::now();
        ASSERT_TRUE(output.Start().ok());
        ASSERT_TRUE(WaitConsumed(output, kFrames, std::chrono::seconds(10)));
        ASSERT_TRUE(output.Stop().ok());
        EXPECT_GE(output.first_audio_ns(),
                  std::chrono::duration_cast<std::chrono::nanoseconds>(started.time_since_epoch())
                      .count());
        underruns = output.underruns();
        output.Close();
    });

    EXPECT_EQ(underruns, 0);  // draining: the silence after the end is not an underrun
    auto captured = testing::ReadRawS16(capture_, 44100, 2);
    ASSERT_TRUE(captured.ok()) << captured.error().message;
    // PortAudio primes the device buffer with zeros on start; the ramp starts
    // with a non-zero value, so exactly the leading zeros are that priming.
    int64_t priming = testing::StripLeadingSilence(&*captured);
    EXPECT_LE(priming, 8192);
    ASSERT_GE(captured->frames(), kFrames);
    size_t mismatches = 0;
    for (size_t i = 0; i < ramp.size(); ++i)
        mismatches += captured->samples[i] != ramp[i];
    EXPECT_EQ(mismatches, 0u);
    for (size_t i = ramp.size(); i < captured->samples.size(); ++i) {
        ASSERT_EQ(captured->samples[i], 0.0f) << "after the end at value " << i;
    }
}

TEST_F(AudioOutputTest, DryRingWritesSilenceAndCountsUnderruns) {
    SpscRingBuffer<float> ring(4096);
    std::vector<float> ramp = ExactStereoRamp(1000);
    ring.Write(ramp.data(), ramp.size());

    testing::RunWithAudioNoiseFiltered([&] {
        AudioOutput output;
        ASSERT_TRUE(output.Open(44100).ok());
        output.SetRing(&ring);
        output.SetGain(0.5f);
        ASSERT_TRUE(output.Start().ok());
        ASSERT_TRUE(WaitConsumed(output, 1000, std::chrono::seconds(10)));
        auto deadline = Clock::now() + std::chrono::seconds(10);
        while (output.underruns() < 3 && Clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        ASSERT_TRUE(output.Abort().ok());
        EXPECT_GE(output.underruns(), 3);
        EXPECT_EQ(output.frames_consumed(), 1000);
        output.Close();
    });

    auto captured = testing::ReadRawS16(capture_, 44100, 2);
    ASSERT_TRUE(captured.ok());
    EXPECT_LE(testing::StripLeadingSilence(&*captured), 8192);
    ASSERT_GE(captured->frames(), 1000);
    // Gain 0.5 halves each value; odd values round to a neighbouring step.
    for (size_t i = 0; i < 2000; ++i) {
        ASSERT_NEAR(captured->samples[i], 0.5f * ramp[i], 1.0 / 32768) << i;
    }
}

}  // namespace
}  // namespace tonearm::player
