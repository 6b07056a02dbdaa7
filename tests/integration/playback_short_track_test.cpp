// Short tracks through the unpaced ALSA null device: a whole track plays
// between two ticks of the session worker, which is where an "ended" with
// nothing heard used to come from. Every run must take exactly the track's
// samples from the ring, report first audio before the end, and show the
// final count in Snapshot() as soon as the end is announced.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <ostream>
#include <sstream>
#include <vector>

#include "core/api_client.h"
#include "core/http_client.h"
#include "player/playback_session.h"
#include "tests/support/alsa_file_sink.h"
#include "tests/support/json_lines.h"
#include "tests/support/process.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_audio.h"

namespace tonearm::testing {
namespace {

using player::PlaybackSnapshot;
using player::PlaybackState;
using player::PlayerEvent;

constexpr int kRate = 44100;
constexpr int kRuns = 20;
// Short enough that every variant is smaller than one 64 KiB chunk, so the
// first request carries the header pages and the whole audio.
constexpr double kShortSeconds = 1.5;
constexpr char kShortTitle[] = "Short cosine";
constexpr char kDemoFile[] = "/lostrace-ks.ogg";  // 6.3 s, 44.1 kHz stereo
constexpr auto kEndTimeout = std::chrono::seconds(30);
constexpr float kTolerance = 2.0f / 32768 + 1e-4f;

// What one play to the end looked like from outside the session.
struct EndOfPlay {
    bool ended = false;  // a kEnded state event arrived within kEndTimeout
    bool first_audio_before_end = false;
    std::string error;          // the first kError message, if any
    PlaybackSnapshot snapshot;  // read as soon as the final state event arrived
};

// Plays track_id and waits for kEnded or kError, reading the snapshot the
// moment the final state event arrives, as a caller reacting to it would.
EndOfPlay PlayToTheEnd(const player::PlayerConfig& config, const std::string& track_id) {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<PlayerEvent> events;
    EndOfPlay result;
    RunWithAudioNoiseFiltered([&] {
        player::PlaybackSession session(config, [&](const PlayerEvent& event) {
            std::lock_guard<std::mutex> lock(mu);
            events.push_back(event);
            cv.notify_all();
        });
        ASSERT_TRUE(session.Play(track_id).ok());
        std::unique_lock<std::mutex> lock(mu);
        const bool done = cv.wait_for(lock, kEndTimeout, [&] {
            return std::any_of(events.begin(), events.end(), [](const PlayerEvent& e) {
                return e.kind == PlayerEvent::Kind::kState &&
                       (e.state == PlaybackState::kEnded || e.state == PlaybackState::kError);
            });
        });
        lock.unlock();
        result.snapshot = session.Snapshot();
        ASSERT_TRUE(done) << "no end within the timeout";
        session.Stop();
    });
    bool heard = false;
    for (const PlayerEvent& e : events) {
        if (e.kind == PlayerEvent::Kind::kFirstAudio) heard = true;
        if (e.kind == PlayerEvent::Kind::kError && result.error.empty()) result.error = e.message;
        if (e.kind == PlayerEvent::Kind::kState && e.state == PlaybackState::kEnded) {
            result.ended = true;
            result.first_audio_before_end = heard;
            break;
        }
    }
    return result;
}

struct ShortTrack {
    const char* name;
    bool demo;  // the demo track, else the generated cosine
    int kbps;
};

// Names the case in test listings (gtest would print the bytes otherwise).
void PrintTo(const ShortTrack& track, std::ostream* out) { *out << track.name; }

class ShortTrackPlayback : public ::testing::TestWithParam<ShortTrack> {
protected:
    static void SetUpTestSuite() {
        suite_ = new Suite;
        ASSERT_TRUE(InstallAlsaFileSink(suite_->home.path(), CapturePath()).ok());
        setenv("HOME", suite_->home.path().c_str(), 1);

        // A cosine starts at full amplitude: its first sample is not zero.
        PcmBuffer cosine;
        cosine.sample_rate = kRate;
        cosine.channels = 2;
        for (int64_t i = 0; i < std::lround(kShortSeconds * kRate); ++i) {
            auto v = static_cast<float>(0.5 * std::cos(2 * M_PI * 441.0 * i / kRate));
            cosine.samples.insert(cosine.samples.end(), {v, v});
        }
        const std::string source = suite_->sources.Join("short.ogg");
        ASSERT_TRUE(
            WriteOggVorbis(source, cosine, 0.5f, {std::string("TITLE=") + kShortTitle}).ok());
        std::string output;
        Status ingested =
            RunIngest(suite_->data.path(),
                      {source, std::string(TONEARM_DEMO_MUSIC_DIR) + kDemoFile}, &output);
        ASSERT_TRUE(ingested.ok()) << ingested.error().message << "\n" << output;

        auto server = ServerProcess::Start(suite_->data.path());
        ASSERT_TRUE(server.ok()) << server.error().message;
        suite_->server = std::move(server.value());
        ApiClient api(suite_->server->api_url());
        auto login = api.Login("demo", "demo");
        ASSERT_TRUE(login.ok()) << login.error().message;
        suite_->token = login->token;
        auto page = api.Tracks(0, 10);
        ASSERT_TRUE(page.ok()) << page.error().message;
        ASSERT_EQ(page->items.size(), 2u);
        for (const Track& track : page->items) {
            (track.title == kShortTitle ? suite_->short_track : suite_->demo_track) = track;
        }
        ASSERT_EQ(suite_->short_track.duration_samples, std::lround(kShortSeconds * kRate));
    }

