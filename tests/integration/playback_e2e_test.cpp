// End to end: tonearm-server on loopback, PlaybackSession, real PortAudio into
// ALSA's file plugin, and the capture compared with a reference decode of the
// very variant that was streamed (downloaded through its signed URL).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

#include "core/api_client.h"
#include "core/http_client.h"
#include "player/playback_session.h"
#include "tests/support/alsa_file_sink.h"
#include "tests/support/playback_support.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_audio.h"

namespace tonearm::testing {
namespace {

using player::PlaybackState;
using player::PlayerEvent;

constexpr int kRate = 44100;
constexpr double kStartBufferSeconds = 4.0;
constexpr double kLongSeconds = 60.0;

constexpr auto kEventTimeout = std::chrono::seconds(20);
constexpr auto kPlayTimeout = std::chrono::seconds(60);
// S16 rounding of the capture (plus the plug plugin's own rounding) and the
// float noise between two decodes of the same bytes.
constexpr float kTolerance = 2.0f / 32768 + 1e-4f;

// Expects frames frames of captured from frame at to equal reference from
// frame ref_at, within kTolerance (reference clipped to what S16 can hold).
void ExpectMatchesReference(const PcmBuffer& captured, int64_t at, const PcmBuffer& reference,
                            int64_t ref_at, int64_t frames) {
    ASSERT_GE(captured.frames(), at + frames) << "capture too short";
    ASSERT_GE(reference.frames(), ref_at + frames) << "reference too short";
    float worst = 0.0f;
    int64_t worst_at = -1;
    int64_t mismatches = 0;
    for (int64_t i = 0; i < frames * 2; ++i) {
        float want = std::clamp(reference.samples[ref_at * 2 + i], -1.0f, 32767.0f / 32768);
        float diff = std::fabs(captured.samples[at * 2 + i] - want);
        if (diff > kTolerance) ++mismatches;
        if (diff > worst) {
            worst = diff;
            worst_at = i / 2;
        }
    }
    EXPECT_EQ(mismatches, 0) << "largest difference " << worst << " at frame " << worst_at << " of "
                             << frames;
}

class PlaybackEndToEnd : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        suite_ = new Suite;
        ASSERT_TRUE(InstallAlsaFileSink(suite_->home.path(), CapturePath()).ok());
        setenv("HOME", suite_->home.path().c_str(), 1);

        std::vector<std::string> sources = {suite_->sources.Join("cosine.ogg"),
                                            suite_->sources.Join("clicks.ogg")};
        ASSERT_TRUE(WriteOggVorbis(sources[0], MakeCosine(441.0, 12.0, kRate), 0.5f,
                                   {"TITLE=Cosine 441 Hz"})
                        .ok());
        ASSERT_TRUE(WriteOggVorbis(sources[1], MakeClickTrain(0.25, 12.0, kRate, 2), 0.5f,
                                   {"TITLE=Click train"})
                        .ok());
        suite_->demo_path = PickDemoTrack();
        ASSERT_FALSE(suite_->demo_path.empty())
            << "no 44.1 kHz demo track in " << TONEARM_DEMO_MUSIC_DIR;
        sources.push_back(suite_->demo_path);
        std::string output;
        Status ingested = RunIngest(suite_->data.path(), sources, &output);
        ASSERT_TRUE(ingested.ok()) << ingested.error().message << "\n" << output;

        auto server = ServerProcess::Start(suite_->data.path());
        ASSERT_TRUE(server.ok()) << server.error().message;
        suite_->server = std::move(server.value());
        auto login = Login(suite_->server->api_url());
        ASSERT_TRUE(login.ok()) << login.error().message;
        suite_->token = *login;

