// The streaming engine end to end: gapless joins, bitrate switches on every
// chunk of a real track, loudness normalisation with its limiter, crossfade
// on a skip, and signed URLs expiring mid-track, each checked on what the
// device played (real PortAudio into a paced, captured ALSA sink).
#include <ebur128.h>

#include <map>

#include "tests/integration/engine_fixture.h"

namespace tonearm::testing {
namespace {

using player::PlayerEvent;

constexpr int kRate = 44100;
constexpr double kSpeed = 6.0;  // times real time the sink drains
constexpr auto kTimeout = std::chrono::seconds(90);
constexpr int64_t kGaplessSplit = 3 * kRate + 777;  // not on a Vorbis block boundary

PcmBuffer Slice(const PcmBuffer& pcm, int64_t from, int64_t to) {
    PcmBuffer out;
    out.sample_rate = pcm.sample_rate;
    out.channels = pcm.channels;
    out.samples.assign(pcm.samples.begin() + from * pcm.channels,
                       pcm.samples.begin() + to * pcm.channels);
    return out;
}

// A quiet cosine with sparse full-scale clicks: raising it to the target
// would clip the clicks without a limiter.
PcmBuffer QuietWithClicks() {
    PcmBuffer pcm = MakeCosine(1000.0, 6.0, kRate);
    for (float& v : pcm.samples)
        v *= 0.25f;  // 12 dB below the loud track
    for (int64_t i = kRate / 4; i < pcm.frames(); i += kRate / 2) {
        pcm.samples[2 * i] = 0.95f;
        pcm.samples[2 * i + 1] = 0.95f;
    }
    return pcm;
}

double IntegratedLufs(const PcmBuffer& pcm, int64_t from, int64_t to) {
    ebur128_state* state =
        ebur128_init(2, static_cast<unsigned long>(pcm.sample_rate), EBUR128_MODE_I);
    ebur128_add_frames_float(state, pcm.samples.data() + from * 2, static_cast<size_t>(to - from));
    double lufs = 0.0;
    ebur128_loudness_global(state, &lufs);
    ebur128_destroy(&state);
    return lufs;
}

// Where, in 10 ms blocks, the 1500 Hz tone appears and, after that, the
// 300 Hz tone is gone (2 % of their level); -1 when never.
struct Fade {
    int64_t in = -1;
    int64_t out = -1;
};
Fade MeasureFade(const PcmBuffer& pcm) {
    const int64_t block = kRate / 100;
    Fade fade;
    for (int64_t at = 0; at + block <= pcm.frames(); at += block) {
        const double a = ToneAmplitude(pcm, at, block, 300.0);
        const double b = ToneAmplitude(pcm, at, block, 1500.0);
        if (fade.in < 0 && b > 0.02 * 0.5) fade.in = at;
        if (fade.out < 0 && fade.in >= 0 && a <= 0.02 * 0.5) fade.out = at;
        if (fade.in >= 0 && a > 0.1 && b > 0.1) {
            // Equal power: the two tones together stay at the level of one.
            EXPECT_NEAR(std::hypot(a, b), 0.5, 0.08) << "at frame " << at;
        }
    }
    return fade;
}

class PlaybackEngine : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        suite_ = new Suite;
        ASSERT_TRUE(InstallAlsaFileSink(suite_->home.path(), Fifo(), kRate, 2).ok());
        setenv("HOME", suite_->home.path().c_str(), 1);

