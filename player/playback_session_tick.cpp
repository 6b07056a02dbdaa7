// The periodic part of the session worker: following what the listener
// hears, prefetching the next track, device start/stop decisions, and the
// events that report progress.
#include <algorithm>
#include <string>

#include "core/log.h"
#include "player/playback_session_impl.h"

namespace tonearm::player {
namespace {

constexpr char kLog[] = "player";
constexpr auto kReportInterval = std::chrono::milliseconds(500);
constexpr size_t kStartSlackFrames = 1024;  // the renderer's block: a full ring is this short

}  // namespace

void PlaybackSession::Impl::Tick() {
    CollectRetired();
    if (current_ && current_->pipeline) {
        // A failed fetch: what was fetched before it plays out first.
        if (auto error = current_->pipeline->error()) {
            const bool playing_out = !current_->pipeline->decode_done() ||
                                     current_->ring->ReadableCount() > 0 ||
                                     (device_ring_ && device_ring_->ReadableCount() > 0);
            if (!playing_out) return Fail(error->message);
        }
    }
    if (next_ && next_->pipeline && next_->pipeline->error() &&
        renderer_->DropQueued(next_->voice)) {
        LOG_WARN(kLog, "cannot prefetch " << log::Quote(next_->item.track_id) << ": "
                                          << next_->pipeline->error()->message);
        StopPipeline(*next_);
        next_.reset();
        prefetch_failed_ = true;
    }
    if (current_ && renderer_) {
        FollowTimeline();
        Prefetch();
        ReportChunks();
        output_.SetDraining(renderer_->drained());
        if (state_ == PlaybackState::kBuffering && !paused_) TickBuffering();
        if (state_ == PlaybackState::kPlaying) TickPlaying();
    }
    if (state_ == PlaybackState::kPlaying || state_ == PlaybackState::kBuffering) {
        ReportProgress(std::chrono::steady_clock::now());
    }
    UpdateSnapshot();
}

// Moves current_ on when the listener starts hearing the prefetched track,
// and keeps every track's heard position (the fetchers pace themselves by it).
void PlaybackSession::Impl::FollowTimeline() {
    const TimelinePosition heard = renderer_->PositionAt(output_.frames_consumed());
    if (next_ && heard.started && heard.id == next_->voice) {
        retiring_.push_back(std::move(current_));
        current_ = std::move(next_);
        prefetch_failed_ = false;
        auto advanced = queue_.AdvanceAfterEnd();
        if (!advanced || advanced->item_id != current_->item.item_id) {
            LOG_WARN(kLog, "the queue moved on to another item than the one prefetched");
        }
        Emit(MakeEvent(PlayerEvent::Kind::kTrackChanged));
        if (current_->heard_kbps > 0) Emit(MakeEvent(PlayerEvent::Kind::kBitrate));
    }
    if (heard.started && heard.id == current_->voice) current_->heard.store(heard.sample);
    for (auto& track : retiring_) {
        if (heard.id == track->voice) track->heard.store(heard.sample);
    }
    while (!current_->rung_changes.empty() &&
           current_->rung_changes.front().first <= current_->heard.load()) {
        const int kbps = current_->rung_changes.front().second;
        current_->rung_changes.pop_front();
        if (kbps == current_->heard_kbps) continue;
        current_->heard_kbps = kbps;
        Emit(MakeEvent(PlayerEvent::Kind::kBitrate));
    }
}

// Once the current track is fetched to its end, the next item of the queue
// is loaded and queued behind it in the renderer, so the join is gapless.
void PlaybackSession::Impl::Prefetch() {
    if (next_ || prefetch_failed_ || !current_->pipeline) return;
    if (current_->pipeline->fetched_end_sample() < current_->source.manifest.duration_samples) {
        return;
    }
    auto upcoming = queue_.PeekAfterEnd();
    if (!upcoming) return;
    auto loaded = Load(*upcoming, 0, std::nullopt);
    if (!loaded.ok()) {
        LOG_WARN(kLog, "cannot prefetch: " << loaded.error().message);
        prefetch_failed_ = true;
        return;
    }
    renderer_->SetCrossfadeSeconds(crossfade_seconds_.load());
    if (!renderer_->Enqueue(VoiceOf(**loaded))) {
        StopPipeline(**loaded);
        prefetch_failed_ = true;
        return;
    }
    next_ = std::move(loaded.value());
    LOG_DEBUG(kLog, "prefetching " << log::Quote(next_->item.track_id));
}

void PlaybackSession::Impl::TickBuffering() {
    const auto start_frames =
        static_cast<size_t>(config_.start_buffer_seconds * output_.sample_rate());
    const size_t room = ahead_frames_ > kStartSlackFrames ? ahead_frames_ - kStartSlackFrames : 1;
    const size_t buffered = device_ring_->ReadableCount() / kOutputChannels;
    const bool drained = renderer_->drained();
    if (buffered < std::min(start_frames, room) && !drained) return;
    // Drained with an empty ring: the device took the last frame before a
    // stall stopped it, or nothing was left to play.
    if (buffered == 0) return FinishQueue();
    Status started = output_.Start();
    if (!started.ok()) return Fail(started.error().message);
    SetState(PlaybackState::kPlaying);
}

void PlaybackSession::Impl::TickPlaying() {
    const size_t buffered = device_ring_->ReadableCount();
    const bool drained = renderer_->drained();
    if (drained && buffered == 0) return FinishQueue();
    if (!drained && buffered == 0 && output_.underruns() > reported_underruns_) {
        // The ring ran dry: stop the device and refill rather than stutter.
        (void)output_.Stop();
        SetState(PlaybackState::kBuffering);
    }
}

// The renderer let go of the last voice and the device ring is empty. On an
// unpaced sink the whole track may have gone through the callback since the
// last tick, so everything is settled and reported before the end is
// announced, and an end short of the track's length is an error, not kEnded.
void PlaybackSession::Impl::FinishQueue() {
    (void)output_.Stop();  // plays out what the device holds; the callback has returned after it
    ReportDeviceEvents();
    FollowTimeline();
    CollectRetired();
    ReportChunks();

    const int64_t duration = current_->source.manifest.duration_samples;
    const int64_t warnings = current_->pipeline ? current_->pipeline->decode_warnings() : 0;
    const bool device_took_all = output_.frames_consumed() >= renderer_->frames_written();
    const bool complete = current_->finished && current_->finished->complete &&
                          current_->finished->frames_taken == duration - current_->start;
    if (!device_took_all || !complete) {
        const int64_t at = device_took_all && current_->finished
                               ? current_->start + current_->finished->frames_taken
                               : current_->heard.load();
        std::string message = "track " + log::Quote(current_->item.track_id) +
                              " stopped at sample " + std::to_string(at) + " of " +
                              std::to_string(duration);
        if (warnings > 0) {
            message += " after skipping " + std::to_string(warnings) + " damaged pages or packets";
        }
        return Fail(message);
    }
    current_->heard.store(duration);
    // Only when the prefetch failed: the next playable item, from silence.
    if (auto playable = FindPlayable(queue_.AdvanceAfterEnd(), false)) {
        return HardStart(playable->first, 0, std::chrono::steady_clock::now(),
                         std::move(playable->second));
    }
    StopPipeline(*current_);
    SetState(PlaybackState::kEnded);
}

// Voices the renderer is done with: a retiring track can go; a complete
// track's sample count is checked (a gapless join must not lose a sample).
void PlaybackSession::Impl::CollectRetired() {
    if (!renderer_) return;
    for (const FinishedVoice& done : renderer_->TakeFinished()) {
        LoadedTrack* track = nullptr;
        if (current_ && current_->voice == done.id) track = current_.get();
        if (next_ && next_->voice == done.id) track = next_.get();
        for (auto& t : retiring_) {
            if (t->voice == done.id) track = t.get();
        }
        if (track == nullptr) continue;
        track->finished = done;
        const int64_t expected = track->source.manifest.duration_samples - track->start;
        if (done.complete && done.frames_taken != expected) {
            PlayerEvent event = MakeEvent(PlayerEvent::Kind::kError);
            event.track_id = track->item.track_id;
            event.message = "track " + log::Quote(track->item.track_id) + " rendered " +
                            std::to_string(done.frames_taken) + " of " + std::to_string(expected) +
                            " samples";
            Emit(event);
        }
    }
    std::erase_if(retiring_, [this](std::unique_ptr<LoadedTrack>& track) {
        if (!track->finished) return false;
        StopPipeline(*track);
        return true;
    });
}

void PlaybackSession::Impl::ReportDeviceEvents() {
    if (!first_audio_reported_ && output_.first_audio_ns() != 0) {
        first_audio_reported_ = true;
        auto heard =
            std::chrono::nanoseconds(output_.first_audio_ns()) - play_issued_.time_since_epoch();
        PlayerEvent event = MakeEvent(PlayerEvent::Kind::kFirstAudio);
        event.first_audio_ms = std::chrono::duration<double, std::milli>(heard).count();
        LOG_INFO(kLog, "first audio of " << log::Quote(event.track_id) << " after "
                                         << event.first_audio_ms << " ms");
        Emit(event);
    }
    const int64_t underruns = output_.underruns();
    if (underruns > reported_underruns_) {
        reported_underruns_ = underruns;
        Emit(MakeEvent(PlayerEvent::Kind::kUnderrun));
    }
}

// Every chunk fetched becomes a throughput event, every change of rung a
// switch event; the bitrate event follows when the listener reaches it.
void PlaybackSession::Impl::ReportChunks() {
    for (LoadedTrack* track : {current_.get(), next_.get()}) {
        if (track == nullptr || !track->pipeline) continue;
        for (const ChunkReport& chunk : track->pipeline->TakeReports()) {
            track->estimate_kbps = chunk.estimate_kbps;
            PlayerEvent event = MakeEvent(PlayerEvent::Kind::kThroughput);
            event.track_id = track->item.track_id;
            event.kbps = chunk.kbps;
            event.chunk_kbps = chunk.seconds > 0
                                   ? 8.0 * static_cast<double>(chunk.bytes) / chunk.seconds / 1000
                                   : 0.0;
            event.estimate_kbps = chunk.estimate_kbps;
            event.buffer_seconds = chunk.buffer_seconds;
            event.position_samples = chunk.first_sample;
            Emit(event);
            if (chunk.previous_kbps == 0 && track->heard_kbps == 0) {
                // The first chunk is what plays first: its rung is the track's.
                track->heard_kbps = chunk.kbps;
                if (track == current_.get()) Emit(MakeEvent(PlayerEvent::Kind::kBitrate));
            } else if (chunk.previous_kbps != chunk.kbps) {
                track->rung_changes.emplace_back(chunk.first_sample, chunk.kbps);
            }
            if (chunk.previous_kbps != 0 && chunk.previous_kbps != chunk.kbps) {
                ++track->switches;
                event.kind = PlayerEvent::Kind::kSwitch;
                event.previous_kbps = chunk.previous_kbps;
                Emit(event);
            }
        }
    }
}

void PlaybackSession::Impl::ReportProgress(SteadyTime now) {
    ReportDeviceEvents();
    if (now < next_report_) return;
    next_report_ = now + kReportInterval;
    Emit(MakeEvent(PlayerEvent::Kind::kBuffer));
    Emit(MakeEvent(PlayerEvent::Kind::kPosition));
}

PlayerEvent PlaybackSession::Impl::MakeEvent(PlayerEvent::Kind kind) const {
    PlayerEvent event;
    event.kind = kind;
    event.state = state_;
    event.underruns = output_.underruns();
    auto index = queue_.CurrentIndex();
    event.queue_index = index ? static_cast<int64_t>(*index) : -1;
    if (!current_) return event;
    const LoadedTrack& track = *current_;
    const Manifest& manifest = track.source.manifest;
    event.track_id = track.item.track_id;
    event.kbps = track.heard_kbps;
    event.gain_db = track.gain_db;
    event.estimate_kbps = track.estimate_kbps;
    event.sample_rate = manifest.sample_rate;
    event.duration_samples = manifest.duration_samples;
    const int64_t heard = std::min(track.heard.load(), manifest.duration_samples);
    event.position_samples = state_ == PlaybackState::kEnded ? manifest.duration_samples : heard;
    if (track.pipeline && manifest.sample_rate > 0) {
        const int64_t ahead = std::max<int64_t>(track.pipeline->fetched_end_sample() - heard, 0);
        event.buffer_seconds = static_cast<double>(ahead) / manifest.sample_rate;
    }
    return event;
}

void PlaybackSession::Impl::UpdateSnapshot() {
    PlayerEvent now = MakeEvent(PlayerEvent::Kind::kPosition);
    std::lock_guard<std::mutex> lock(snapshot_mu_);
    snapshot_.state = state_;
    snapshot_.track_id = now.track_id;
    snapshot_.kbps = now.kbps;
    snapshot_.sample_rate = now.sample_rate;
    snapshot_.position_samples = now.position_samples;
    snapshot_.duration_samples = now.duration_samples;
    snapshot_.buffer_seconds = now.buffer_seconds;
    snapshot_.underruns = now.underruns;
    snapshot_.frames_played = frames_before_reset_ + output_.frames_consumed();
    snapshot_.estimate_kbps = now.estimate_kbps;
    snapshot_.gain_db = now.gain_db;
    snapshot_.queue_index = now.queue_index;
    snapshot_.queue = queue_.Items();
    snapshot_.repeat = queue_.Repeat();
    snapshot_.shuffle = queue_.Shuffle();
    snapshot_.history.clear();
    for (const QueueItem& item : queue_.History())
        snapshot_.history.push_back(item.track_id);
    const LoadedTrack* track = current_.get();
    snapshot_.url_refreshes =
        track ? track->url_refreshes + (track->pipeline ? track->pipeline->url_refreshes() : 0) : 0;
    snapshot_.decode_warnings = track && track->pipeline ? track->pipeline->decode_warnings() : 0;
    snapshot_.fetch_kbps = track && track->pipeline ? track->pipeline->fetch_kbps() : 0;
    snapshot_.switches = track ? track->switches : 0;
}

void PlaybackSession::Impl::SetState(PlaybackState state) {
    if (state == state_) return;
    state_ = state;
    Emit(MakeEvent(PlayerEvent::Kind::kState));
}

void PlaybackSession::Impl::Emit(PlayerEvent event) {
    // A caller that reacts to an event by reading Snapshot() sees at least
    // the session the event describes (the count of frames at kEnded above all).
    UpdateSnapshot();
    if (sink_) sink_(event);
}

}  // namespace tonearm::player
