#include <gtest/gtest.h>

#include "player/abr/abr_simulator.h"
#include "player/abr/algorithms.h"

namespace tonearm::player::abr {
namespace {

BandwidthTrace ConstantTrace(double mbps, double seconds = 100.0) {
    return BandwidthTrace{"constant", {{seconds, mbps}}};
}

// A track of equal chunks in every variant of ladder.
PlannedTrack EvenTrack(const std::vector<int>& ladder, int chunks, int64_t header_bytes) {
    PlannedTrack track;
    track.name = "even";
    track.kbps = ladder;
    track.header_bytes.assign(ladder.size(), header_bytes);
    for (int i = 0; i < chunks; ++i) {
        PlannedChunk c{2.0, {}};
        for (int kbps : ladder)
            c.bytes.push_back(kbps * 1000 / 8 * 2);
        track.chunks.push_back(c);
    }
    return track;
}

// Plays a fixed sequence of rungs and records what it was told.
class ScriptedController final : public AbrController {
public:
    explicit ScriptedController(std::vector<int> script) : script_(std::move(script)) {}
    std::string Name() const override { return "scripted"; }
    int ChooseRung(const AbrContext& context) override {
        seen_.push_back(context);
        return script_[std::min(seen_.size() - 1, script_.size() - 1)];
    }
    void OnChunkDownloaded(const ThroughputSample& sample) override { samples_.push_back(sample); }

