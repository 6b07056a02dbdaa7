#include "player/renderer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>

#include "core/log.h"

namespace tonearm::player {
namespace {

constexpr char kLog[] = "player";
constexpr size_t kBlockFrames = 1024;
constexpr size_t kMinBlockFrames = 64;  // less space than this: wait for the callback
constexpr auto kIdleWait = std::chrono::milliseconds(2);

}  // namespace

struct Renderer::Voice {
    VoiceParams params;
    std::unique_ptr<Resampler> resampler;  // null when the rates match
    std::vector<float> scratch;            // source frames just read
    std::vector<float> pending;            // device-rate frames ready to mix
    size_t pending_head = 0;               // floats of pending already mixed
    int64_t taken = 0;                     // source frames read
    bool source_done = false;              // every source frame read, the resampler drained
    bool manual_fade = false;              // fade in as soon as it has audio
    bool started = false;                  // has a timeline segment

    size_t Available() const { return (pending.size() - pending_head) / 2; }
    bool done() const { return source_done && Available() == 0; }
    double FramesPerSample(int device_rate) const {
        return static_cast<double>(device_rate) / params.source_rate;
    }
    // Device frames this voice has still to play (an estimate when resampled).
    int64_t FramesLeft(int device_rate) const {
        return static_cast<int64_t>(
            static_cast<double>(params.end_sample - params.first_sample - taken) *
                FramesPerSample(device_rate) +
            static_cast<double>(Available()));
    }

    // Fills pending up to want frames, or as far as the source allows.
    void Produce(size_t want) {
        while (Available() < want && !source_done) {
            if (pending_head > 0 && pending_head * 2 >= pending.size()) {
                pending.erase(pending.begin(), pending.begin() + static_cast<long>(pending_head));
                pending_head = 0;
            }
            const bool finished = params.source_finished();
            const size_t readable = params.source->ReadableCount() & ~size_t{1};
            const size_t n =
                params.source->Read(scratch.data(), std::min(readable, scratch.size()));
            if (n == 0) {
                if (finished) Drain();
                return;
            }
            if (params.gain != 1.0f) {
                for (size_t i = 0; i < n; ++i)
                    scratch[i] *= params.gain;
            }
            const size_t frames = n / 2;
            taken += static_cast<int64_t>(frames);
            if (!resampler) {
                pending.insert(pending.end(), scratch.begin(), scratch.begin() + n);
                continue;
            }
            const size_t at = pending.size();
            pending.resize(at + 2 * resampler->MaxOutputFrames(frames));
            const size_t got = resampler->Process(scratch.data(), frames, pending.data() + at,
                                                  (pending.size() - at) / 2);
            pending.resize(at + 2 * got);
        }
    }

    void Drain() {
        source_done = true;
        if (!resampler) return;
        for (;;) {
            const size_t at = pending.size();
            pending.resize(at + 2 * kBlockFrames);
            const size_t got = resampler->Flush(pending.data() + at, kBlockFrames);
            pending.resize(at + 2 * got);
            if (got == 0) break;
        }
    }
};

Renderer::Renderer(SpscRingBuffer<float>* device_ring, int device_rate)
    : device_ring_(device_ring),
      device_rate_(device_rate),
      max_ahead_frames_(device_ring->capacity() / 2) {
    mix_.resize(2 * kBlockFrames);
    limited_.resize(2 * kBlockFrames);
    thread_ = std::thread([this] { Loop(); });
}

Renderer::~Renderer() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        quit_ = true;
        cv_.notify_all();
    }
    thread_.join();
}

void Renderer::Reset(int device_rate) {
    std::lock_guard<std::mutex> lock(mu_);
    voices_.clear();
    timeline_.clear();
    finished_.clear();
    device_ring_->Reset();
    device_rate_ = device_rate;
    if (limiter_) limiter_ = std::make_unique<Limiter>(device_rate);
    limiter_flushed_ = true;
    limiter_skip_ = limiter_ ? static_cast<size_t>(limiter_->latency_frames()) : 0;
    fade_length_ = 0;
    fade_done_ = 0;
    written_.store(0, std::memory_order_release);
    drained_.store(true, std::memory_order_release);
}

void Renderer::SetLimiter(bool limit) {
    std::lock_guard<std::mutex> lock(mu_);
    limiter_ = limit ? std::make_unique<Limiter>(device_rate_) : nullptr;
    limiter_flushed_ = true;
    limiter_skip_ = limiter_ ? static_cast<size_t>(limiter_->latency_frames()) : 0;
}

void Renderer::SetMaxAheadFrames(size_t frames) {
    std::lock_guard<std::mutex> lock(mu_);
    max_ahead_frames_ = std::min(frames, device_ring_->capacity() / 2);
}

