#include "player/playback_session.h"

namespace tonearm::player {

const char* PlaybackStateName(PlaybackState state) {
    switch (state) {
        case PlaybackState::kIdle: return "idle";
        case PlaybackState::kBuffering: return "buffering";
        case PlaybackState::kPlaying: return "playing";
        case PlaybackState::kPaused: return "paused";
        case PlaybackState::kStopped: return "stopped";
        case PlaybackState::kEnded: return "ended";
        case PlaybackState::kError: return "error";
    }
    return "idle";
}

}  // namespace tonearm::player