    std::vector<int> script_;
    std::vector<AbrContext> seen_;
    std::vector<ThroughputSample> samples_;
};

TEST(AbrSimulator, AccountsStartupAndBufferOnAFastLink) {
    // 1 Mbit/s, 100 ms to the first byte, three 2 s chunks of 24000 bytes
    // plus 1000 header bytes on the first.
    ScriptedController controller({0});
    SimulationConfig config;
    config.request_latency_seconds = 0.1;
    auto result = Simulate(controller, ConstantTrace(1.0), {EvenTrack({96}, 3, 1000)}, config);

    ASSERT_EQ(result.chunks.size(), 3u);
    EXPECT_NEAR(result.startup_seconds, 0.1 + 0.2, 1e-9);                 // 25000 bytes
    EXPECT_NEAR(result.chunks[1].buffer_after, 2.0 - 0.292 + 2.0, 1e-9);  // 24000 bytes
    EXPECT_NEAR(result.chunks[2].buffer_after, 3.708 - 0.292 + 2.0, 1e-9);
    EXPECT_DOUBLE_EQ(result.rebuffer_seconds, 0.0);
    EXPECT_DOUBLE_EQ(result.played_seconds, 6.0);
    EXPECT_NEAR(result.session_seconds, result.startup_seconds + 6.0, 1e-9);
    EXPECT_EQ(result.bytes, 73000);
    EXPECT_EQ(result.switches, 0);
    // The controller measured each download, latency included.
    ASSERT_EQ(controller.samples_.size(), 3u);
    EXPECT_EQ(controller.samples_[0].bytes, 25000);
    EXPECT_NEAR(controller.samples_[0].seconds, 0.3, 1e-9);
    EXPECT_DOUBLE_EQ(controller.samples_[0].first_byte_seconds, 0.1);
}

TEST(AbrSimulator, CountsEveryStallOnASlowLink) {
    // 100 kbit/s and chunks of 400 kbit: each takes 4 s, the buffer holds 2 s.
    ScriptedController controller({0});
    SimulationConfig config;
    config.request_latency_seconds = 0.0;
    PlannedTrack track = EvenTrack({200}, 3, 0);
    auto result = Simulate(controller, ConstantTrace(0.1), {track}, config);

    EXPECT_NEAR(result.startup_seconds, 4.0, 1e-9);
    EXPECT_NEAR(result.chunks[1].stall_seconds, 2.0, 1e-9);
    EXPECT_NEAR(result.chunks[2].stall_seconds, 2.0, 1e-9);
    EXPECT_NEAR(result.rebuffer_seconds, 4.0, 1e-9);
    // Wall time = waiting for the start + audio + stalls.
    EXPECT_NEAR(result.session_seconds, 4.0 + 6.0 + 4.0, 1e-9);
    // QoE per second of audio: 200 kbps minus 320 per second of startup and
    // 1280 per second of stall (320 with the light stall weights).
    EXPECT_NEAR(result.qoe, (200.0 * 6.0 - 320.0 * 4.0 - 1280.0 * 4.0) / 6.0, 1e-9);
    EXPECT_NEAR(result.qoe_light_stall, (200.0 * 6.0 - 320.0 * 4.0 - 320.0 * 4.0) / 6.0, 1e-9);
}

TEST(AbrSimulator, CountsSwitchesAndTheirCostAndFetchesHeadersOncePerVariant) {
    ScriptedController controller({0, 1, 1, 0, 2});
    SimulationConfig config;
    config.request_latency_seconds = 0.0;
    auto result =
        Simulate(controller, ConstantTrace(100.0), {EvenTrack({96, 160, 320}, 5, 4000)}, config);

    ASSERT_EQ(result.chunks.size(), 5u);
    EXPECT_EQ(result.switches, 3);
    EXPECT_NEAR(result.mean_kbps, (96 + 160 + 160 + 96 + 320) / 5.0, 1e-9);
    // Headers of each variant once: 96 (chunk 0), 160 (chunk 1), 320 (chunk 4).
    EXPECT_EQ(result.chunks[0].bytes, 24000 + 4000);
    EXPECT_EQ(result.chunks[1].bytes, 40000 + 4000);
    EXPECT_EQ(result.chunks[2].bytes, 40000);
    EXPECT_EQ(result.chunks[3].bytes, 24000);
    EXPECT_EQ(result.chunks[4].bytes, 80000 + 4000);
    const double utility = 2.0 * (96 + 160 + 160 + 96 + 320);
    const double switch_cost = 64 + 64 + 224;
    EXPECT_NEAR(result.qoe, (utility - 320.0 * result.startup_seconds - switch_cost) / 10.0, 1e-9);
    // The controller was told which chunk would need header bytes.
    EXPECT_EQ(controller.seen_[2].upcoming[0].bytes[0], 24000);
    EXPECT_EQ(controller.seen_[2].upcoming[0].bytes[2], 84000);
}

TEST(AbrSimulator, WaitsAtTheMaximumBuffer) {
    ScriptedController controller({2});
    SimulationConfig config;
    config.max_buffer_seconds = 6.0;
    auto result =
        Simulate(controller, ConstantTrace(50.0), {EvenTrack({96, 160, 320}, 20, 0)}, config);
    for (const SimulatedChunk& c : result.chunks)
        EXPECT_LE(c.buffer_after, 6.0 + 1e-9);
    EXPECT_DOUBLE_EQ(result.rebuffer_seconds, 0.0);
    EXPECT_NEAR(result.session_seconds, result.startup_seconds + 40.0, 1e-9);
    // Downloads idle while the buffer is full, so requests are paced by playback.
    EXPECT_GT(result.chunks.back().request_seconds, 30.0);
}

TEST(AbrSimulator, TellsTheControllerWhenTheQueueEnds) {
    ScriptedController controller({0});
    SimulationConfig config;
    config.lookahead_chunks = 4;
    Simulate(controller, ConstantTrace(5.0), {EvenTrack({96}, 6, 0)}, config);
    ASSERT_EQ(controller.seen_.size(), 6u);
    EXPECT_FALSE(controller.seen_[1].queue_ends_after_upcoming);
    EXPECT_TRUE(controller.seen_[2].queue_ends_after_upcoming);
    EXPECT_EQ(controller.seen_[5].upcoming.size(), 1u);
}

TEST(AbrSimulator, EveryAlgorithmIsDeterministic) {
    // A link that swings between 80 kbit/s and 1 Mbit/s.
    BandwidthTrace trace{"swing", {}};
    for (int i = 1; i <= 60; ++i)
        trace.points.push_back({i * 3.0, (i * 37 % 11) / 10.0 + 0.08});
    const auto tracks = SyntheticSession({}, 180.0, 120.0, 42);
    for (const std::string& name : AbrAlgorithmNames()) {
        auto first = MakeAbrController(name);
        auto second = MakeAbrController(name);
        ASSERT_TRUE(first.ok() && second.ok());
        const auto a = Simulate(**first, trace, tracks, {});
        const auto b = Simulate(**second, trace, tracks, {});
        ASSERT_EQ(a.chunks.size(), b.chunks.size()) << name;
        for (size_t i = 0; i < a.chunks.size(); ++i) {
            EXPECT_EQ(a.chunks[i].kbps, b.chunks[i].kbps) << name << " chunk " << i;
        }
        EXPECT_EQ(a.qoe, b.qoe) << name;
        EXPECT_GT(a.switches, 0) << name << " never adapted on a swinging link";
    }
}

TEST(PlanFromManifest, CutsAlongTheLowestVariantAndInterpolatesTheOthers) {
    Manifest manifest;
    manifest.track_id = "t1";
    manifest.sample_rate = 44100;
    manifest.channels = 2;
    manifest.duration_samples = 3 * 88200;
    Variant low;
    low.kbps = 96;
    low.size = 4000 + 3 * 24000;
    low.header_bytes = 4000;
    low.seek_index = {{0, 4000}, {88200, 28000}, {176400, 52000}};
    // The higher variant's seek points fall elsewhere: every 3 s.
    Variant high;
    high.kbps = 320;
    high.size = 4100 + 240000;
    high.header_bytes = 4100;
    high.seek_index = {{0, 4100}, {132300, 124100}};
    manifest.variants = {low, high};

    auto plan = PlanFromManifest(manifest);
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    ASSERT_EQ(plan->chunks.size(), 3u);
    EXPECT_EQ(plan->kbps, (std::vector<int>{96, 320}));
    EXPECT_EQ(plan->header_bytes, (std::vector<int64_t>{4000, 4100}));
    for (const PlannedChunk& c : plan->chunks) {
        EXPECT_DOUBLE_EQ(c.seconds, 2.0);
        EXPECT_EQ(c.bytes[0], 24000);
    }
    // 120000 bytes over the first 3 s, 120000 over the last 3 s.
    EXPECT_EQ(plan->chunks[0].bytes[1], 80000);
    EXPECT_EQ(plan->chunks[1].bytes[1], 80000);
    EXPECT_EQ(plan->chunks[2].bytes[1], 80000);

    Manifest empty = manifest;
    empty.variants[1].seek_index.clear();
    EXPECT_FALSE(PlanFromManifest(empty).ok());
}

TEST(RepeatTracks, PlaysTheTracksInTurnAndCutsTheLast) {
    // 6 s and 4 s tracks (and one without audio) to cover 21 s:
    // 6 + 4 + 6 + 4 = 20 s, then one 2 s chunk of the first track again.
    const auto session =
        RepeatTracks({EvenTrack({96}, 3, 0), PlannedTrack{}, EvenTrack({96}, 2, 0)}, 21.0);
    ASSERT_EQ(session.size(), 5u);
    EXPECT_EQ(session[0].chunks.size(), 3u);
    EXPECT_EQ(session[1].chunks.size(), 2u);
    EXPECT_EQ(session[2].chunks.size(), 3u);
    EXPECT_EQ(session[3].chunks.size(), 2u);
    EXPECT_EQ(session[4].chunks.size(), 1u);
    EXPECT_TRUE(RepeatTracks({PlannedTrack{}}, 10.0).empty());
}

TEST(SyntheticTrack, SameSeedSameSizesAndMeanNearNominal) {
    const SyntheticModel model;
    const PlannedTrack a = SyntheticTrack(model, 600.0, 7, "a");
    const PlannedTrack b = SyntheticTrack(model, 600.0, 7, "b");
    const PlannedTrack c = SyntheticTrack(model, 600.0, 8, "c");
    ASSERT_EQ(a.chunks.size(), 300u);
    EXPECT_DOUBLE_EQ(a.DurationSeconds(), 600.0);
    int64_t total_320 = 0;
    for (size_t i = 0; i < a.chunks.size(); ++i) {
        EXPECT_EQ(a.chunks[i].bytes, b.chunks[i].bytes);
        total_320 += a.chunks[i].bytes[2];
    }
    EXPECT_NE(a.chunks[0].bytes, c.chunks[0].bytes);
    const double kbps = total_320 * 8.0 / 600.0 / 1000.0;
    EXPECT_NEAR(kbps, 320.0, 320.0 * 0.12);
}

}  // namespace
}  // namespace tonearm::player::abr
