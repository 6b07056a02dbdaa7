#include "tests/support/paced_audio_sink.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace tonearm::testing {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kTickMs = 5;
// Room the reader may run ahead after an idle spell, like a device buffer.
constexpr double kBurstSeconds = 0.05;

}  // namespace

PacedAudioSink::PacedAudioSink(std::string fifo_path, int rate, int channels, double speed,
                               bool capture)
    : path_(std::move(fifo_path)),
      rate_(rate),
      channels_(channels),
      capture_(capture),
      frame_bytes_(2 * channels),
      bytes_per_second_(static_cast<double>(rate) * frame_bytes_ * speed) {
    ::unlink(path_.c_str());
    if (::mkfifo(path_.c_str(), 0600) != 0) {
        std::fprintf(stderr, "cannot create FIFO %s: %s\n", path_.c_str(), std::strerror(errno));
        std::abort();
    }
    reader_ = std::thread([this] { Run(); });
}

PacedAudioSink::~PacedAudioSink() {
    stop_ = true;
    reader_.join();
    ::unlink(path_.c_str());
}

void PacedAudioSink::Run() {
    while (!stop_) {
        // Non-blocking open succeeds without a writer; poll then waits for one.
        const int fd = ::open(path_.c_str(), O_RDONLY | O_NONBLOCK);
        if (fd < 0) return;
        int64_t allowance = 0;
        last_tick_ = Clock::now();
        bool writer_seen = false;
        while (!stop_) {
            pollfd p{fd, POLLIN, 0};
            const int ready = ::poll(&p, 1, kTickMs);
            if (ready <= 0) continue;
            if (p.revents & POLLIN) {
                writer_seen = true;
                if (!DrainOnce(fd, &allowance)) break;
            } else if (writer_seen) {
                break;  // hang-up: the stream was closed; reopen for the next one
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(kTickMs));
        }
        ::close(fd);
    }
}

bool PacedAudioSink::DrainOnce(int fd, int64_t* allowance_bytes) {
    const Clock::time_point now = Clock::now();
    const double elapsed = std::chrono::duration<double>(now - last_tick_).count();
    last_tick_ = now;
    const auto burst = static_cast<int64_t>(bytes_per_second_ * kBurstSeconds);
    *allowance_bytes = std::min<int64_t>(
        burst, *allowance_bytes + static_cast<int64_t>(bytes_per_second_ * elapsed));
    if (*allowance_bytes <= 0) return true;

    std::vector<unsigned char> buffer(static_cast<size_t>(*allowance_bytes));
    const ssize_t got = ::read(fd, buffer.data(), buffer.size());
    if (got == 0) return false;  // writer closed
    if (got < 0) return errno == EAGAIN || errno == EINTR;
    *allowance_bytes -= got;

    // A read may end inside a frame or a sample; the phase carries over.
    std::unique_lock<std::mutex> lock(capture_mu_, std::defer_lock);
    if (capture_) lock.lock();
    for (ssize_t i = 0; i < got; ++i) {
        const unsigned char byte = buffer[static_cast<size_t>(i)];
        if (byte_phase_ % 2 == 0) {
            low_byte_ = byte;
        } else {
            const auto value = static_cast<int16_t>(static_cast<uint16_t>(low_byte_ | (byte << 8)));
            if (byte_phase_ == 1 && (value > 4096 || value < -4096)) ++loud_frames_;
            if (capture_) captured_.push_back(value);
        }
        if (++byte_phase_ == frame_bytes_) {
            byte_phase_ = 0;
            ++frames_;
        }
    }
    return true;
}

PcmBuffer PacedAudioSink::Captured() const {
    PcmBuffer pcm;
    pcm.sample_rate = rate_;
    pcm.channels = channels_;
    std::lock_guard<std::mutex> lock(capture_mu_);
    const size_t whole = captured_.size() - captured_.size() % static_cast<size_t>(channels_);
    pcm.samples.reserve(whole);
    for (size_t i = 0; i < whole; ++i)
        pcm.samples.push_back(static_cast<float>(captured_[i]) / 32768.0f);
    return pcm;
}

void PacedAudioSink::ClearCapture() {
    std::lock_guard<std::mutex> lock(capture_mu_);
    captured_.clear();
}

}  // namespace tonearm::testing
