// Tracks of different sample rates in one queue: the device stays at the
// first track's rate and the renderer resamples the others (libsoxr), so
// every track plays at the right speed with no gap at the join. The capture
// runs at the device's rate (48 kHz here) through a paced ALSA sink.
#include "tests/integration/engine_fixture.h"

namespace tonearm::testing {
namespace {

constexpr int kDeviceRate = 48000;
constexpr double kSeconds = 3.0;

PcmBuffer Cosine(double freq_hz, int rate) {
    PcmBuffer pcm = MakeCosine(freq_hz, kSeconds, rate);
    for (float& v : pcm.samples)
        v *= 0.8f;
    return pcm;
}

// Frequency of channel 0 over [from, to) from its rising zero crossings.
double MeasuredFrequency(const PcmBuffer& pcm, int64_t from, int64_t to) {
    int64_t first = -1;
    int64_t last = -1;
    int64_t crossings = 0;
    for (int64_t i = from + 1; i < to; ++i) {
        if (pcm.samples[2 * (i - 1)] < 0.0f && pcm.samples[2 * i] >= 0.0f) {
            if (first < 0) first = i;
            last = i;
            ++crossings;
        }
    }
    if (crossings < 2) return 0.0;
    return static_cast<double>(crossings - 1) * pcm.sample_rate / static_cast<double>(last - first);
}

// Longest run of frames whose channel 0 stays within 1/1000 of zero.
int64_t LongestNearSilence(const PcmBuffer& pcm, int64_t from, int64_t to) {
    int64_t longest = 0;
    int64_t run = 0;
    for (int64_t i = from; i < to; ++i) {
        run = std::fabs(pcm.samples[2 * i]) < 1e-3f ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    return longest;
}

class PlaybackRates : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        suite_ = new Suite;
        ASSERT_TRUE(InstallAlsaFileSink(suite_->home.path(), Fifo(), kDeviceRate, 2).ok());
        setenv("HOME", suite_->home.path().c_str(), 1);
        const std::string a = suite_->sources.Join("a.ogg");
        const std::string b = suite_->sources.Join("b.ogg");
        ASSERT_TRUE(WriteOggVorbis(a, Cosine(600.0, 48000), 0.5f, {"TITLE=At 48 kHz"}).ok());
        ASSERT_TRUE(WriteOggVorbis(b, Cosine(1000.0, 44100), 0.5f, {"TITLE=At 44.1 kHz"}).ok());
        Status served = suite_->catalog.Start({a, b});
        ASSERT_TRUE(served.ok()) << served.error().message;
    }
    static void TearDownTestSuite() {
        delete suite_;
        suite_ = nullptr;
    }
    void SetUp() override {
        if (suite_ == nullptr || !suite_->catalog.server) GTEST_SKIP() << "suite set-up failed";
        sink_ = std::make_unique<PacedAudioSink>(Fifo(), kDeviceRate, 2, 4.0, true);
    }

    static std::string Fifo() { return suite_->home.Join("device.fifo"); }
    std::string Id(const std::string& title) const { return suite_->catalog.Id(title); }

    struct Suite {
        TempDir home;
        TempDir sources;
        ServedCatalog catalog;
    };
    static Suite* suite_;
    std::unique_ptr<PacedAudioSink> sink_;
    EventLog log_;
};

PlaybackRates::Suite* PlaybackRates::suite_ = nullptr;

TEST_F(PlaybackRates, A48kHzTrackThenA44kHzTrackBothPlayAtTheRightSpeedWithoutAGap) {
    player::PlayerConfig config = suite_->catalog.Config();
    QueuePlay play = PlayQueueAndCapture(config, {Id("At 48 kHz"), Id("At 44.1 kHz")}, *sink_, log_,
                                         std::chrono::seconds(60));
    ASSERT_TRUE(play.ended) << play.error;

    // 3 s at 48 kHz, then 3 s of 44.1 kHz audio resampled to 48 kHz.
    const auto each = static_cast<int64_t>(kSeconds * kDeviceRate);
    EXPECT_NEAR(static_cast<double>(play.snapshot.frames_played), 2.0 * each, 2.0);
    ASSERT_GE(play.captured.frames(), 2 * each - 2);
    EXPECT_NEAR(MeasuredFrequency(play.captured, each / 6, each - each / 6), 600.0, 600.0 * 0.005);
    EXPECT_NEAR(MeasuredFrequency(play.captured, each + each / 6, 2 * each - each / 6), 1000.0,
                1000.0 * 0.005);
    // A cosine at 0.8 is never near zero for more than a sample or two; a
    // gap at the join would be a run of silence.
    EXPECT_LE(LongestNearSilence(play.captured, each - 4800, each + 4800), 2);
    EXPECT_EQ(play.snapshot.underruns, 0);
    auto changes = log_.All(PlayerEvent::Kind::kTrackChanged);
    ASSERT_EQ(changes.size(), 2u);
    EXPECT_EQ(changes[1].sample_rate, 44100);
}

}  // namespace
}  // namespace tonearm::testing