        const PcmBuffer continuous = MakeCosine(441.3, 7.0, kRate);
        struct Source {
            std::string name;
            PcmBuffer pcm;
        };
        std::vector<Source> sources = {
            {"Gapless A", Slice(continuous, 0, kGaplessSplit)},
            {"Gapless B", Slice(continuous, kGaplessSplit, continuous.frames())},
            {"Loud", MakeCosine(1000.0, 6.0, kRate)},
            {"Quiet", QuietWithClicks()},
            {"Tone low", MakeCosine(300.0, 10.0, kRate)},
            {"Tone high", MakeCosine(1500.0, 10.0, kRate)},
            {"Long cosine", MakeCosine(441.0, 14.0, kRate)},
        };
        std::vector<std::string> paths;
        for (const Source& source : sources) {
            paths.push_back(suite_->sources.Join(source.name + ".ogg"));
            ASSERT_TRUE(
                WriteOggVorbis(paths.back(), source.pcm, 0.5f, {"TITLE=" + source.name}).ok());
        }
        suite_->continuous = continuous;
        suite_->demo_path = PickDemoTrack(kRate);
        ASSERT_FALSE(suite_->demo_path.empty()) << "no 44.1 kHz demo track";
        paths.push_back(suite_->demo_path);
        Status served = suite_->catalog.Start(paths, {"--url-ttl", "2"});
        ASSERT_TRUE(served.ok()) << served.error().message;
    }

    static void TearDownTestSuite() {
        delete suite_;
        suite_ = nullptr;
    }

    void SetUp() override {
        if (suite_ == nullptr || !suite_->catalog.server) GTEST_SKIP() << "suite set-up failed";
        sink_ = std::make_unique<PacedAudioSink>(Fifo(), kRate, 2, kSpeed, true);
    }
    void TearDown() override { sink_.reset(); }

    static std::string Fifo() { return suite_->home.Join("device.fifo"); }

    player::PlayerConfig Config() const { return suite_->catalog.Config(); }
    std::string Id(const std::string& title) const { return suite_->catalog.Id(title); }
    std::string DemoId() const {
        return FindTrackId(
            suite_->catalog.server->api_url(), suite_->catalog.token, "",
            {"Gapless A", "Gapless B", "Loud", "Quiet", "Tone low", "Tone high", "Long cosine"});
    }
    PcmBuffer Reference(const std::string& id, int kbps) const {
        auto pcm = DownloadAndDecodeVariant(suite_->catalog.server->api_url(),
                                            suite_->catalog.token, id, kbps);
        EXPECT_TRUE(pcm.ok()) << pcm.error().message;
        return pcm.ok() ? *pcm : PcmBuffer{};
    }

    struct Suite {
        TempDir home;
        TempDir sources;
        PcmBuffer continuous;
        std::string demo_path;
        ServedCatalog catalog;
    };
    static Suite* suite_;
    std::unique_ptr<PacedAudioSink> sink_;
    EventLog log_;
};

PlaybackEngine::Suite* PlaybackEngine::suite_ = nullptr;

TEST_F(PlaybackEngine, TwoTracksCutFromOneRecordingPlayBackAsThatRecording) {
    const std::string a = Id("Gapless A");
    const std::string b = Id("Gapless B");
    QueuePlay play = PlayQueueAndCapture(Config(), {a, b}, *sink_, log_, kTimeout);
    ASSERT_TRUE(play.ended) << play.error;

    const PcmBuffer ref_a = Reference(a, 160);
    const PcmBuffer ref_b = Reference(b, 160);
    ASSERT_EQ(ref_a.frames(), kGaplessSplit);
    const int64_t total = suite_->continuous.frames();
    EXPECT_EQ(play.snapshot.frames_played, total);
    ASSERT_GE(play.captured.frames(), total);
    // Exactly the two decodes back to back: no frame lost, added or repeated.
    EXPECT_LE(WorstDifference(play.captured, 0, ref_a, 0, kGaplessSplit), kCaptureTolerance);
    EXPECT_LE(WorstDifference(play.captured, kGaplessSplit, ref_b, 0, ref_b.frames()),
              kCaptureTolerance);
    // And, within the codec's error, the original recording across the join.
    EXPECT_LE(WorstDifference(play.captured, kGaplessSplit - 2048, suite_->continuous,
                              kGaplessSplit - 2048, 4096),
              0.05f);
    EXPECT_EQ(play.snapshot.underruns, 0);
    auto changes = log_.All(PlayerEvent::Kind::kTrackChanged);
    ASSERT_EQ(changes.size(), 2u);
    EXPECT_EQ(changes[1].track_id, b);
    EXPECT_EQ(changes[1].queue_index, 1);
}

