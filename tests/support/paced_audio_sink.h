// PacedAudioSink: gives the ALSA file sink a clock.
//
// ALSA's null plugin takes audio as fast as it comes, so a GUI test could
// not watch a track play, pause or seek. This sink turns the file sink's
// target into a FIFO and drains it at a fixed multiple of real time: the
// file plugin's writes block when the pipe is full, which paces PortAudio,
// the player and its position reports like a sound card would.
//
// With capture on, the sink also keeps every frame it read, so a test can
// compare what the device played with a reference.
//
// The reader thread is owned by the sink. Counters and Captured() may be
// used from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/test_audio.h"

namespace tonearm::testing {

class PacedAudioSink {
public:
    // Creates a FIFO at fifo_path (replacing a file there) and starts
    // draining it as S16_LE frames of `channels` at rate * speed frames per
    // second. Aborts the test binary if the FIFO cannot be created.
    PacedAudioSink(std::string fifo_path, int rate, int channels, double speed,
                   bool capture = false);
    ~PacedAudioSink();  // stops the reader thread and removes the FIFO
    PacedAudioSink(const PacedAudioSink&) = delete;
    PacedAudioSink& operator=(const PacedAudioSink&) = delete;

    const std::string& path() const { return path_; }
    // Frames read from the FIFO so far.
    int64_t frames() const { return frames_.load(); }
    // Frames whose first channel's magnitude exceeded 1/8 of full scale: a
    // coarse "something audible was played" counter.
    int64_t loud_frames() const { return loud_frames_.load(); }
    // The frames read so far as floats (value / 32768); empty without capture.
    PcmBuffer Captured() const;
    // Forgets the frames captured so far.
    void ClearCapture();

private:
    void Run();
    // Reads what the pacing allows from fd; false once the writer closed it.
    bool DrainOnce(int fd, int64_t* allowance_bytes);

    std::string path_;
    int rate_;
    int channels_;
    bool capture_;
    mutable std::mutex capture_mu_;
    std::vector<int16_t> captured_;  // guarded by capture_mu_
    int frame_bytes_;
    double bytes_per_second_;
    std::atomic<bool> stop_{false};
    std::atomic<int64_t> frames_{0};
    std::atomic<int64_t> loud_frames_{0};
    // Reader thread only.
    std::chrono::steady_clock::time_point last_tick_;
    int byte_phase_ = 0;
    unsigned char low_byte_ = 0;
    std::thread reader_;
};

}  // namespace tonearm::testing