void Renderer::SetCrossfadeSeconds(double seconds) {
    std::lock_guard<std::mutex> lock(mu_);
    crossfade_frames_ = static_cast<int64_t>(std::max(seconds, 0.0) * device_rate_);
}

std::unique_ptr<Renderer::Voice> Renderer::MakeVoice(const VoiceParams& params) {
    auto voice = std::make_unique<Voice>();
    voice->params = params;
    voice->scratch.resize(2 * kBlockFrames);
    voice->pending.reserve(8 * kBlockFrames);
    if (params.source_rate != device_rate_) {
        auto resampler = Resampler::Create(params.source_rate, device_rate_, 2);
        if (!resampler.ok()) {
            LOG_ERROR(kLog, "cannot resample " << params.source_rate << " Hz to " << device_rate_
                                               << " Hz: " << resampler.error().message);
            return nullptr;
        }
        voice->resampler = std::move(resampler.value());
    }
    return voice;
}

bool Renderer::Enqueue(const VoiceParams& params) {
    std::lock_guard<std::mutex> lock(mu_);
    auto voice = MakeVoice(params);
    if (!voice) return false;
    voices_.push_back(std::move(voice));
    drained_.store(false, std::memory_order_release);
    cv_.notify_all();
    return true;
}

bool Renderer::CrossfadeTo(const VoiceParams& params) {
    std::lock_guard<std::mutex> lock(mu_);
    auto voice = MakeVoice(params);
    if (!voice) return false;
    voice->manual_fade = true;
    if (fade_length_ > 0 && !voices_.empty()) {
        // A skip during a fade: the voice fading out goes now, the one
        // fading in fades out from where it stands.
        Retire(false);
        fade_length_ = 0;
    }
    while (voices_.size() > 1)
        voices_.pop_back();
    voices_.push_back(std::move(voice));
    drained_.store(false, std::memory_order_release);
    cv_.notify_all();
    return true;
}

bool Renderer::DropQueued(uint64_t id) {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t i = 1; i < voices_.size(); ++i) {
        if (voices_[i]->params.id == id && !voices_[i]->started) {
            voices_.erase(voices_.begin() + static_cast<long>(i));
            return true;
        }
    }
    return false;
}

TimelinePosition Renderer::PositionAt(int64_t device_frames) const {
    std::lock_guard<std::mutex> lock(mu_);
    TimelinePosition position;
    for (auto it = timeline_.rbegin(); it != timeline_.rend(); ++it) {
        if (it->device_frame > device_frames) continue;
        position.id = it->id;
        position.started = true;
        const auto into = static_cast<double>(device_frames - it->device_frame);
        position.sample = std::min<int64_t>(
            it->first_sample + static_cast<int64_t>(std::llround(into * it->samples_per_frame)),
            it->end_sample);
        break;
    }
    return position;
}

std::optional<int64_t> Renderer::StartOf(uint64_t id) const {
    std::lock_guard<std::mutex> lock(mu_);
    for (const Segment& segment : timeline_) {
        if (segment.id == id) return segment.device_frame;
    }
    return std::nullopt;
}

std::vector<FinishedVoice> Renderer::TakeFinished() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<FinishedVoice> out;
    out.swap(finished_);
    return out;
}

void Renderer::Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    bool progressed = false;
    while (!quit_) {
        if (!progressed) cv_.wait_for(lock, kIdleWait);
        progressed = false;
        if (quit_) break;
        const size_t queued = device_ring_->ReadableCount() / 2;
        const size_t space =
            std::min(device_ring_->WritableCount() / 2,
                     max_ahead_frames_ > queued ? max_ahead_frames_ - queued : size_t{0});
        if (voices_.empty()) {
            const auto held = static_cast<size_t>(limiter_ ? limiter_->latency_frames() : 0);
            if (limiter_ && !limiter_flushed_ && space >= held) {
                if (limited_.size() < 2 * held) limited_.resize(2 * held);
                limiter_->Flush(limited_.data());
                const size_t tail = held - std::min(limiter_skip_, held);
                device_ring_->Write(limited_.data() + 2 * (held - tail), 2 * tail);
                written_.fetch_add(static_cast<int64_t>(tail), std::memory_order_release);
                limiter_flushed_ = true;
                limiter_skip_ = held;  // Flush reset the delay line to silence
            }
            drained_.store(!limiter_ || limiter_flushed_, std::memory_order_release);
            continue;
        }
        const size_t want = std::min(space, kBlockFrames);
        if (want < kMinBlockFrames) continue;
        const size_t frames = RenderBlock(want);
        if (frames == 0) continue;
        const float* out = mix_.data();
        size_t count = frames;
        if (limiter_) {
            limiter_->Process(mix_.data(), limited_.data(), frames);
            // The limiter's delay line starts silent: those frames are not
            // audio, so output frame k stays input frame k.
            const size_t skip = std::min(limiter_skip_, frames);
            limiter_skip_ -= skip;
            out = limited_.data() + 2 * skip;
            count -= skip;
            limiter_flushed_ = false;
        }
        device_ring_->Write(out, 2 * count);
        written_.fetch_add(static_cast<int64_t>(count), std::memory_order_release);
        progressed = frames == want;
    }
}

