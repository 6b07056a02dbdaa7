#include "player/playback_session.h"

#include <algorithm>
#include <cmath>

#include "core/api_client.h"
#include "core/log.h"
#include "player/playback_session_impl.h"

namespace tonearm::player {
namespace {

constexpr char kLog[] = "player";
constexpr double kRingHeadroomSeconds = 2.0;

PlayerConfig Sanitised(PlayerConfig config) {
    config.chunk_bytes = std::max<size_t>(config.chunk_bytes, 4096);
    config.buffer_target_seconds = std::clamp(config.buffer_target_seconds, 1.0, 120.0);
    config.start_buffer_seconds =
        std::clamp(config.start_buffer_seconds, 0.05, config.buffer_target_seconds);
    config.volume = std::clamp(config.volume, 0.0, 1.0);
    return config;
}

}  // namespace

int ChooseKbps(const Manifest& manifest, int preferred) {
    int chosen = 0;
    for (const Variant& v : manifest.variants) {
        if (v.kbps <= preferred && v.kbps > chosen) chosen = v.kbps;
    }
    if (chosen == 0 && !manifest.variants.empty()) {
        chosen =
            std::min_element(manifest.variants.begin(), manifest.variants.end(),
                             [](const Variant& a, const Variant& b) { return a.kbps < b.kbps; })
                ->kbps;
    }
    return chosen;
}

PlaybackSession::Impl::Impl(PlayerConfig config, EventSink sink)
    : config_(Sanitised(std::move(config))), sink_(std::move(sink)), token_(config_.token) {
    output_.SetGain(static_cast<float>(config_.volume));
    worker_ = std::thread([this] { WorkerLoop(); });
}

PlaybackSession::Impl::~Impl() {
    Post(Command(Command::kQuit));
    worker_.join();
}

Status PlaybackSession::Impl::Play(const std::string& track_id, int64_t start_samples) {
    if (!output_.available().ok()) return output_.available().error().Wrap("cannot play");
    Post(Command(Command::kPlay, track_id, std::max<int64_t>(start_samples, 0)));
    return Status::Ok();
}

void PlaybackSession::Impl::SetVolume(double volume) {
    output_.SetGain(static_cast<float>(std::clamp(volume, 0.0, 1.0)));
}

void PlaybackSession::Impl::SetToken(const std::string& token) {
    std::lock_guard<std::mutex> lock(token_mu_);
    token_ = token;
}

std::string PlaybackSession::Impl::token() const {
    std::lock_guard<std::mutex> lock(token_mu_);
    return token_;
}

PlaybackSnapshot PlaybackSession::Impl::Snapshot() const {
    std::lock_guard<std::mutex> lock(snapshot_mu_);
    return snapshot_;
}

void PlaybackSession::Impl::Post(Command command) {
    std::lock_guard<std::mutex> lock(command_mu_);
    commands_.push_back(std::move(command));
    command_cv_.notify_one();
}

void PlaybackSession::Impl::WorkerLoop() {
    for (;;) {
        std::deque<Command> batch;
        {
            std::unique_lock<std::mutex> lock(command_mu_);
            command_cv_.wait_for(lock, std::chrono::milliseconds(10),
                                 [this] { return !commands_.empty(); });
            batch.swap(commands_);
        }
        for (const Command& command : batch) {
            if (command.kind == Command::kQuit) {
                TearDown();
                output_.Close();
                return;
            }
            Handle(command);
        }
        Tick();
    }
}

void PlaybackSession::Impl::Handle(const Command& command) {
    switch (command.kind) {
        case Command::kPlay: StartTrack(command); break;
        case Command::kSeek: SeekTo(command.position); break;
        case Command::kPause:
            paused_ = true;
            if (state_ == PlaybackState::kPlaying || state_ == PlaybackState::kBuffering) {
                (void)output_.Stop();
                SetState(PlaybackState::kPaused);
            }
            break;
        case Command::kResume:
            paused_ = false;
            if (state_ == PlaybackState::kPaused) SetState(PlaybackState::kBuffering);
            break;
        case Command::kStop:
            TearDown();
            manifest_.reset();
            SetState(PlaybackState::kStopped);
            break;
        case Command::kQuit: break;
    }
    UpdateSnapshot();
}

void PlaybackSession::Impl::StartTrack(const Command& command) {
    TearDown();
    manifest_.reset();
    track_id_ = command.track_id;
    play_issued_ = command.issued;
    paused_ = false;
    first_audio_reported_ = false;
    frames_before_seek_ = 0;
    url_refreshes_ = 0;
    SetState(PlaybackState::kBuffering);

    auto manifest = ResolveTrack();
    if (!manifest.ok()) {
        return Fail("cannot load track " + log::Quote(track_id_) + ": " + manifest.error().message);
    }
    if (manifest->variants.empty() || manifest->sample_rate <= 0 || manifest->channels <= 0) {
        return Fail("track " + log::Quote(track_id_) + " has no playable variant");
    }
    manifest_ = std::move(manifest.value());
    Emit(MakeEvent(PlayerEvent::Kind::kBitrate));

    Status ready = PrepareOutput();
    if (!ready.ok()) return Fail(ready.error().message);
    output_.ArmFirstAudio();
    StartPipeline(std::min(command.position, manifest_->duration_samples));
}

Status PlaybackSession::Impl::PrepareOutput() {
    const int rate = manifest_->sample_rate;
    double seconds = std::max(config_.buffer_target_seconds, config_.start_buffer_seconds) +
                     kRingHeadroomSeconds;
    size_t floats = static_cast<size_t>(std::ceil(seconds * rate)) * kOutputChannels;
    if (!ring_ || ring_->capacity() < floats) {
        ring_ = std::make_unique<SpscRingBuffer<float>>(floats);
    }
    Status opened = output_.Open(rate);
    if (!opened.ok()) return opened;
    output_.SetRing(ring_.get());
    return Status::Ok();
}

void PlaybackSession::Impl::SeekTo(int64_t position) {
    if (!manifest_) return;
    position = std::clamp<int64_t>(position, 0, manifest_->duration_samples);
    TearDown();
    StartPipeline(position);
    SetState(paused_ ? PlaybackState::kPaused : PlaybackState::kBuffering);
}

void PlaybackSession::Impl::StartPipeline(int64_t start) {
    ring_->Reset();
    output_.ResetConsumed();
    output_.SetDraining(false);
    output_.SetFrameLimit(config_.max_frames < 0
                              ? -1
                              : std::max<int64_t>(0, config_.max_frames - frames_before_seek_));
    seek_base_.store(start);
    reported_underruns_ = output_.underruns();

    PipelineParams params;
    params.api_base_url = config_.api_base_url;
    params.token = [this] { return token(); };
    params.manifest = *manifest_;
    params.kbps = kbps_;
    params.start_sample = start;
    params.chunk_bytes = config_.chunk_bytes;
    params.buffer_target_seconds = config_.buffer_target_seconds;
    auto cached = header_cache_.find(track_id_ + "/" + std::to_string(manifest_->version) + "/" +
                                     std::to_string(kbps_));
    if (cached != header_cache_.end()) params.header_pages = cached->second;
    params.ring = ring_.get();
    params.heard_sample = [this] { return HeardSample(); };
    params.local_file = local_file_;
    pipeline_ = std::make_unique<StreamPipeline>(std::move(params));
    LOG_DEBUG(kLog,
              "streaming " << log::Quote(track_id_) << " at " << kbps_ << " kbps from " << start);
}

// Stops the fetch and decode threads, keeping what a later pipeline of the
// same track can reuse (header pages, the refreshed URLs).
void PlaybackSession::Impl::StopPipeline() {
    if (!pipeline_) return;
    pipeline_->Stop();
    std::string headers = pipeline_->header_pages();
    if (!headers.empty() && manifest_) {
        header_cache_[track_id_ + "/" + std::to_string(manifest_->version) + "/" +
                      std::to_string(kbps_)] = headers;
    }
    if (manifest_ && !pipeline_->error()) manifest_ = pipeline_->manifest();
    url_refreshes_ += pipeline_->url_refreshes();
    pipeline_.reset();
}

void PlaybackSession::Impl::TearDown() {
    StopPipeline();
    (void)output_.Abort();
    frames_before_seek_ += output_.frames_consumed();
    output_.ResetConsumed();
}

void PlaybackSession::Impl::Fail(const std::string& message) {
    TearDown();
    LOG_ERROR(kLog, message);
    PlayerEvent event = MakeEvent(PlayerEvent::Kind::kError);
    event.message = message;
    Emit(event);
    SetState(PlaybackState::kError);
}

PlaybackSession::PlaybackSession(PlayerConfig config, EventSink sink)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(sink))) {}
PlaybackSession::~PlaybackSession() = default;
Status PlaybackSession::Play(const std::string& track_id, int64_t start_samples) {
    return impl_->Play(track_id, start_samples);
}
void PlaybackSession::Pause() { impl_->Pause(); }
void PlaybackSession::Resume() { impl_->Resume(); }
void PlaybackSession::Stop() { impl_->Stop(); }
void PlaybackSession::Seek(int64_t position_samples) { impl_->Seek(position_samples); }
void PlaybackSession::SetVolume(double volume) { impl_->SetVolume(volume); }
void PlaybackSession::SetToken(const std::string& token) { impl_->SetToken(token); }
PlaybackSnapshot PlaybackSession::Snapshot() const { return impl_->Snapshot(); }

}  // namespace tonearm::player