TEST_F(PlaybackEngine, RepeatAllWrapsTheQueueGaplesslyAndKeepsTheHistory) {
    const std::string a = Id("Gapless A");
    const std::string b = Id("Gapless B");
    const PcmBuffer ref_a = Reference(a, 160);
    const PcmBuffer ref_b = Reference(b, 160);
    const int64_t total = ref_a.frames() + ref_b.frames();
    player::PlayerConfig config = Config();
    config.max_frames = 2 * total;  // the device plays twice round, then silence
    sink_->ClearCapture();
    player::PlaybackSnapshot snapshot;
    {
        player::PlaybackSession session(config, log_.Sink());
        session.SetRepeat(player::RepeatMode::kAll);
        ASSERT_TRUE(session.PlayQueue({a, b}, 0).ok());
        ASSERT_TRUE(
            WaitUntil([&] { return session.Snapshot().frames_played >= 2 * total; }, kTimeout));
        snapshot = session.Snapshot();
        // Past the frame limit the device plays silence; let what it holds
        // reach the sink before the stream is closed.
        ASSERT_TRUE(WaitUntil([&] { return sink_->frames() >= 2 * total + kRate / 2; },
                              std::chrono::seconds(10)));
    }
    ASSERT_GE(snapshot.history.size(), 4u);
    EXPECT_EQ(std::vector<std::string>(snapshot.history.begin(), snapshot.history.begin() + 4),
              (std::vector<std::string>{a, b, a, b}));
    PcmBuffer pcm = sink_->Captured();
    StripLeadingSilence(&pcm);
    for (int round = 0; round < 2; ++round) {
        const int64_t at = round * total;
        EXPECT_LE(WorstDifference(pcm, at, ref_a, 0, ref_a.frames()), kCaptureTolerance)
            << "round " << round;
        EXPECT_LE(WorstDifference(pcm, at + ref_a.frames(), ref_b, 0, ref_b.frames()),
                  kCaptureTolerance)
            << "round " << round;
    }
}

TEST_F(PlaybackEngine, NextAndPreviousMoveThroughTheQueue) {
    const std::string low = Id("Tone low");
    const std::string high = Id("Tone high");
    const std::string a = Id("Gapless A");
    player::PlaybackSession session(Config(), log_.Sink());
    ASSERT_TRUE(session.PlayQueue({low, high, a}, 0).ok());
    const auto now_playing = [&](const std::string& id) {
        return WaitUntil(
            [&] {
                auto s = session.Snapshot();
                return s.track_id == id && s.state == player::PlaybackState::kPlaying;
            },
            std::chrono::seconds(20));
    };
    ASSERT_TRUE(now_playing(low));
    session.Next();
    ASSERT_TRUE(now_playing(high));
    EXPECT_EQ(session.Snapshot().queue_index, 1);
    // Within the first 3 s, Previous goes back; later it restarts the track.
    session.Previous();
    ASSERT_TRUE(now_playing(low));
    ASSERT_TRUE(WaitUntil([&] { return session.Snapshot().position_samples > 4 * kRate; },
                          std::chrono::seconds(20)));
    session.Previous();
    ASSERT_TRUE(WaitUntil([&] { return session.Snapshot().position_samples < 2 * kRate; },
                          std::chrono::seconds(20)));
    EXPECT_EQ(session.Snapshot().track_id, low);
    session.Next();
    session.Next();
    ASSERT_TRUE(now_playing(a));
    session.Next();  // past the end with repeat off: stops
    ASSERT_TRUE(
        WaitUntil([&] { return session.Snapshot().state == player::PlaybackState::kStopped; },
                  std::chrono::seconds(20)));
    const auto history = session.Snapshot().history;
    EXPECT_EQ(history, (std::vector<std::string>{low, high, low, high, a}));
}