    static void TearDownTestSuite() {
        delete suite_;
        suite_ = nullptr;
    }

    void SetUp() override {
        if (suite_ == nullptr || !suite_->server) GTEST_SKIP() << "suite set-up failed";
    }

    static std::string CapturePath() { return suite_->home.Join("capture.raw"); }
    const Track& Played() const {
        return GetParam().demo ? suite_->demo_track : suite_->short_track;
    }

    player::PlayerConfig Config() const {
        player::PlayerConfig config;
        config.api_base_url = suite_->server->api_url();
        config.token = suite_->token;
        config.preferred_kbps = GetParam().kbps;
        return config;
    }

    // The streamed variant, decoded with vorbisfile from its signed URL.
    PcmBuffer Reference() const {
        ApiClient api(suite_->server->api_url());
        api.SetToken(suite_->token);
        auto manifest = api.GetManifest(Played().id);
        EXPECT_TRUE(manifest.ok());
        if (!manifest.ok() || manifest->FindVariant(GetParam().kbps) == nullptr) return {};
        HttpClient http;
        HttpRequest request;
        request.url = manifest->FindVariant(GetParam().kbps)->url;
        auto response = http.Perform(request);
        EXPECT_TRUE(response.ok() && response->status == 200);
        if (!response.ok()) return {};
        auto decoded = DecodeOggVorbisBytes(response->body);
        EXPECT_TRUE(decoded.ok());
        return decoded.ok() ? *decoded : PcmBuffer{};
    }

