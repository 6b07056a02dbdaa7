#include "player/playback_session.h"

#include <algorithm>
#include <cmath>

#include "core/log.h"
#include "player/abr/abr_controller.h"
#include "player/playback_session_impl.h"

namespace tonearm::player {
namespace {

constexpr char kLog[] = "player";
constexpr double kTrackRingSeconds = 4.0;        // decoded audio a track may hold ahead
constexpr double kGaplessDeviceSeconds = 4.0;    // rendered audio ahead of the device
constexpr double kCrossfadeDeviceSeconds = 0.5;  // less, so a fade on skip starts soon

PlayerConfig Sanitised(PlayerConfig config) {
    config.chunk_seconds = std::clamp(config.chunk_seconds, 0.5, 30.0);
    config.chunk_bytes = std::max<size_t>(config.chunk_bytes, 4096);
    config.buffer_target_seconds = std::clamp(config.buffer_target_seconds, 1.0, 600.0);
    config.start_buffer_seconds =
        std::clamp(config.start_buffer_seconds, 0.05, config.buffer_target_seconds);
    config.volume = std::clamp(config.volume, 0.0, 1.0);
    config.crossfade_seconds = std::clamp(config.crossfade_seconds, 0.0, 12.0);
    return config;
}

// One bitrate controller for the whole session, so a track's first chunk is
// chosen with what the tracks before it measured. Pipelines fetch one after
// another (the next track is prefetched once the current one is fetched),
// but a crossfade on a skip overlaps two; the lock covers that.
class SessionController final : public abr::AbrController {
public:
    struct Shared {
        std::mutex mu;
        std::unique_ptr<abr::AbrController> inner;  // guarded by mu
    };
    explicit SessionController(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}
    std::string Name() const override {
        std::lock_guard<std::mutex> lock(shared_->mu);
        return shared_->inner->Name();
    }
    int ChooseRung(const abr::AbrContext& context) override {
        std::lock_guard<std::mutex> lock(shared_->mu);
        return shared_->inner->ChooseRung(context);
    }
    void OnChunkDownloaded(const abr::ThroughputSample& sample) override {
        std::lock_guard<std::mutex> lock(shared_->mu);
        shared_->inner->OnChunkDownloaded(sample);
    }

private:
    std::shared_ptr<Shared> shared_;
};

std::string HeaderKey(const LoadedTrack& track, int kbps) {
    return track.item.track_id + "/" + std::to_string(track.source.manifest.version) + "/" +
           std::to_string(kbps);
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
    : config_(Sanitised(std::move(config))),
      sink_(std::move(sink)),
      token_(config_.token),
      crossfade_seconds_(config_.crossfade_seconds),
      normalisation_(config_.normalisation) {
    output_.SetGain(static_cast<float>(config_.volume));
    worker_ = std::thread([this] { WorkerLoop(); });
}

PlaybackSession::Impl::~Impl() {
    Post(Command(Command::kQuit));
    worker_.join();
}

Status PlaybackSession::Impl::PlayQueue(std::vector<std::string> ids, size_t index,
                                        int64_t start_samples) {
    if (!output_.available().ok()) return output_.available().error();
    if (ids.empty() || index >= ids.size()) {
        return MakeError(ErrorCode::kInvalidArgument, "no track at queue index " +
                                                          std::to_string(index) + " of " +
                                                          std::to_string(ids.size()));
    }
    Post(Command(Command::kPlay, std::move(ids), std::max<int64_t>(start_samples, 0), index));
    return Status::Ok();
}

void PlaybackSession::Impl::SetShuffle(bool on, uint64_t seed) {
    Command command(Command::kShuffle, {}, on ? 1 : 0);
    command.seed = seed;
    Post(std::move(command));
}

void PlaybackSession::Impl::SetCrossfade(double seconds) {
    crossfade_seconds_.store(std::clamp(seconds, 0.0, 12.0));
}

void PlaybackSession::Impl::SetNormalisation(const NormalisationSettings& settings) {
    std::lock_guard<std::mutex> lock(settings_mu_);
    normalisation_ = settings;
}

NormalisationSettings PlaybackSession::Impl::normalisation() const {
    std::lock_guard<std::mutex> lock(settings_mu_);
    return normalisation_;
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
                renderer_.reset();
                output_.Close();
                cache_writes_.clear();  // waits for files being written
                return;
            }
            Handle(command);
        }
        Tick();
    }
}