TEST_F(PlaybackEngine, AnUnplayableItemIsSkippedAndTheQueuePlaysOn) {
    const std::string a = Id("Gapless A");
    const std::string b = Id("Gapless B");
    QueuePlay play = PlayQueueAndCapture(Config(), {a, "no-such-track", b}, *sink_, log_, kTimeout);
    ASSERT_TRUE(play.ended) << play.error;
    auto changes = log_.All(PlayerEvent::Kind::kTrackChanged);
    ASSERT_EQ(changes.size(), 2u);
    EXPECT_EQ(changes[0].track_id, a);
    EXPECT_EQ(changes[1].track_id, b);
    auto errors = log_.All(PlayerEvent::Kind::kError);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].track_id, "no-such-track");
    EXPECT_NE(errors[0].message.find("skipping"), std::string::npos) << errors[0].message;
    const PcmBuffer ref_b = Reference(b, 160);
    EXPECT_EQ(play.snapshot.position_samples, ref_b.frames());
}

// Round-robin switches rung on every chunk of a real track: every chunk is
// that variant's own decode, and the whole track is played exactly once.
TEST_F(PlaybackEngine, SwitchingOnEveryChunkPlaysEverySampleOfARealTrackOnce) {
    const std::string id = DemoId();
    player::PlayerConfig config = Config();
    config.preferred_kbps = 0;
    config.abr_algorithm = "round-robin";
    QueuePlay play = PlayQueueAndCapture(config, {id}, *sink_, log_, kTimeout);
    ASSERT_TRUE(play.ended) << play.error;

    std::map<int, PcmBuffer> refs;
    for (int kbps : {96, 160, 320})
        refs[kbps] = Reference(id, kbps);
    const int64_t duration = refs[96].frames();
    EXPECT_EQ(play.snapshot.frames_played, duration);

    auto chunks = log_.All(PlayerEvent::Kind::kThroughput);
    auto switches = log_.All(PlayerEvent::Kind::kSwitch);
    ASSERT_GE(chunks.size(), 5u);
    EXPECT_EQ(switches.size(), chunks.size() - 1);
    // The capture starts at the first non-zero sample of the first chunk's variant.
    int64_t lead = 0;
    const PcmBuffer& first = refs[chunks.front().kbps];
    while (lead < duration && first.samples[2 * lead] == 0.0f &&
           first.samples[2 * lead + 1] == 0.0f)
        ++lead;
    ASSERT_GE(play.captured.frames(), duration - lead);
    for (size_t i = 0; i < chunks.size(); ++i) {
        const int64_t from = std::max(chunks[i].position_samples, lead);
        const int64_t to = i + 1 < chunks.size() ? chunks[i + 1].position_samples : duration;
        EXPECT_LE(
            WorstDifference(play.captured, from - lead, refs[chunks[i].kbps], from, to - from),
            kCaptureTolerance)
            << "chunk " << i << " at " << chunks[i].position_samples << ", " << chunks[i].kbps
            << " kbit/s";
    }
    // After the last sample the device played only silence.
    for (int64_t i = (duration - lead) * 2; i < static_cast<int64_t>(play.captured.samples.size());
         ++i) {
        ASSERT_EQ(play.captured.samples[i], 0.0f) << "sound after the end at " << i / 2;
    }
}

TEST_F(PlaybackEngine, NormalisationBringsTracks12DbApartToTheTargetWithoutClipping) {
    const std::string loud = Id("Loud");
    const std::string quiet = Id("Quiet");
    player::PlayerConfig config = Config();
    config.normalisation.enabled = true;
    config.normalisation.target_lufs = -14.0;
    QueuePlay play = PlayQueueAndCapture(config, {loud, quiet}, *sink_, log_, kTimeout);
    ASSERT_TRUE(play.ended) << play.error;

    const int64_t n = 6 * kRate;
    ASSERT_GE(play.captured.frames(), 2 * n);
    const double loud_lufs = IntegratedLufs(play.captured, 0, n);
    const double quiet_lufs = IntegratedLufs(play.captured, n, 2 * n);
    EXPECT_NEAR(loud_lufs, -14.0, 1.0);
    EXPECT_NEAR(quiet_lufs, -14.0, 1.0);

    float peak = 0.0f;
    for (float v : play.captured.samples)
        peak = std::max(peak, std::fabs(v));
    EXPECT_LE(peak, std::pow(10.0f, -1.0f / 20) + kCaptureTolerance) << "the limiter let a peak by";
    auto changes = log_.All(PlayerEvent::Kind::kTrackChanged);
    ASSERT_EQ(changes.size(), 2u);
    EXPECT_LT(changes[0].gain_db, 0.0);  // the loud track is turned down
    EXPECT_GT(changes[1].gain_db, 0.0);  // the quiet one up, clicks and all
    EXPECT_NEAR(changes[1].gain_db - changes[0].gain_db, 12.0, 1.0);
}