        // A second server whose CDN answers slowly and whose URLs expire after
        // 2 s: network-paced playback of a long track, long enough to pause,
        // seek, and outlive its signed URL.
        std::string long_source = suite_->sources.Join("long-cosine.ogg");
        ASSERT_TRUE(WriteOggVorbis(long_source, MakeCosine(441.0, kLongSeconds, kRate), 0.5f,
                                   {"TITLE=Long cosine"})
                        .ok());
        ingested = RunIngest(suite_->slow_data.path(), {long_source}, &output);
        ASSERT_TRUE(ingested.ok()) << ingested.error().message << "\n" << output;
        auto slow = ServerProcess::Start(suite_->slow_data.path(),
                                         {"--url-ttl", "2", "--latency-ms", "150"});
        ASSERT_TRUE(slow.ok()) << slow.error().message;
        suite_->slow_server = std::move(slow.value());
        auto slow_login = Login(suite_->slow_server->api_url());
        ASSERT_TRUE(slow_login.ok()) << slow_login.error().message;
        suite_->slow_token = *slow_login;
    }

    static void TearDownTestSuite() {
        delete suite_;
        suite_ = nullptr;
    }

    void SetUp() override {
        if (suite_ == nullptr || !suite_->slow_server) GTEST_SKIP() << "suite set-up failed";
    }

    static std::string CapturePath() { return suite_->home.Join("capture.raw"); }

    player::PlayerConfig Config() const {
        player::PlayerConfig config;
        config.api_base_url = suite_->server->api_url();
        config.token = suite_->token;
        config.preferred_kbps = 160;
        config.start_buffer_seconds = kStartBufferSeconds;
        return config;
    }

    std::string TrackId(const std::string& title) const {
        return FindTrackId(suite_->server->api_url(), suite_->token, title);
    }

    std::string DemoTrackId() const {
        return FindTrackId(suite_->server->api_url(), suite_->token, "",
                           {"Cosine 441 Hz", "Click train"});
    }

    // The variant a session streamed at kbps, decoded with vorbisfile.
    PcmBuffer ReferenceFor(const std::string& track_id, int kbps) const {
        auto reference =
            DownloadAndDecodeVariant(suite_->server->api_url(), suite_->token, track_id, kbps);
        EXPECT_TRUE(reference.ok()) << reference.error().message;
        return reference.ok() ? *reference : PcmBuffer{};
    }

    player::PlayerConfig SlowConfig() const {
        player::PlayerConfig config = Config();
        config.api_base_url = suite_->slow_server->api_url();
        config.token = suite_->slow_token;
        config.chunk_bytes = 32 * 1024;
        return config;
    }

    struct Suite {
        TempDir home;
        TempDir sources;
        TempDir data;
        TempDir slow_data;
        std::string demo_path;
        std::unique_ptr<ServerProcess> server;
        std::string token;
        std::unique_ptr<ServerProcess> slow_server;
        std::string slow_token;
    };
    static Suite* suite_;
};

PlaybackEndToEnd::Suite* PlaybackEndToEnd::suite_ = nullptr;

// Plays track_id from start, lets the device take at least play_frames, and
// checks the capture against reference from start. Returns the first-audio time.
double PlayAndCompare(const player::PlayerConfig& config, const std::string& track_id,
                      int64_t start, int64_t play_frames, const PcmBuffer& reference,
                      const std::string& capture) {
    EventLog events;
    double first_audio_ms = -1;
    RunWithAudioNoiseFiltered([&] {
        player::PlaybackSession session(config, events.Sink());
        ASSERT_TRUE(session.Play(track_id, start).ok());
        ASSERT_TRUE(events.WaitFor(PlayerEvent::Kind::kFirstAudio, kEventTimeout));
        first_audio_ms = events.First(PlayerEvent::Kind::kFirstAudio).first_audio_ms;
        ASSERT_TRUE(WaitUntil([&] { return session.Snapshot().frames_played >= play_frames; },
                              kPlayTimeout))
            << "played " << session.Snapshot().frames_played;
        EXPECT_EQ(session.Snapshot().kbps, 160);
        session.Stop();
    });
    EXPECT_FALSE(events.Has(PlayerEvent::Kind::kError)) << events.FirstError();
    EXPECT_EQ(events.First(PlayerEvent::Kind::kBitrate).kbps, 160);
    EXPECT_TRUE(events.Has(PlayerEvent::Kind::kPosition));

    auto captured = ReadRawS16(capture, kRate, 2);
    EXPECT_TRUE(captured.ok());
    if (!captured.ok()) return first_audio_ms;
    // PortAudio primes the device with zeros when a stream starts; every
    // played stretch starts with a non-zero sample, so those zeros are the priming.
    int64_t priming = StripLeadingSilence(&*captured);
    EXPECT_LE(priming, 8192);
    // The device starts once kStartBufferSeconds are decoded, so that much
    // plays without an underrun even through the unpaced null device.
    int64_t frames = std::min<int64_t>(play_frames, kStartBufferSeconds * kRate);
    ExpectMatchesReference(*captured, 0, reference, start, frames);
    return first_audio_ms;
}