size_t Renderer::RenderBlock(size_t frames) {
    size_t out = 0;
    while (out < frames && !voices_.empty()) {
        Voice& a = *voices_[0];
        if (!a.started) StartSegment(a, out);
        size_t solo = frames - out;  // frames a may play alone in this pass
        if (fade_length_ == 0 && voices_.size() > 1 && crossfade_frames_ > 0) {
            Voice& b = *voices_[1];
            const int64_t left = a.FramesLeft(device_rate_);
            if (b.manual_fade || left <= crossfade_frames_) {
                b.Produce(1);
                if (b.Available() > 0) {
                    fade_length_ = b.manual_fade ? crossfade_frames_ : std::max<int64_t>(left, 1);
                    fade_done_ = 0;
                    StartSegment(b, out);
                }
            } else {
                // Stop exactly where the join's fade is to begin.
                solo = std::min<size_t>(solo, static_cast<size_t>(left - crossfade_frames_));
            }
        }
        if (fade_length_ > 0) {
            const size_t mixed = RenderFade(out, frames - out);
            out += mixed;
            if (mixed == 0 && fade_length_ > 0) break;  // a voice is starved
            continue;
        }
        a.Produce(solo);
        const size_t n = std::min(a.Available(), solo);
        std::copy_n(a.pending.begin() + static_cast<long>(a.pending_head), 2 * n,
                    mix_.begin() + static_cast<long>(2 * out));
        a.pending_head += 2 * n;
        out += n;
        if (a.done()) {
            Retire(true);
            continue;  // the next voice starts in this same block: gapless
        }
        if (n == 0) break;  // starved: wait for the decoder
    }
    return out;
}

// Mixes the voice fading out ([0]) with the one fading in ([1]) with
// equal-power curves; returns the frames mixed into mix_ from offset at.
size_t Renderer::RenderFade(size_t at, size_t frames) {
    Voice& a = *voices_[0];
    Voice& b = *voices_[1];
    const size_t n = std::min<size_t>(frames, static_cast<size_t>(fade_length_ - fade_done_));
    a.Produce(n);
    b.Produce(n);
    if (a.done()) {
        // The outgoing track ended before its fade did: the incoming one
        // plays on alone.
        fade_length_ = 0;
        Retire(true);
        return 0;
    }
    const size_t m = std::min({n, a.Available(), b.Available()});
    const float* pa = a.pending.data() + a.pending_head;
    const float* pb = b.pending.data() + b.pending_head;
    float* mix = mix_.data() + 2 * at;
    for (size_t i = 0; i < m; ++i) {
        const double t = (static_cast<double>(fade_done_) + static_cast<double>(i) + 0.5) /
                         static_cast<double>(fade_length_);
        const auto wa = static_cast<float>(std::cos(t * std::numbers::pi / 2));
        const auto wb = static_cast<float>(std::sin(t * std::numbers::pi / 2));
        mix[2 * i] = pa[2 * i] * wa + pb[2 * i] * wb;
        mix[2 * i + 1] = pa[2 * i + 1] * wa + pb[2 * i + 1] * wb;
    }
    a.pending_head += 2 * m;
    b.pending_head += 2 * m;
    fade_done_ += static_cast<int64_t>(m);
    if (fade_done_ >= fade_length_) {
        fade_length_ = 0;
        a.Produce(1);
        Retire(a.done());
    }
    return m;
}

void Renderer::StartSegment(Voice& voice, size_t block_offset) {
    voice.started = true;
    timeline_.push_back(Segment{voice.params.id,
                                written_.load() + static_cast<int64_t>(block_offset),
                                voice.params.first_sample, voice.params.end_sample,
                                1.0 / voice.FramesPerSample(device_rate_)});
}

void Renderer::Retire(bool complete) {
    Voice& voice = *voices_.front();
    finished_.push_back(FinishedVoice{voice.params.id, voice.taken, complete});
    voices_.pop_front();
}

}  // namespace tonearm::player