TEST_F(PlaybackEngine, CrossfadeOnASkipLastsTheChosenLength) {
    const std::string low = Id("Tone low");
    const std::string high = Id("Tone high");
    player::PlayerConfig config = Config();
    config.crossfade_seconds = 1.0;
    sink_->ClearCapture();
    {
        player::PlaybackSession session(config, log_.Sink());
        ASSERT_TRUE(session.PlayQueue({low, high}, 0).ok());
        ASSERT_TRUE(WaitUntil([&] { return session.Snapshot().frames_played >= 2 * kRate; },
                              std::chrono::seconds(30)));
        session.Next();
        ASSERT_TRUE(WaitUntil([&] { return session.Snapshot().frames_played >= 5 * kRate; },
                              std::chrono::seconds(30)));
        session.Stop();
    }
    ASSERT_TRUE(WaitUntil([&] { return sink_->frames() >= 5 * kRate; }, std::chrono::seconds(10)));
    PcmBuffer pcm = sink_->Captured();
    StripLeadingSilence(&pcm);

    const Fade fade = MeasureFade(pcm);
    ASSERT_GE(fade.in, 0) << "the second track never played";
    ASSERT_GT(fade.out, fade.in);
    // The 2 % points of the sine/cosine curves lie 1.3 % inside each end.
    EXPECT_NEAR(static_cast<double>(fade.out - fade.in) / kRate, 0.975, 0.03);
}

TEST_F(PlaybackEngine, CrossfadeJoinsTracksOverTheChosenLength) {
    player::PlayerConfig config = Config();
    config.crossfade_seconds = 2.0;
    QueuePlay play =
        PlayQueueAndCapture(config, {Id("Tone low"), Id("Tone high")}, *sink_, log_, kTimeout);
    ASSERT_TRUE(play.ended) << play.error;
    const Fade fade = MeasureFade(play.captured);
    ASSERT_GE(fade.in, 0) << "the second track never played";
    // The fade ends where the first track does (10 s), and the tracks overlap
    // by the crossfade: 10 + 10 - 2 s in all.
    EXPECT_NEAR(static_cast<double>(fade.out) / kRate, 10.0, 0.05);
    EXPECT_NEAR(static_cast<double>(fade.out - fade.in) / kRate, 2 * 0.975, 0.05);
    EXPECT_EQ(play.snapshot.frames_played, 18 * kRate);
    EXPECT_TRUE(log_.All(PlayerEvent::Kind::kError).empty()) << log_.FirstError();
}

TEST_F(PlaybackEngine, UrlsExpiringMidTrackAreRefreshedWithoutAGap) {
    const std::string id = Id("Long cosine");
    player::PlayerConfig config = Config();
    config.buffer_target_seconds = 2.0;  // keep fetching through the whole track
    config.chunk_seconds = 0.5;
    // At 2x real time the 14 s track outlives its 2 s URLs a few times over.
    sink_.reset();
    sink_ = std::make_unique<PacedAudioSink>(Fifo(), kRate, 2, 2.0, true);
    QueuePlay play = PlayQueueAndCapture(config, {id}, *sink_, log_, kTimeout);
    ASSERT_TRUE(play.ended) << play.error;
    EXPECT_GE(play.snapshot.url_refreshes, 1);
    EXPECT_EQ(play.snapshot.underruns, 0);
    const PcmBuffer ref = Reference(id, 160);
    EXPECT_EQ(play.snapshot.frames_played, ref.frames());
    EXPECT_LE(WorstDifference(play.captured, 0, ref, 0, ref.frames()), kCaptureTolerance);
}