TEST_F(PlaybackEndToEnd, CosinePlaysSampleExactThroughPortAudio) {
    std::string id = TrackId("Cosine 441 Hz");
    ASSERT_FALSE(id.empty());
    PcmBuffer reference = ReferenceFor(id, 160);
    ASSERT_EQ(reference.frames(), 12 * kRate);
    double first_audio = PlayAndCompare(Config(), id, 0, 6 * kRate, reference, CapturePath());
    std::cout << "first audio after " << first_audio << " ms (cosine)\n";
    EXPECT_GT(first_audio, 0.0);
    EXPECT_LT(first_audio, 5000.0);
}

TEST_F(PlaybackEndToEnd, ClickTrainPlaysSampleExactThroughPortAudio) {
    std::string id = TrackId("Click train");
    ASSERT_FALSE(id.empty());
    PcmBuffer reference = ReferenceFor(id, 160);
    ASSERT_EQ(reference.frames(), 12 * kRate);
    PlayAndCompare(Config(), id, 0, 6 * kRate, reference, CapturePath());
}

TEST_F(PlaybackEndToEnd, DemoTrackFromAStartPositionMatchesTheReference) {
    std::string id = DemoTrackId();
    ASSERT_FALSE(id.empty());
    PcmBuffer reference = ReferenceFor(id, 160);
    ASSERT_GT(reference.frames(), 10 * kRate);
    // Start where the music is audible, so the capture's first non-zero
    // sample is the first sample played (the device primes with zeros).
    int64_t start = FirstLoudFrame(reference, 3 * kRate, 0.01f);
    ASSERT_GE(start, 0);
    int64_t frames = std::min<int64_t>(5 * kRate, reference.frames() - start);
    double first_audio = PlayAndCompare(Config(), id, start, frames, reference, CapturePath());
    std::cout << "first audio after " << first_audio << " ms (demo track from " << start << ")\n";
}

TEST_F(PlaybackEndToEnd, SeekPlaysFromTheExactSample) {
    const std::string api = suite_->slow_server->api_url();
    std::string id = FindTrackId(api, suite_->slow_token, "Long cosine");
    ASSERT_FALSE(id.empty());
    auto reference = DownloadAndDecodeVariant(api, suite_->slow_token, id, 160);
    ASSERT_TRUE(reference.ok()) << reference.error().message;
    const int64_t target = 41 * kRate + 300;  // a cosine peak: 441 Hz repeats every 100 frames
    EventLog events;
    int64_t boundary_bytes = -1;
    RunWithAudioNoiseFiltered([&] {
        player::PlaybackSession session(SlowConfig(), events.Sink());
        ASSERT_TRUE(session.Play(id).ok());
        ASSERT_TRUE(
            WaitUntil([&] { return session.Snapshot().frames_played >= kRate; }, kPlayTimeout));
        session.Pause();
        ASSERT_TRUE(WaitUntil([&] { return session.Snapshot().state == PlaybackState::kPaused; },
                              kEventTimeout));
        // Stopped device: everything played so far is in the capture file.
        boundary_bytes = static_cast<int64_t>(std::filesystem::file_size(CapturePath()));
        const int64_t before = session.Snapshot().frames_played;

        session.Seek(target);
        session.Resume();
        ASSERT_TRUE(WaitUntil(
            [&] { return session.Snapshot().frames_played >= before + 3 * kRate; }, kPlayTimeout));
        EXPECT_GE(session.Snapshot().position_samples, target + 3 * kRate);
        session.Stop();
    });
    EXPECT_FALSE(events.Has(PlayerEvent::Kind::kError)) << events.FirstError();

    auto captured = ReadRawS16(CapturePath(), kRate, 2);
    ASSERT_TRUE(captured.ok());
    ASSERT_GT(boundary_bytes, 0);
    captured->samples.erase(captured->samples.begin(),
                            captured->samples.begin() + boundary_bytes / 2);
    int64_t priming = StripLeadingSilence(&*captured);  // the restarted stream's priming
    EXPECT_LE(priming, 8192);
    ExpectMatchesReference(*captured, 0, *reference, target, 3 * kRate);
}

