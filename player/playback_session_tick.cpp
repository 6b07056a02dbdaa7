// The periodic part of the session worker: device start/stop decisions and
// the events that report progress.
#include <algorithm>
#include <string>

#include "core/log.h"
#include "player/playback_session_impl.h"

namespace tonearm::player {
namespace {

constexpr char kLog[] = "player";
constexpr auto kReportInterval = std::chrono::milliseconds(500);

}  // namespace

int64_t PlaybackSession::Impl::HeardSample() const {
    return seek_base_.load() + output_.frames_consumed();
}

void PlaybackSession::Impl::Tick() {
    if (pipeline_) {
        if (auto error = pipeline_->error()) return Fail(error->message);
        const bool finished = pipeline_->finished();
        if (finished) output_.SetDraining(true);
        if (state_ == PlaybackState::kBuffering && !paused_) TickBuffering(finished);
        if (state_ == PlaybackState::kPlaying) TickPlaying(finished);
    }
    if (state_ == PlaybackState::kPlaying || state_ == PlaybackState::kBuffering ||
        state_ == PlaybackState::kEnded) {
        ReportProgress(std::chrono::steady_clock::now());
    }
    UpdateSnapshot();
}

void PlaybackSession::Impl::TickBuffering(bool finished) {
    const auto start_frames =
        static_cast<size_t>(config_.start_buffer_seconds * manifest_->sample_rate);
    const size_t buffered = ring_->SizeApprox() / kOutputChannels;
    if (buffered < start_frames && !finished) return;
    // Finished with an empty ring: the device took the last frame before a
    // stall stopped it, or the track had nothing left to play.
    if (buffered == 0) return FinishTrack();
    Status started = output_.Start();
    if (!started.ok()) return Fail(started.error().message);
    SetState(PlaybackState::kPlaying);
}

void PlaybackSession::Impl::TickPlaying(bool finished) {
    const size_t buffered = ring_->SizeApprox();
    if (finished && buffered == 0) return FinishTrack();
    if (!finished && buffered == 0 && output_.underruns() > reported_underruns_) {
        // The ring ran dry: stop the device and refill rather than stutter.
        (void)output_.Stop();
        SetState(PlaybackState::kBuffering);
    }
}

// The decoder wrote the last frame and the ring is empty. On an unpaced sink
// the whole track may have gone through the callback since the last tick, so
// everything the callback did is settled and reported before the end is
// announced, and an end short of the track's length is an error, not kEnded.
void PlaybackSession::Impl::FinishTrack() {
    (void)output_.Stop();  // plays out what the device holds; the callback has returned after it
    const int64_t warnings = pipeline_->decode_warnings();
    StopPipeline();
    ReportDeviceEvents();

    const int64_t heard = HeardSample();
    const int64_t duration = manifest_->duration_samples;
    if (heard != duration) {
        std::string message = "track " + log::Quote(track_id_) + " stopped at sample " +
                              std::to_string(heard) + " of " + std::to_string(duration);
        if (warnings > 0) {
            message += " after skipping " + std::to_string(warnings) + " damaged pages or packets";
        }
        return Fail(message);
    }
    SetState(PlaybackState::kEnded);
}

void PlaybackSession::Impl::ReportDeviceEvents() {
    if (!first_audio_reported_ && output_.first_audio_ns() != 0) {
        first_audio_reported_ = true;
        auto heard =
            std::chrono::nanoseconds(output_.first_audio_ns()) - play_issued_.time_since_epoch();
        PlayerEvent event = MakeEvent(PlayerEvent::Kind::kFirstAudio);
        event.first_audio_ms = std::chrono::duration<double, std::milli>(heard).count();
        LOG_INFO(kLog, "first audio of " << log::Quote(track_id_) << " after "
                                         << event.first_audio_ms << " ms");
        Emit(event);
    }
    const int64_t underruns = output_.underruns();
    if (underruns > reported_underruns_) {
        reported_underruns_ = underruns;
        Emit(MakeEvent(PlayerEvent::Kind::kUnderrun));
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
    event.track_id = track_id_;
    event.kbps = kbps_;
    event.underruns = output_.underruns();
    if (manifest_) {
        const int rate = manifest_->sample_rate;
        const int64_t heard = std::min(HeardSample(), manifest_->duration_samples);
        event.sample_rate = rate;
        event.duration_samples = manifest_->duration_samples;
        event.position_samples = state_ == PlaybackState::kEnded ? event.duration_samples : heard;
        if (pipeline_) {
            int64_t ahead = std::max<int64_t>(pipeline_->fetched_end_sample() - heard, 0);
            event.buffer_seconds = static_cast<double>(ahead) / rate;
        }
    }
    return event;
}

void PlaybackSession::Impl::UpdateSnapshot() {
    PlayerEvent now = MakeEvent(PlayerEvent::Kind::kPosition);
    std::lock_guard<std::mutex> lock(snapshot_mu_);
    snapshot_.state = state_;
    snapshot_.track_id = track_id_;
    snapshot_.kbps = kbps_;
    snapshot_.sample_rate = now.sample_rate;
    snapshot_.position_samples = now.position_samples;
    snapshot_.duration_samples = now.duration_samples;
    snapshot_.buffer_seconds = now.buffer_seconds;
    snapshot_.underruns = now.underruns;
    snapshot_.frames_played = frames_before_seek_ + output_.frames_consumed();
    snapshot_.url_refreshes = url_refreshes_ + (pipeline_ ? pipeline_->url_refreshes() : 0);
    snapshot_.decode_warnings = pipeline_ ? pipeline_->decode_warnings() : 0;
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
