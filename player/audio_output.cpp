#include "player/audio_output.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

#if defined(__unix__)
#include <unistd.h>
#endif

#include "core/log.h"

namespace tonearm::player {
namespace {

constexpr char kLog[] = "player";
constexpr unsigned long kFramesPerBuffer = 512;

std::mutex g_library_mutex;
int g_library_users = 0;  // guarded by g_library_mutex

Error PaFailure(const char* what, PaError code) {
    return MakeError(ErrorCode::kIo, std::string(what) + ": " + Pa_GetErrorText(code));
}

// Lines that ALSA, JACK and PulseAudio print while PortAudio probes host APIs
// that are absent (no sound card, no JACK server): not errors of ours.
bool IsProbeNoise(std::string_view line) {
    for (std::string_view prefix : {"ALSA lib ", "Cannot connect to server", "jack server",
                                    "JackShm", "Jack", "connect(2) call to", "attempt to connect",
                                    "PulseAudio:", "Expression '", "Cannot lock down"}) {
        if (line.substr(0, prefix.size()) == prefix) return true;
    }
    return false;
}

// Runs Pa_Initialize with stderr redirected to a temporary file, then logs the
// probe noise at debug level and passes every other line on to stderr.
PaError InitializeQuietly() {
#if defined(__unix__)
    std::FILE* capture = std::tmpfile();
    int saved = capture != nullptr ? dup(STDERR_FILENO) : -1;
    if (saved < 0) {
        if (capture != nullptr) std::fclose(capture);
        return Pa_Initialize();
    }
    std::fflush(stderr);
    dup2(fileno(capture), STDERR_FILENO);
    PaError err = Pa_Initialize();
    std::fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);

    std::rewind(capture);
    char buffer[1024];
    int noise = 0;
    while (std::fgets(buffer, sizeof buffer, capture) != nullptr) {
        if (IsProbeNoise(buffer) ||
            std::string_view(buffer).find_first_not_of(" \t\r\n") == std::string_view::npos) {
            ++noise;
        } else {
            std::fputs(buffer, stderr);
        }
    }
    std::fclose(capture);
    if (noise > 0) LOG_DEBUG(kLog, "PortAudio host probing printed " << noise << " lines");
    return err;
#else
    return Pa_Initialize();
#endif
}

}  // namespace

PortAudioLibrary::PortAudioLibrary() {
    std::lock_guard<std::mutex> lock(g_library_mutex);
    if (g_library_users == 0) {
        PaError err = InitializeQuietly();
        if (err != paNoError) {
            status_ = PaFailure("cannot initialise PortAudio", err);
            return;
        }
    }
    ++g_library_users;
    counted_ = true;
    if (Pa_GetDefaultOutputDevice() == paNoDevice) {
        status_ = MakeError(ErrorCode::kIo, "no default audio output device");
    }
}

PortAudioLibrary::~PortAudioLibrary() {
    if (!counted_) return;
    std::lock_guard<std::mutex> lock(g_library_mutex);
    if (--g_library_users == 0) Pa_Terminate();
}

AudioOutput::AudioOutput() = default;

AudioOutput::~AudioOutput() { Close(); }

Status AudioOutput::Open(int sample_rate) {
    if (!library_.status().ok()) return library_.status();
    if (stream_ != nullptr && sample_rate == sample_rate_) return Abort();
    Close();

    PaDeviceIndex device = Pa_GetDefaultOutputDevice();
    const PaDeviceInfo* info = Pa_GetDeviceInfo(device);
    if (info == nullptr) return MakeError(ErrorCode::kIo, "no default audio output device");
    PaStreamParameters params{};
    params.device = device;
    params.channelCount = kOutputChannels;
    params.sampleFormat = paFloat32;
    params.suggestedLatency = info->defaultHighOutputLatency;

    PaError err = Pa_OpenStream(&stream_, nullptr, &params, sample_rate, kFramesPerBuffer, paNoFlag,
                                &AudioOutput::Callback, this);
    if (err != paNoError) {
        stream_ = nullptr;
        return PaFailure("cannot open the default audio device", err)
            .Wrap("at " + std::to_string(sample_rate) + " Hz");
    }
    sample_rate_ = sample_rate;
    LOG_INFO(kLog, "opened " << log::Quote(info->name) << " at " << sample_rate << " Hz");
    return Status::Ok();
}

void AudioOutput::Close() {
    if (stream_ == nullptr) return;
    (void)Abort();
    Pa_CloseStream(stream_);
    stream_ = nullptr;
    sample_rate_ = 0;
}

Status AudioOutput::Start() {
    if (stream_ == nullptr) return MakeError(ErrorCode::kInternal, "audio stream is not open");
    if (running_) return Status::Ok();
    PaError err = Pa_StartStream(stream_);
    if (err != paNoError) return PaFailure("cannot start audio", err);
    running_ = true;
    return Status::Ok();
}

Status AudioOutput::Stop() {
    if (stream_ == nullptr || !running_) return Status::Ok();
    running_ = false;
    PaError err = Pa_StopStream(stream_);
    return err == paNoError ? Status::Ok() : Status(PaFailure("cannot stop audio", err));
}

Status AudioOutput::Abort() {
    if (stream_ == nullptr || !running_) return Status::Ok();
    running_ = false;
    PaError err = Pa_AbortStream(stream_);
    return err == paNoError ? Status::Ok() : Status(PaFailure("cannot abort audio", err));
}

int AudioOutput::Callback(const void*, void* output, unsigned long frames,
                          const PaStreamCallbackTimeInfo*, PaStreamCallbackFlags, void* user) {
    return static_cast<AudioOutput*>(user)->Render(static_cast<float*>(output), frames);
}

int AudioOutput::Render(float* out, unsigned long frames) {
    const size_t wanted = frames * kOutputChannels;
    size_t allowed = wanted;
    const int64_t limit = frame_limit_.load(std::memory_order_relaxed);
    if (limit >= 0) {
        const int64_t left = limit - frames_consumed_.load(std::memory_order_relaxed);
        allowed = left <= 0 ? 0 : std::min(wanted, static_cast<size_t>(left) * kOutputChannels);
    }
    size_t got = ring_ != nullptr ? ring_->Read(out, allowed) : 0;
    for (size_t i = got; i < wanted; ++i)
        out[i] = 0.0f;
    if (got < allowed && !draining_.load(std::memory_order_relaxed)) {
        underruns_.fetch_add(1, std::memory_order_relaxed);
    }

    if (first_audio_ns_.load(std::memory_order_relaxed) == 0) {
        for (size_t i = 0; i < got; ++i) {
            if (out[i] != 0.0f) {
                auto now = std::chrono::steady_clock::now().time_since_epoch();
                first_audio_ns_.store(
                    std::chrono::duration_cast<std::chrono::nanoseconds>(now).count(),
                    std::memory_order_release);
                break;
            }
        }
    }
    const float gain = gain_.load(std::memory_order_relaxed);
    if (gain != 1.0f) {
        for (size_t i = 0; i < got; ++i)
            out[i] *= gain;
    }
    frames_consumed_.fetch_add(static_cast<int64_t>(got / kOutputChannels),
                               std::memory_order_release);
    return paContinue;
}

}  // namespace tonearm::player