TEST_F(PlaybackEngine, ATrackStreamedWholePlaysAgainWithTheServerGone) {
    ServedCatalog own;
    Status served = own.Start({suite_->sources.Join("Loud.ogg")});
    ASSERT_TRUE(served.ok()) << served.error().message;
    TempDir cache;
    player::PlayerConfig config = own.Config();
    config.cache_dir = cache.path();
    const std::string id = own.Id("Loud");
    auto reference = DownloadAndDecodeVariant(own.server->api_url(), own.token, id, 160);
    ASSERT_TRUE(reference.ok());

    QueuePlay streamed = PlayQueueAndCapture(config, {id}, *sink_, log_, kTimeout);
    ASSERT_TRUE(streamed.ended) << streamed.error;
    own.server->Stop();
    EventLog offline_log;
    QueuePlay offline = PlayQueueAndCapture(config, {id}, *sink_, offline_log, kTimeout);
    ASSERT_TRUE(offline.ended) << offline.error;
    EXPECT_EQ(offline.snapshot.frames_played, reference->frames());
    EXPECT_LE(WorstDifference(offline.captured, 0, *reference, 0, reference->frames()),
              kCaptureTolerance);
}

// Every connection of this CDN is cut after 50 kB, well inside a 320 kbit/s
// chunk: what arrived is kept and the rest asked for, so the track plays
// whole and exact.
TEST_F(PlaybackEngine, ConnectionsCutMidChunkStillPlayTheWholeTrack) {
    ServedCatalog own;
    Status served = own.Start({suite_->demo_path}, {"--reset-after-bytes", "50000"});
    ASSERT_TRUE(served.ok()) << served.error().message;
    player::PlayerConfig config = own.Config();
    config.preferred_kbps = 320;
    const std::string id = FindTrackId(own.server->api_url(), own.token, "", {"no title excluded"});
    QueuePlay play = PlayQueueAndCapture(config, {id}, *sink_, log_, kTimeout);
    ASSERT_TRUE(play.ended) << play.error;
    auto reference = DownloadAndDecodeVariant(own.server->api_url(), own.token, id, 320);
    ASSERT_FALSE(reference.ok()) << "the faulty CDN served a whole file in one answer";
    // The reference comes from the suite's server, which serves the same file.
    const PcmBuffer ref = Reference(DemoId(), 320);
    EXPECT_EQ(play.snapshot.frames_played, ref.frames());
    int64_t lead = 0;
    while (lead < ref.frames() && ref.samples[2 * lead] == 0.0f &&
           ref.samples[2 * lead + 1] == 0.0f)
        ++lead;
    EXPECT_LE(WorstDifference(play.captured, 0, ref, lead, ref.frames() - lead), kCaptureTolerance);
}

