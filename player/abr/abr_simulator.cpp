#include "player/abr/abr_simulator.h"

#include <algorithm>
#include <cmath>

namespace tonearm::player::abr {
namespace {

// The session's chunks in play order, with the variant index of every rung
// in each chunk's track.
struct SessionLayout {
    std::vector<int> ladder;
    std::vector<std::vector<size_t>> variant_of_rung;  // [track][rung]
    std::vector<std::pair<size_t, size_t>> chunks;     // (track, chunk)
};

SessionLayout Layout(const std::vector<PlannedTrack>& tracks, const SimulationConfig& config) {
    SessionLayout layout;
    if (tracks.empty()) return layout;
    std::vector<int> wanted = config.ladder_kbps.empty() ? tracks.front().kbps : config.ladder_kbps;
    std::sort(wanted.begin(), wanted.end());
    for (int kbps : wanted) {
        bool everywhere = true;
        for (const PlannedTrack& t : tracks) {
            everywhere = everywhere && std::count(t.kbps.begin(), t.kbps.end(), kbps) > 0;
        }
        if (everywhere) layout.ladder.push_back(kbps);
    }
    for (const PlannedTrack& t : tracks) {
        std::vector<size_t> map;
        for (int kbps : layout.ladder) {
            map.push_back(std::find(t.kbps.begin(), t.kbps.end(), kbps) - t.kbps.begin());
        }
        layout.variant_of_rung.push_back(map);
    }
    for (size_t t = 0; t < tracks.size(); ++t) {
        for (size_t c = 0; c < tracks[t].chunks.size(); ++c)
            layout.chunks.emplace_back(t, c);
    }
    return layout;
}

class Session {
public:
    Session(const std::vector<PlannedTrack>& tracks, const SimulationConfig& config)
        : tracks_(tracks), config_(config), layout_(Layout(tracks, config)) {
        headers_fetched_.assign(tracks.size(), std::vector<bool>(layout_.ladder.size(), false));
    }

    bool Empty() const { return layout_.ladder.empty() || layout_.chunks.empty(); }
    size_t ChunkCount() const { return layout_.chunks.size(); }
    const std::vector<int>& Ladder() const { return layout_.ladder; }

    double Seconds(size_t i) const { return Chunk(i).seconds; }

    // Bytes to fetch chunk i in rung, with the variant's header pages when
    // this track has not fetched them yet (the player keeps them per track).
    int64_t Bytes(size_t i, int rung, bool first_of_fetch) const {
        const auto [track, chunk] = layout_.chunks[i];
        const size_t variant = layout_.variant_of_rung[track][rung];
        int64_t bytes = tracks_[track].chunks[chunk].bytes[variant];
        const bool new_track = i == 0 || layout_.chunks[i - 1].first != track;
        if (!headers_fetched_[track][rung] && (first_of_fetch || new_track)) {
            bytes += tracks_[track].header_bytes[variant];
        }
        return bytes;
    }

    void MarkFetched(size_t i, int rung) { headers_fetched_[layout_.chunks[i].first][rung] = true; }

    std::vector<UpcomingChunk> Upcoming(size_t i) const {
        std::vector<UpcomingChunk> upcoming;
        const size_t end = std::min(ChunkCount(), i + config_.lookahead_chunks);
        for (size_t k = i; k < end; ++k) {
            UpcomingChunk u;
            u.seconds = Seconds(k);
            for (int rung = 0; rung < static_cast<int>(Ladder().size()); ++rung) {
                u.bytes.push_back(Bytes(k, rung, k == i));
            }
            upcoming.push_back(std::move(u));
        }
        return upcoming;
    }

private:
    const PlannedChunk& Chunk(size_t i) const {
        return tracks_[layout_.chunks[i].first].chunks[layout_.chunks[i].second];
    }

