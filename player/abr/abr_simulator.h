// A simulated listening session on a simulated clock, for comparing ABR
// controllers on bandwidth traces.
//
// Tracks play back to back as one gapless stream. Before each chunk request
// the fetcher waits while the buffer could not take the chunk without passing
// the maximum; then the controller picks a rung and the chunk (plus that
// variant's header pages the first time the variant is used in the track)
// downloads over the trace link. Playback starts when the first chunk has
// arrived, drains the buffer in real time, stalls when it empties and resumes
// as soon as the next chunk arrives. The session ends when the last chunk has
// played. docs/abr.md describes the model and the QoE.
#pragma once

#include <string>
#include <vector>

#include "player/abr/abr_controller.h"
#include "player/abr/bandwidth_trace.h"
#include "player/abr/content_plan.h"

namespace tonearm::player::abr {

// Weights of the linear QoE (after Yin et al.), in kbit/s units with the
// utility counted per second of audio. docs/abr.md explains the choice.
struct QoeWeights {
    double rebuffer_per_second = 1280.0;  // a second of stall costs 4 s of the top rung
    double startup_per_second = 320.0;    // a second of waiting for the first audio
    double switch_per_kbps = 1.0;         // a switch costs |delta kbps|
};

// The same QoE with a stall weighed like a second of the top rung only.
inline constexpr QoeWeights kLightStallWeights{320.0, 320.0, 1.0};

struct SimulationConfig {
    double request_latency_seconds = 0.05;  // time to first byte of every request
    double max_buffer_seconds = 30.0;
    int lookahead_chunks = 16;     // chunk sizes the controller is told in advance
    std::vector<int> ladder_kbps;  // rungs the controller may use; empty: every variant
    QoeWeights weights;
};

// One chunk of the session, in request order.
struct SimulatedChunk {
    double request_seconds = 0.0;  // when the request was sent (after any wait)
    double arrival_seconds = 0.0;  // when its last byte arrived
    double buffer_at_request = 0.0;
    double buffer_after = 0.0;   // just after the chunk landed
    double stall_seconds = 0.0;  // stall while it downloaded
    int kbps = 0;
    int64_t bytes = 0;
    double seconds = 0.0;  // audio duration
};

struct SimulationResult {
    std::string algorithm;
    std::string trace;
    double qoe = 0.0;               // per second of audio, see docs/abr.md
    double qoe_light_stall = 0.0;   // the same with kLightStallWeights
    double startup_seconds = 0.0;   // session start to first audio
    double rebuffer_seconds = 0.0;  // stalls after playback started
    double played_seconds = 0.0;    // audio played
    double session_seconds = 0.0;   // session start to the end of the last chunk's playback
    double mean_kbps = 0.0;         // weighted by audio duration
    int switches = 0;
    int64_t bytes = 0;
    std::vector<SimulatedChunk> chunks;
};

// Plays tracks (in order) over a link following trace. Ladder rungs not
// offered by every track are ignored; with none left, or no chunks, the
// result is empty and qoe is 0. The controller must be fresh.
SimulationResult Simulate(AbrController& controller, const BandwidthTrace& trace,
                          const std::vector<PlannedTrack>& tracks, const SimulationConfig& config);

// The linear QoE of a finished session, per second of audio played.
double SessionQoe(const SimulationResult& result, const QoeWeights& weights);

// The tracks in turn, over and over, until their chunks cover total_seconds;
// the last track is cut after the chunk that reaches it. Empty for no tracks.
std::vector<PlannedTrack> RepeatTracks(const std::vector<PlannedTrack>& tracks,
                                       double total_seconds);

// Synthetic tracks of track_seconds each, back to back, covering at least
// total_seconds; the last one is cut to fit. Seeds are derived from seed.
std::vector<PlannedTrack> SyntheticSession(const SyntheticModel& model, double total_seconds,
                                           double track_seconds, uint64_t seed);

}  // namespace tonearm::player::abr