void PlaybackSession::Impl::Handle(const Command& command) {
    switch (command.kind) {
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
            SetState(PlaybackState::kStopped);
            break;
        case Command::kSeek: SeekTo(command.position); break;
        default: HandleQueueCommand(command); break;
    }
    UpdateSnapshot();
}

void PlaybackSession::Impl::HandleQueueCommand(const Command& command) {
    switch (command.kind) {
        case Command::kPlay: {
            (void)queue_.SetTracks(command.track_ids, command.start_index);
            HardStart(*queue_.Current(), command.position, command.issued, std::nullopt);
            break;
        }
        case Command::kNext: SkipTo(queue_.Next(), command.issued); break;
        case Command::kPrevious: {
            const int64_t ms =
                current_ && current_->source.manifest.sample_rate > 0
                    ? current_->heard.load() * 1000 / current_->source.manifest.sample_rate
                    : 0;
            auto step = queue_.Previous(ms);
            if (!step) break;
            if (step->restart) {
                SeekTo(0);
            } else {
                SkipTo(step->item, command.issued);
            }
            break;
        }
        case Command::kAppend: queue_.Append(command.track_ids.front()); break;
        case Command::kRepeat: queue_.SetRepeat(static_cast<RepeatMode>(command.position)); break;
        case Command::kShuffle: queue_.SetShuffle(command.position != 0, command.seed); break;
        default: break;
    }
    // A queue change may make the prefetched track the wrong one.
    if (next_) {
        auto upcoming = queue_.PeekAfterEnd();
        if (!upcoming || upcoming->item_id != next_->item.item_id) {
            if (renderer_ && renderer_->DropQueued(next_->voice)) {
                StopPipeline(*next_);
                next_.reset();
            }
        }
    }
    prefetch_failed_ = false;
}

Result<std::unique_ptr<LoadedTrack>> PlaybackSession::Impl::Load(const QueueItem& item,
                                                                 int64_t start,
                                                                 std::optional<TrackSource> known) {
    Result<TrackSource> source =
        known ? Result<TrackSource>(std::move(*known)) : ResolveTrack(item.track_id);
    if (!source.ok()) {
        return source.error().Wrap("cannot load track " + log::Quote(item.track_id));
    }
    const Manifest& manifest = source->manifest;
    if (manifest.variants.empty() || manifest.sample_rate <= 0 || manifest.channels <= 0 ||
        source->ladder.empty()) {
        return MakeError(ErrorCode::kProtocol,
                         "track " + log::Quote(item.track_id) + " has no playable variant");
    }
    auto track = std::make_unique<LoadedTrack>();
    track->voice = next_voice_++;
    track->item = item;
    track->source = std::move(source.value());
    track->start = std::clamp<int64_t>(start, 0, track->source.manifest.duration_samples);
    track->heard.store(track->start);
    // A fixed bitrate (or a cached file) is known before the first byte.
    if (track->source.ladder.size() == 1) track->heard_kbps = track->source.ladder.front();
    if (const NormalisationSettings settings = normalisation(); settings.enabled) {
        track->gain_db =
            NormalisationGainDb(track->source.manifest.loudness.integrated_lufs, settings);
    }
    const auto floats =
        static_cast<size_t>(std::ceil((kTrackRingSeconds + config_.start_buffer_seconds) *
                                      track->source.manifest.sample_rate) *
                            kOutputChannels);
    track->ring = std::make_unique<SpscRingBuffer<float>>(floats);
    StartPipeline(*track);
    return track;
}