    const std::vector<PlannedTrack>& tracks_;
    const SimulationConfig& config_;
    SessionLayout layout_;
    std::vector<std::vector<bool>> headers_fetched_;  // [track][rung]
};

}  // namespace

SimulationResult Simulate(AbrController& controller, const BandwidthTrace& trace,
                          const std::vector<PlannedTrack>& tracks, const SimulationConfig& config) {
    SimulationResult result;
    result.algorithm = controller.Name();
    result.trace = trace.name;
    Session session(tracks, config);
    if (session.Empty() || trace.points.empty()) return result;
    const TraceLink link(trace, config.request_latency_seconds);

    double now = 0.0;
    double buffer = 0.0;
    bool playing = false;
    int current = -1;
    for (size_t i = 0; i < session.ChunkCount(); ++i) {
        SimulatedChunk chunk;
        chunk.seconds = session.Seconds(i);

        // Wait until the chunk fits under the maximum buffer.
        const double excess = buffer + chunk.seconds - config.max_buffer_seconds;
        if (playing && excess > 0.0) {
            now += excess;
            buffer -= excess;
        }

        AbrContext context;
        context.ladder_kbps = session.Ladder();
        context.current = current;
        context.buffer_seconds = buffer;
        context.max_buffer_seconds = config.max_buffer_seconds;
        context.now_seconds = now;
        context.chunk_seconds = chunk.seconds;
        context.upcoming = session.Upcoming(i);
        context.queue_ends_after_upcoming = i + context.upcoming.size() >= session.ChunkCount();
        const int last = static_cast<int>(context.ladder_kbps.size()) - 1;
        const int rung = std::clamp(controller.ChooseRung(context), 0, last);

        chunk.kbps = context.ladder_kbps[rung];
        chunk.bytes = session.Bytes(i, rung, true);
        session.MarkFetched(i, rung);
        chunk.request_seconds = now;
        chunk.buffer_at_request = buffer;
        chunk.arrival_seconds = link.FinishTime(now, chunk.bytes);
        const double download = chunk.arrival_seconds - now;

        if (playing) {
            chunk.stall_seconds = std::max(download - buffer, 0.0);
            buffer = std::max(buffer - download, 0.0);
        } else {
            playing = true;
            result.startup_seconds = chunk.arrival_seconds;
        }
        buffer += chunk.seconds;
        chunk.buffer_after = buffer;
        now = chunk.arrival_seconds;

        controller.OnChunkDownloaded({chunk.bytes, download, link.LatencySeconds()});
        if (current >= 0 && rung != current) ++result.switches;
        current = rung;
        result.rebuffer_seconds += chunk.stall_seconds;
        result.played_seconds += chunk.seconds;
        result.bytes += chunk.bytes;
        result.chunks.push_back(chunk);
    }

    result.session_seconds = now + buffer;
    double kbps_seconds = 0.0;
    for (const SimulatedChunk& c : result.chunks)
        kbps_seconds += c.kbps * c.seconds;
    result.mean_kbps = kbps_seconds / result.played_seconds;
    result.qoe = SessionQoe(result, config.weights);
    result.qoe_light_stall = SessionQoe(result, kLightStallWeights);
    return result;
}

double SessionQoe(const SimulationResult& result, const QoeWeights& weights) {
    if (result.chunks.empty() || result.played_seconds <= 0.0) return 0.0;
    double utility = 0.0;
    double switch_cost = 0.0;
    for (size_t i = 0; i < result.chunks.size(); ++i) {
        utility += result.chunks[i].kbps * result.chunks[i].seconds;
        if (i > 0) switch_cost += std::abs(result.chunks[i].kbps - result.chunks[i - 1].kbps);
    }
    const double total = utility - weights.rebuffer_per_second * result.rebuffer_seconds -
                         weights.startup_per_second * result.startup_seconds -
                         weights.switch_per_kbps * switch_cost;
    return total / result.played_seconds;
}

std::vector<PlannedTrack> RepeatTracks(const std::vector<PlannedTrack>& tracks,
                                       double total_seconds) {
    std::vector<PlannedTrack> session;
    double audio = 0.0;
    for (const PlannedTrack& t : tracks)
        audio += t.DurationSeconds();
    if (audio <= 0.0) return session;  // nothing would ever cover the total

    double covered = 0.0;
    for (size_t n = 0; covered < total_seconds; ++n) {
        PlannedTrack track = tracks[n % tracks.size()];
        if (track.chunks.empty()) continue;
        std::vector<PlannedChunk> kept;
        for (const PlannedChunk& c : track.chunks) {
            if (covered >= total_seconds) break;
            kept.push_back(c);
            covered += c.seconds;
        }
        track.chunks = std::move(kept);
        session.push_back(std::move(track));
    }
    return session;
}

std::vector<PlannedTrack> SyntheticSession(const SyntheticModel& model, double total_seconds,
                                           double track_seconds, uint64_t seed) {
    std::vector<PlannedTrack> tracks;
    double remaining = total_seconds;
    for (int n = 0; remaining > 1e-9; ++n) {
        const double seconds = std::min(track_seconds, remaining);
        tracks.push_back(SyntheticTrack(model, seconds, seed * 1000003ull + n,
                                        "synthetic-" + std::to_string(n + 1)));
        remaining -= seconds;
    }
    return tracks;
}

}  // namespace tonearm::player::abr