    struct Suite {
        TempDir home, sources, data, profile;
        std::unique_ptr<ServerProcess> server;
        std::string token;
        Track short_track, demo_track;
    };
    static Suite* suite_;
};

ShortTrackPlayback::Suite* ShortTrackPlayback::suite_ = nullptr;

// The default start buffer (0.5 s) is played at once by the null device, the
// ring runs dry and the track finishes in stretches between stalls.
TEST_P(ShortTrackPlayback, ShortTrackPlaysEveryFrameOnAnUnpacedSink) {
    const int64_t duration = Played().duration_samples;
    ASSERT_GT(duration, 0);
    for (int run = 0; run < kRuns; ++run) {
        EndOfPlay end = PlayToTheEnd(Config(), Played().id);
        ASSERT_TRUE(end.error.empty()) << "run " << run << ": " << end.error;
        ASSERT_TRUE(end.ended) << "run " << run;
        EXPECT_TRUE(end.first_audio_before_end) << "run " << run;
        EXPECT_EQ(end.snapshot.state, PlaybackState::kEnded) << "run " << run;
        EXPECT_EQ(end.snapshot.frames_played, duration) << "run " << run;
        EXPECT_EQ(end.snapshot.position_samples, duration) << "run " << run;
        EXPECT_EQ(end.snapshot.kbps, GetParam().kbps);
        if (HasFailure()) break;
    }
}

// With a start buffer longer than the track, the device starts once the whole
// track is decoded, so even the unpaced sink records it without a gap.
TEST_P(ShortTrackPlayback, WholeTrackReachesTheDeviceOnceInOrder) {
    const PcmBuffer reference = Reference();
    const int64_t duration = Played().duration_samples;
    ASSERT_EQ(reference.frames(), duration);
    // The demo track may open with digital silence; the capture is compared
    // from the first sound on.
    int64_t lead = 0;
    while (lead < duration && reference.samples[2 * lead] == 0.0f &&
           reference.samples[2 * lead + 1] == 0.0f) {
        ++lead;
    }
    ASSERT_LT(lead, duration);
    player::PlayerConfig config = Config();
    config.start_buffer_seconds = 8.0;
    for (int run = 0; run < 5; ++run) {
        EndOfPlay end = PlayToTheEnd(config, Played().id);
        ASSERT_TRUE(end.ended && end.error.empty()) << "run " << run << ": " << end.error;
        ASSERT_EQ(end.snapshot.frames_played, duration) << "run " << run;
        EXPECT_EQ(end.snapshot.underruns, 0) << "run " << run;

        auto captured = ReadRawS16(CapturePath(), kRate, 2);
        ASSERT_TRUE(captured.ok());
        StripLeadingSilence(&*captured);
        ASSERT_GE(captured->frames(), duration - lead) << "run " << run;
        int64_t mismatches = 0;
        for (int64_t i = 0; i < (duration - lead) * 2; ++i) {
            float want = std::clamp(reference.samples[lead * 2 + i], -1.0f, 32767.0f / 32768);
            if (std::fabs(captured->samples[i] - want) > kTolerance) ++mismatches;
        }
        // After the last sample the device played only silence.
        const auto tail = std::find_if(captured->samples.begin() + (duration - lead) * 2,
                                       captured->samples.end(), [](float v) { return v != 0.0f; });
        EXPECT_EQ(mismatches, 0) << "run " << run;
        EXPECT_TRUE(tail == captured->samples.end()) << "run " << run << ": sound after the end";
    }
}

// The same through tonearm-cli, as a listener runs it: the summary printed
// after "ended" counts every frame, and first audio was announced before.
TEST_P(ShortTrackPlayback, CliPlayOfAShortTrackSummarisesEveryFrame) {
    const std::string api = suite_->server->api_url();
    const std::string profile = suite_->profile.path();
    const std::vector<std::string> env = {"HOME=" + suite_->home.path()};
    ProcessResult login = RunProcess({TONEARM_CLI_BIN, "--server", api, "--profile", profile,
                                      "login", "--user", "demo", "--password", "demo"},
                                     30000, env);
    ASSERT_EQ(login.exit_code, 0) << login.err;
    const std::string quality = std::to_string(GetParam().kbps);
    for (int run = 0; run < kRuns; ++run) {
        ProcessResult played = RunProcess({TONEARM_CLI_BIN, "--server", api, "--profile", profile,
                                           "--json", "play", Played().id, "--quality", quality},
                                          60000, env);
        ASSERT_EQ(played.exit_code, 0) << played.out << played.err;
        bool heard = false, heard_before_end = false;
        Json summary;
        for (const Json& json : ParseJsonLines(played.out)) {
            const std::string event = json.value("event", "");
            if (event == "first_audio") heard = true;
            if (event == "state" && json.value("state", "") == "ended") heard_before_end = heard;
            if (event == "summary") summary = json;
        }
        EXPECT_TRUE(heard_before_end) << "run " << run << "\n" << played.out;
        EXPECT_EQ(summary.value("frames_played", int64_t{-1}), Played().duration_samples)
            << "run " << run << "\n"
            << played.out;
        if (HasFailure()) break;
    }
}

std::string ShortTrackName(const ::testing::TestParamInfo<ShortTrack>& param) {
    return param.param.name;
}

INSTANTIATE_TEST_SUITE_P(Tracks, ShortTrackPlayback,
                         ::testing::Values(ShortTrack{"Cosine96", false, 96},
                                           ShortTrack{"Cosine320", false, 320},
                                           ShortTrack{"Demo96", true, 96},
                                           ShortTrack{"Demo320", true, 320}),
                         ShortTrackName);

}  // namespace
}  // namespace tonearm::testing