void PlaybackSession::Impl::StartPipeline(LoadedTrack& track) {
    track.ring->Reset();
    PipelineParams params;
    params.api_base_url = config_.api_base_url;
    params.token = [this] { return token(); };
    params.manifest = track.source.manifest;
    params.ladder_kbps = track.source.ladder;
    if (params.ladder_kbps.size() > 1) {
        if (!abr_) {
            auto shared = std::make_shared<SessionController::Shared>();
            auto controller = abr::MakeAbrController(config_.abr_algorithm);
            if (!controller.ok()) {
                LOG_WARN(kLog, controller.error().message << "; using tonearm");
                controller = abr::MakeAbrController("tonearm");
            }
            shared->inner = std::move(controller.value());
            abr_ = std::move(shared);
        }
        params.abr = std::make_unique<SessionController>(
            std::static_pointer_cast<SessionController::Shared>(abr_));
    }
    params.start_sample = track.start;
    params.chunk_seconds = config_.chunk_seconds;
    params.chunk_bytes = config_.chunk_bytes;
    params.buffer_target_seconds = config_.buffer_target_seconds;
    for (int kbps : track.source.ladder) {
        auto cached = header_cache_.find(HeaderKey(track, kbps));
        if (cached != header_cache_.end()) params.header_pages[kbps] = cached->second;
    }
    params.ring = track.ring.get();
    LoadedTrack* self = &track;
    params.heard_sample = [self] { return self->heard.load(); };
    params.local_file = track.source.local_file;
    params.keep_whole_file = !track.source.local_file && Cache() != nullptr;
    track.pipeline = std::make_unique<StreamPipeline>(std::move(params));
    LOG_DEBUG(kLog, "streaming " << log::Quote(track.item.track_id) << " from " << track.start);
}

// Stops the fetch and decode threads, keeping what a later run of the same
// track can reuse (header pages, the refreshed URLs).
void PlaybackSession::Impl::StopPipeline(LoadedTrack& track) {
    if (!track.pipeline) return;
    track.pipeline->Stop();
    for (const auto& [kbps, pages] : track.pipeline->header_pages())
        header_cache_[HeaderKey(track, kbps)] = pages;
    if (!track.pipeline->error()) track.source.manifest = track.pipeline->manifest();
    track.url_refreshes += track.pipeline->url_refreshes();
    if (auto whole = track.pipeline->TakeWholeFile()) KeepInCache(track, std::move(*whole));
    track.pipeline.reset();
}

// A variant streamed whole goes into the cache on a thread of its own (it is
// hashed and fsynced), so the next play of the track needs no network.
void PlaybackSession::Impl::KeepInCache(const LoadedTrack& track,
                                        std::pair<int, std::string> whole) {
    const Variant* variant = track.source.manifest.FindVariant(whole.first);
    if (cache_ == nullptr || variant == nullptr) return;
    std::erase_if(cache_writes_, [](std::future<void>& write) {
        return write.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
    });
    cache_writes_.push_back(
        std::async(std::launch::async, [cache = cache_.get(), manifest = track.source.manifest,
                                        variant = *variant, bytes = std::move(whole.second)] {
            Status stored = cache->StoreStreamed(manifest, variant, bytes);
            if (!stored.ok()) {
                LOG_WARN(kLog, "cannot keep " << log::Quote(manifest.track_id)
                                              << " in the cache: " << stored.error().message);
            }
        }));
}

VoiceParams PlaybackSession::Impl::VoiceOf(LoadedTrack& track) const {
    VoiceParams voice;
    voice.id = track.voice;
    voice.source = track.ring.get();
    StreamPipeline* pipeline = track.pipeline.get();
    voice.source_finished = [pipeline] { return pipeline->finished(); };
    voice.source_rate = track.source.manifest.sample_rate;
    voice.first_sample = track.start;
    voice.end_sample = track.source.manifest.duration_samples;
    voice.gain = DbToLinear(track.gain_db);
    return voice;
}

