// The real player against tonearm-server shaping its CDN with a step-down
// bandwidth trace, in real time: the bitrate controller must climb while the
// link is fast and step down after the drop before the buffer runs dry.
#include <optional>
#include <random>

#include "tests/integration/engine_fixture.h"

namespace tonearm::testing {
namespace {

constexpr int kRate = 44100;
constexpr double kFastSeconds = 12.0;  // of the trace, from the server's start
constexpr double kFastMbps = 4.0;
constexpr double kSlowMbps = 0.12;  // below the middle rung

// Noise codes near its nominal bitrate at every rung (a pure tone would not).
PcmBuffer Noise(double seconds) {
    PcmBuffer pcm;
    pcm.sample_rate = kRate;
    pcm.channels = 2;
    std::mt19937 random(7);
    std::uniform_real_distribution<float> level(-0.3f, 0.3f);
    pcm.samples.resize(static_cast<size_t>(seconds * kRate) * 2);
    for (float& v : pcm.samples)
        v = level(random);
    return pcm;
}

TEST(LiveAbr, StepDownTraceLowersTheBitrateBeforeTheBufferEmpties) {
    TempDir home;
    TempDir data;
    const std::string fifo = home.Join("device.fifo");
    ASSERT_TRUE(InstallAlsaFileSink(home.path(), fifo, kRate, 2).ok());
    setenv("HOME", home.path().c_str(), 1);
    PacedAudioSink sink(fifo, kRate, 2, 1.0);  // a sound card's pace: the trace is real time

    const std::string source = data.Join("noise.ogg");
    ASSERT_TRUE(WriteOggVorbis(source, Noise(90.0), 0.9f, {"TITLE=Noise"}).ok());
    const std::string trace = data.Join("step.txt");
    ASSERT_TRUE(WriteFileBytes(trace, "# seconds  Mbit/s\n" + std::to_string(kFastSeconds) + " " +
                                          std::to_string(kFastMbps) + "\n600 " +
                                          std::to_string(kSlowMbps) + "\n")
                    .ok());
    ServedCatalog catalog;
    Status served = catalog.Start({source}, {"--trace", trace});
    ASSERT_TRUE(served.ok()) << served.error().message;
    // The trace's clock started with the server, just before the log-in.
    const auto started = std::chrono::steady_clock::now();

    player::PlayerConfig config = catalog.Config();
    config.preferred_kbps = 0;  // automatic
    config.start_buffer_seconds = 0.5;
    config.buffer_target_seconds = 12.0;
    EventLog log;
    player::PlaybackSession session(config, log.Sink());
    ASSERT_TRUE(session.Play(catalog.Id("Noise")).ok());

    const auto step_down = [](const PlayerEvent& e) {
        return e.kind == PlayerEvent::Kind::kSwitch && e.kbps < e.previous_kbps;
    };
    // Climbing while fast is allowed to step down too; wait for the drop.
    ASSERT_TRUE(WaitUntil(
        [&] { return std::chrono::steady_clock::now() - started > std::chrono::seconds(12); },
        std::chrono::seconds(20)));
    const size_t before = log.All(PlayerEvent::Kind::kSwitch).size();
    std::optional<PlayerEvent> down;
    WaitUntil(
        [&] {
            std::vector<PlayerEvent> switches = log.All(PlayerEvent::Kind::kSwitch);
            for (size_t i = before; i < switches.size() && !down; ++i) {
                if (step_down(switches[i])) down = switches[i];
            }
            return down.has_value();
        },
        std::chrono::seconds(40));
    std::string story;
    for (const PlayerEvent& e : log.All(PlayerEvent::Kind::kThroughput)) {
        story += std::to_string(e.position_samples / kRate) + "s@" + std::to_string(e.kbps) + ":" +
                 std::to_string(static_cast<int>(e.chunk_kbps)) + "kbps/buf" +
                 std::to_string(static_cast<int>(e.buffer_seconds)) + " ";
    }
    for (const PlayerEvent& e : log.All(PlayerEvent::Kind::kUnderrun))
        story += "underrun@" + std::to_string(e.position_samples / kRate) + " ";
    SCOPED_TRACE(story);
    ASSERT_TRUE(down) << "no step down after the bandwidth dropped";
    EXPECT_GE(down->buffer_seconds, 2.0) << "stepped down with the buffer nearly empty";
    EXPECT_EQ(session.Snapshot().underruns, 0);

    // The fast link had been used: something above the lowest rung was fetched.
    int best = 0;
    for (const PlayerEvent& chunk : log.All(PlayerEvent::Kind::kThroughput))
        best = std::max(best, chunk.kbps);
    EXPECT_GE(best, 160);
    // And the listener never heard a stall, then or for a while after.
    std::this_thread::sleep_for(std::chrono::seconds(6));
    EXPECT_EQ(session.Snapshot().underruns, 0);
    EXPECT_EQ(session.Snapshot().state, player::PlaybackState::kPlaying);
    session.Stop();
}

}  // namespace
}  // namespace tonearm::testing
