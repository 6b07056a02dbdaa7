// Shared by the streaming-engine tests: a real tonearm-server with generated
// tracks, and PlaybackSession playing through real PortAudio into ALSA's file
// plugin writing a FIFO that a PacedAudioSink drains (and captures) at a
// multiple of real time, so the device is paced as a sound card would be.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "player/playback_session.h"
#include "tests/support/alsa_file_sink.h"
#include "tests/support/paced_audio_sink.h"
#include "tests/support/playback_support.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_audio.h"

namespace tonearm::testing {

// S16 rounding of the capture and the float noise between two decodes of
// the same bytes.
inline constexpr float kCaptureTolerance = 2.0f / 32768 + 1e-4f;

// A catalog ingested into a folder of its own and served by a real
// tonearm-server on 127.0.0.1, logged in as demo.
struct ServedCatalog {
    TempDir data;
    std::unique_ptr<ServerProcess> server;
    std::string token;

    // Ingests paths and starts the server with extra_args; the error names
    // the ingest output or the server's failure.
    Status Start(const std::vector<std::string>& paths,
                 const std::vector<std::string>& extra_args = {}) {
        std::string output;
        Status ingested = RunIngest(data.path(), paths, &output);
        if (!ingested.ok()) return ingested.error().Wrap(output);
        auto started = ServerProcess::Start(data.path(), extra_args);
        if (!started.ok()) return started.error();
        server = std::move(started.value());
        auto login = Login(server->api_url());
        if (!login.ok()) return login.error();
        token = *login;
        return Status::Ok();
    }
    std::string Id(const std::string& title) const {
        return FindTrackId(server->api_url(), token, title);
    }
    // A player configuration for this server at a fixed 160 kbit/s.
    player::PlayerConfig Config() const {
        player::PlayerConfig config;
        config.api_base_url = server->api_url();
        config.token = token;
        config.preferred_kbps = 160;
        config.start_buffer_seconds = 1.0;
        return config;
    }
};

// What a queue played: how it ended and what the device took.
struct QueuePlay {
    bool ended = false;
    std::string error;
    player::PlaybackSnapshot snapshot;
    PcmBuffer captured;  // leading device silence removed
    int64_t stripped = 0;
};

// Plays ids with config until the queue ends (or fails, or timeout), then
// waits until the sink has read everything the device wrote.
inline QueuePlay PlayQueueAndCapture(const player::PlayerConfig& config,
                                     const std::vector<std::string>& ids, PacedAudioSink& sink,
                                     EventLog& log, std::chrono::seconds timeout) {
    QueuePlay play;
    sink.ClearCapture();
    {
        player::PlaybackSession session(config, log.Sink());
        Status started = session.PlayQueue(ids, 0);
        if (!started.ok()) {
            play.error = started.error().message;
            return play;
        }
        const bool finished = WaitUntil(
            [&] {
                auto state = session.Snapshot().state;
                return state == player::PlaybackState::kEnded ||
                       state == player::PlaybackState::kError;
            },
            timeout);
        play.snapshot = session.Snapshot();
        play.ended = finished && play.snapshot.state == player::PlaybackState::kEnded;
        if (!play.ended) play.error = finished ? log.FirstError() : "timed out";
    }
    // The stream is closed: wait until the reader has drained the FIFO.
    int64_t seen = -1;
    WaitUntil(
        [&] {
            const int64_t now = sink.frames();
            const bool still = now == seen;
            seen = now;
            if (!still) std::this_thread::sleep_for(std::chrono::milliseconds(150));
            return still;
        },
        std::chrono::seconds(10));
    play.captured = sink.Captured();
    play.stripped = StripLeadingSilence(&play.captured);
    return play;
}

// Largest |a[a_at + i] - b[b_at + i]| over frames frames (both channels);
// +inf when either buffer is too short.
inline float WorstDifference(const PcmBuffer& a, int64_t a_at, const PcmBuffer& b, int64_t b_at,
                             int64_t frames) {
    if (a_at < 0 || b_at < 0 || a.frames() < a_at + frames || b.frames() < b_at + frames) {
        return INFINITY;
    }
    float worst = 0.0f;
    for (int64_t i = 0; i < frames * 2; ++i) {
        const float want = std::clamp(b.samples[b_at * 2 + i], -1.0f, 32767.0f / 32768);
        worst = std::max(worst, std::fabs(a.samples[a_at * 2 + i] - want));
    }
    return worst;
}

// Amplitude of the freq_hz component of channel 0 over [at, at + frames).
inline double ToneAmplitude(const PcmBuffer& pcm, int64_t at, int64_t frames, double freq_hz) {
    double re = 0.0;
    double im = 0.0;
    for (int64_t i = 0; i < frames; ++i) {
        const double phase = 2 * M_PI * freq_hz * static_cast<double>(i) / pcm.sample_rate;
        const double v = pcm.samples[static_cast<size_t>((at + i) * pcm.channels)];
        re += v * std::cos(phase);
        im += v * std::sin(phase);
    }
    return 2.0 * std::hypot(re, im) / static_cast<double>(frames);
}

}  // namespace tonearm::testing