void PlaybackSession::Impl::HardStart(const QueueItem& item, int64_t start, SteadyTime issued,
                                      std::optional<TrackSource> known) {
    TearDown();
    play_issued_ = issued;
    paused_ = false;
    first_audio_reported_ = false;
    prefetch_failed_ = false;
    SetState(PlaybackState::kBuffering);

    auto loaded = Load(item, start, std::move(known));
    if (!loaded.ok()) return Fail(loaded.error().message);
    current_ = std::move(loaded.value());
    if (current_->heard_kbps > 0) Emit(MakeEvent(PlayerEvent::Kind::kBitrate));

    const int rate = current_->source.manifest.sample_rate;
    const double ahead =
        crossfade_seconds_.load() > 0 ? kCrossfadeDeviceSeconds : kGaplessDeviceSeconds;
    ahead_frames_ = static_cast<size_t>(std::ceil((ahead + config_.start_buffer_seconds) * rate));
    if (!device_ring_ || device_ring_->capacity() < ahead_frames_ * kOutputChannels) {
        renderer_.reset();
        device_ring_ = std::make_unique<SpscRingBuffer<float>>(ahead_frames_ * kOutputChannels);
    }
    Status opened = output_.Open(rate);
    if (!opened.ok()) return Fail(opened.error().message);
    output_.SetRing(device_ring_.get());
    if (!renderer_) renderer_ = std::make_unique<Renderer>(device_ring_.get(), rate);
    renderer_->Reset(rate);
    renderer_->SetMaxAheadFrames(ahead_frames_);
    renderer_->SetLimiter(normalisation().enabled);
    renderer_->SetCrossfadeSeconds(crossfade_seconds_.load());
    output_.ResetConsumed();
    output_.SetDraining(false);
    output_.SetFrameLimit(config_.max_frames < 0
                              ? -1
                              : std::max<int64_t>(0, config_.max_frames - frames_before_reset_));
    reported_underruns_ = output_.underruns();
    output_.ArmFirstAudio();
    if (!renderer_->Enqueue(VoiceOf(*current_))) {
        return Fail("cannot play " + log::Quote(item.track_id) + " at " + std::to_string(rate) +
                    " Hz");
    }
    PlayerEvent changed = MakeEvent(PlayerEvent::Kind::kTrackChanged);
    Emit(changed);
}

// The first item from item on whose track can be loaded, moving the queue on
// past those that cannot (an unknown track, one not cached while offline):
// each of those is reported as a non-fatal kError. by_next: moves as Next()
// does, else as the end of a track does. Tries each queue item at most once.
std::optional<std::pair<QueueItem, TrackSource>> PlaybackSession::Impl::FindPlayable(
    std::optional<QueueItem> item, bool by_next) {
    for (size_t tries = 0; item && tries <= queue_.Size(); ++tries) {
        auto source = ResolveTrack(item->track_id);
        if (source.ok()) return std::make_pair(*item, std::move(source.value()));
        PlayerEvent event = MakeEvent(PlayerEvent::Kind::kError);
        event.track_id = item->track_id;
        event.message =
            "skipping track " + log::Quote(item->track_id) + ": " + source.error().message;
        LOG_WARN(kLog, event.message);
        Emit(event);
        item = by_next ? queue_.Next() : queue_.AdvanceAfterEnd();
    }
    return std::nullopt;
}

// A skip by the listener: with a crossfade set and something playing, the
// new track fades in over the old one; otherwise it starts from silence.
void PlaybackSession::Impl::SkipTo(const std::optional<QueueItem>& item, SteadyTime issued) {
    auto playable = FindPlayable(item, true);
    if (!playable) {
        TearDown();
        SetState(PlaybackState::kStopped);
        return;
    }
    const double fade = crossfade_seconds_.load();
    const bool audible = state_ == PlaybackState::kPlaying && current_ && renderer_;
    if (fade <= 0 || !audible) {
        return HardStart(playable->first, 0, issued, std::move(playable->second));
    }
    auto loaded = Load(playable->first, 0, std::move(playable->second));
    if (!loaded.ok()) return Fail(loaded.error().message);
    renderer_->SetCrossfadeSeconds(fade);
    const bool fading = renderer_->CrossfadeTo(VoiceOf(**loaded));  // drops the prefetched voice
    if (next_) {
        StopPipeline(*next_);
        next_.reset();
    }
    if (!fading) return HardStart(playable->first, 0, issued, std::nullopt);
    retiring_.push_back(std::move(current_));
    current_ = std::move(loaded.value());
    prefetch_failed_ = false;
    Emit(MakeEvent(PlayerEvent::Kind::kTrackChanged));
}