// The server goes away for 3 s while 10 s or more are fetched ahead: the
// listener hears nothing of it.
TEST_F(PlaybackEngine, AShortCdnOutageIsRiddenOutOnTheBuffer) {
    ServedCatalog own;
    const std::string source = suite_->sources.Join("Outage.ogg");
    ASSERT_TRUE(
        WriteOggVorbis(source, MakeCosine(441.0, 40.0, kRate), 0.5f, {"TITLE=Outage"}).ok());
    Status served = own.Start({source});
    ASSERT_TRUE(served.ok()) << served.error().message;
    const std::string api_port = own.server->api_url().substr(own.server->api_url().rfind(':') + 1);
    const std::string cdn_port = own.server->cdn_url().substr(own.server->cdn_url().rfind(':') + 1);
    const std::string id = own.Id("Outage");
    const auto reference = DownloadAndDecodeVariant(own.server->api_url(), own.token, id, 160);
    ASSERT_TRUE(reference.ok());

    sink_.reset();
    sink_ = std::make_unique<PacedAudioSink>(Fifo(), kRate, 2, 2.0, true);
    player::PlayerConfig config = own.Config();
    config.buffer_target_seconds = 20.0;
    config.chunk_seconds = 1.0;
    player::PlaybackSnapshot end;
    {
        player::PlaybackSession session(config, log_.Sink());
        ASSERT_TRUE(session.Play(id).ok());
        ASSERT_TRUE(WaitUntil([&] { return session.Snapshot().buffer_seconds >= 10.0; },
                              std::chrono::seconds(30)));
        own.server->Stop();
        std::this_thread::sleep_for(std::chrono::seconds(3));
        auto again =
            ServerProcess::Start(own.data.path(), {"--port", api_port, "--cdn-port", cdn_port});
        ASSERT_TRUE(again.ok()) << again.error().message;
        own.server = std::move(again.value());
        ASSERT_TRUE(WaitUntil(
            [&] {
                auto state = session.Snapshot().state;
                return state == player::PlaybackState::kEnded ||
                       state == player::PlaybackState::kError;
            },
            std::chrono::seconds(60)));
        end = session.Snapshot();
    }
    EXPECT_EQ(end.state, player::PlaybackState::kEnded) << log_.FirstError();
    EXPECT_EQ(end.frames_played, reference->frames());
    EXPECT_EQ(end.underruns, 0);
}

// The server goes away for good: what was fetched still plays, then the
// failure is reported.
TEST_F(PlaybackEngine, ALostServerIsReportedAfterTheBufferedAudioPlayed) {
    ServedCatalog own;
    const std::string source = suite_->sources.Join("Lost.ogg");
    ASSERT_TRUE(WriteOggVorbis(source, MakeCosine(441.0, 40.0, kRate), 0.5f, {"TITLE=Lost"}).ok());
    Status served = own.Start({source});
    ASSERT_TRUE(served.ok()) << served.error().message;
    sink_.reset();
    sink_ = std::make_unique<PacedAudioSink>(Fifo(), kRate, 2, 3.0, true);
    player::PlayerConfig config = own.Config();
    config.buffer_target_seconds = 12.0;
    config.chunk_seconds = 1.0;
    player::PlaybackSession session(config, log_.Sink());
    ASSERT_TRUE(session.Play(own.Id("Lost")).ok());
    ASSERT_TRUE(WaitUntil([&] { return session.Snapshot().buffer_seconds >= 8.0; },
                          std::chrono::seconds(30)));
    const player::PlaybackSnapshot at_loss = session.Snapshot();
    own.server->Stop();
    ASSERT_TRUE(WaitUntil([&] { return session.Snapshot().state == player::PlaybackState::kError; },
                          std::chrono::seconds(60)));
    const int64_t heard_after = session.Snapshot().frames_played - at_loss.frames_played;
    // All but the last chunk or so of what was fetched reached the device.
    EXPECT_GE(heard_after, static_cast<int64_t>((at_loss.buffer_seconds - 1.5) * kRate))
        << "buffer at the loss " << at_loss.buffer_seconds << " s";
    EXPECT_NE(log_.FirstError().find("giving up"), std::string::npos) << log_.FirstError();
}

TEST_F(PlaybackEngine, ACdnThatKeepsRefusingEndsInAClearError) {
    ServedCatalog own;
    Status served = own.Start({suite_->sources.Join("Loud.ogg")}, {"--expire-urls-for", "3600"});
    ASSERT_TRUE(served.ok()) << served.error().message;
    player::PlayerConfig config = own.Config();
    const std::string id = own.Id("Loud");
    QueuePlay play = PlayQueueAndCapture(config, {id}, *sink_, log_, std::chrono::seconds(30));
    EXPECT_FALSE(play.ended);
    EXPECT_EQ(play.snapshot.state, player::PlaybackState::kError);
    EXPECT_NE(play.error.find("refuses fresh URLs"), std::string::npos) << play.error;
}

}  // namespace
}  // namespace tonearm::testing