TEST_F(PlaybackEndToEnd, ExpiredUrlIsRefreshedAndPlaybackContinuesToTheEnd) {
    const std::string api = suite_->slow_server->api_url();
    std::string id = FindTrackId(api, suite_->slow_token, "Long cosine");
    ASSERT_FALSE(id.empty());
    EventLog events;
    player::PlaybackSnapshot last;
    RunWithAudioNoiseFiltered([&] {
        player::PlaybackSession session(SlowConfig(), events.Sink());
        ASSERT_TRUE(session.Play(id).ok());
        // A pause longer than the URL's lifetime: the fetcher, a buffer
        // target ahead, finds the URL expired when playback goes on.
        ASSERT_TRUE(
            WaitUntil([&] { return session.Snapshot().frames_played >= kRate; }, kPlayTimeout));
        session.Pause();
        ASSERT_TRUE(WaitUntil([&] { return session.Snapshot().state == PlaybackState::kPaused; },
                              kEventTimeout));
        ASSERT_LT(session.Snapshot().buffer_seconds + session.Snapshot().position_samples / kRate,
                  kLongSeconds - 10);
        std::this_thread::sleep_for(std::chrono::milliseconds(3500));
        session.Resume();
        EXPECT_TRUE(WaitUntil([&] { return session.Snapshot().state == PlaybackState::kEnded; },
                              kPlayTimeout));
        last = session.Snapshot();
    });
    EXPECT_FALSE(events.Has(PlayerEvent::Kind::kError)) << events.FirstError();
    EXPECT_EQ(last.state, PlaybackState::kEnded);
    EXPECT_GE(last.url_refreshes, 1);
    // Every sample of the track reached the device once: nothing lost or repeated.
    EXPECT_EQ(last.frames_played, static_cast<int64_t>(kLongSeconds * kRate));
    EXPECT_EQ(last.position_samples, last.duration_samples);
}

TEST_F(PlaybackEndToEnd, PreferredBitrateIsClampedToWhatTheTierOffers) {
    ApiClient api(suite_->server->api_url());
    auto free_login = api.Login("free", "free");
    ASSERT_TRUE(free_login.ok()) << free_login.error().message;
    player::PlayerConfig config = Config();
    config.token = free_login->token;
    config.preferred_kbps = 320;
    EventLog events;
    RunWithAudioNoiseFiltered([&] {
        player::PlaybackSession session(config, events.Sink());
        ASSERT_TRUE(session.Play(TrackId("Click train")).ok());
        ASSERT_TRUE(events.WaitFor(PlayerEvent::Kind::kBitrate, kEventTimeout));
        session.Stop();
    });
    EXPECT_EQ(events.First(PlayerEvent::Kind::kBitrate).kbps, 160);
}

TEST_F(PlaybackEndToEnd, UnknownTrackEndsInAnErrorEvent) {
    EventLog events;
    RunWithAudioNoiseFiltered([&] {
        player::PlaybackSession session(Config(), events.Sink());
        ASSERT_TRUE(session.Play("no-such-track").ok());
        ASSERT_TRUE(events.WaitFor(PlayerEvent::Kind::kError, kEventTimeout));
        EXPECT_TRUE(WaitUntil([&] { return session.Snapshot().state == PlaybackState::kError; },
                              kEventTimeout));
    });
    EXPECT_NE(events.FirstError().find("no-such-track"), std::string::npos) << events.FirstError();
}

}  // namespace
}  // namespace tonearm::testing
