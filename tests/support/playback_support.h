// Helpers for tests that drive the real player engine: an event log to wait
// on, generated signals, demo-track picking, log-in and reference decodes of
// the variants the real tonearm-server serves.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.h"
#include "player/playback_session.h"
#include "tests/support/test_audio.h"

namespace tonearm::testing {

using player::PlayerEvent;

// Polls done every 5 ms until it holds or timeout passes; false on timeout.
bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout);

// Every event a session delivered, for the test thread to wait on.
class EventLog {
public:
    player::PlaybackSession::EventSink Sink() {
        return [this](const PlayerEvent& event) {
            std::lock_guard<std::mutex> lock(mu_);
            events_.push_back(event);
            cv_.notify_all();
        };
    }
    bool WaitFor(PlayerEvent::Kind kind, std::chrono::milliseconds timeout) {
        std::unique_lock<std::mutex> lock(mu_);
        return cv_.wait_for(lock, timeout, [&] { return FindLocked(kind) != nullptr; });
    }
    bool Has(PlayerEvent::Kind kind) {
        std::lock_guard<std::mutex> lock(mu_);
        return FindLocked(kind) != nullptr;
    }
    PlayerEvent First(PlayerEvent::Kind kind) {
        std::lock_guard<std::mutex> lock(mu_);
        const PlayerEvent* event = FindLocked(kind);
        return event != nullptr ? *event : PlayerEvent{};
    }
    std::string FirstError() { return First(PlayerEvent::Kind::kError).message; }
    std::vector<PlayerEvent> All(PlayerEvent::Kind kind) {
        std::lock_guard<std::mutex> lock(mu_);
        std::vector<PlayerEvent> out;
        for (const PlayerEvent& event : events_) {
            if (event.kind == kind) out.push_back(event);
        }
        return out;
    }
    // Waits until an event satisfies match; false on timeout.
    bool WaitForMatch(const std::function<bool(const PlayerEvent&)>& match,
                      std::chrono::milliseconds timeout) {
        std::unique_lock<std::mutex> lock(mu_);
        return cv_.wait_for(lock, timeout, [&] {
            for (const PlayerEvent& event : events_) {
                if (match(event)) return true;
            }
            return false;
        });
    }

private:
    const PlayerEvent* FindLocked(PlayerEvent::Kind kind) const {
        for (const PlayerEvent& event : events_) {
            if (event.kind == kind) return &event;
        }
        return nullptr;
    }
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<PlayerEvent> events_;
};

// A stereo cosine at half scale.
PcmBuffer MakeCosine(double freq_hz, double seconds, int rate);

// The smallest demo track at rate_wanted above 200 kB (long enough to play
// several seconds), or empty.
std::string PickDemoTrack(int rate_wanted = 44100);

// Logs in as demo/demo; the bearer token.
Result<std::string> Login(const std::string& api_url);

// The id of the first catalog track whose title is title (empty == any
// title not in excluded), or empty.
std::string FindTrackId(const std::string& api_url, const std::string& token,
                        const std::string& title, const std::vector<std::string>& excluded = {});

// The variant kbps of track_id, fetched whole through its signed URL and
// decoded with vorbisfile.
Result<PcmBuffer> DownloadAndDecodeVariant(const std::string& api_url, const std::string& token,
                                           const std::string& track_id, int kbps);

// The first frame at or after from where both channels exceed threshold, or -1.
int64_t FirstLoudFrame(const PcmBuffer& pcm, int64_t from, float threshold);

}  // namespace tonearm::testing