void PlaybackSession::Impl::SeekTo(int64_t position) {
    if (!current_) return;
    const QueueItem item = current_->item;
    const bool was_paused = paused_;
    // The manifest (and its signed URLs, refreshed on a 403) is reused: a
    // seek costs the range requests from the seek point on, nothing more.
    // The renderer lets go of the track's ring before its pipeline stops.
    (void)output_.Abort();
    if (renderer_) renderer_->Reset(output_.sample_rate() > 0 ? output_.sample_rate() : 44100);
    StopPipeline(*current_);
    TrackSource source = current_->source;
    HardStart(item, position, std::chrono::steady_clock::now(), std::move(source));
    paused_ = was_paused;
    if (paused_ && state_ == PlaybackState::kBuffering) SetState(PlaybackState::kPaused);
}

void PlaybackSession::Impl::TearDown() {
    (void)output_.Abort();
    frames_before_reset_ += output_.frames_consumed();
    output_.ResetConsumed();
    if (renderer_) renderer_->Reset(output_.sample_rate() > 0 ? output_.sample_rate() : 44100);
    for (auto* track : {&current_, &next_}) {
        if (*track) StopPipeline(**track);
        track->reset();
    }
    for (auto& track : retiring_)
        StopPipeline(*track);
    retiring_.clear();
}

void PlaybackSession::Impl::Fail(const std::string& message) {
    LOG_ERROR(kLog, message);
    PlayerEvent event = MakeEvent(PlayerEvent::Kind::kError);
    event.message = message;
    TearDown();
    Emit(event);
    SetState(PlaybackState::kError);
}

PlaybackSession::PlaybackSession(PlayerConfig config, EventSink sink)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(sink))) {}
PlaybackSession::~PlaybackSession() = default;
Status PlaybackSession::Play(const std::string& track_id, int64_t start_samples) {
    return impl_->PlayQueue({track_id}, 0, start_samples);
}
Status PlaybackSession::PlayQueue(std::vector<std::string> track_ids, size_t start_index,
                                  int64_t start_samples) {
    return impl_->PlayQueue(std::move(track_ids), start_index, start_samples);
}
void PlaybackSession::Append(const std::string& track_id) { impl_->Append(track_id); }
void PlaybackSession::Next() { impl_->Next(); }
void PlaybackSession::Previous() { impl_->Previous(); }
void PlaybackSession::SetRepeat(RepeatMode mode) { impl_->SetRepeat(mode); }
void PlaybackSession::SetShuffle(bool on, uint64_t seed) { impl_->SetShuffle(on, seed); }
void PlaybackSession::SetCrossfade(double seconds) { impl_->SetCrossfade(seconds); }
void PlaybackSession::SetNormalisation(const NormalisationSettings& settings) {
    impl_->SetNormalisation(settings);
}
void PlaybackSession::Pause() { impl_->Pause(); }
void PlaybackSession::Resume() { impl_->Resume(); }
void PlaybackSession::Stop() { impl_->Stop(); }
void PlaybackSession::Seek(int64_t position_samples) { impl_->Seek(position_samples); }
void PlaybackSession::SetVolume(double volume) { impl_->SetVolume(volume); }
void PlaybackSession::SetToken(const std::string& token) { impl_->SetToken(token); }
PlaybackSnapshot PlaybackSession::Snapshot() const { return impl_->Snapshot(); }

}  // namespace tonearm::player
