// Pinning tracks for offline play: records the pins of one source (a track
// or a playlist), stores the manifests and metadata, and downloads every
// pinned variant whole into the AudioCache (variant_download.h).
//
// Replacing a source's pins unpins the tracks it no longer names: their
// audio stays cached but becomes evictable.
//
// Blocking. Up to PinRequest::transfers variants download at once, each on
// a thread PinTracks starts and joins before it returns; every event is
// delivered on the caller's thread, in the order the transfers made them,
// so on_event needs no lock. Each download is resumable and verified as in
// variant_download.h, whatever the number of transfers.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"
#include "player/audio_cache.h"

namespace tonearm::player {

inline constexpr int kDefaultPinTransfers = 3;  // concurrent downloads of a pin
inline constexpr int kMaxPinTransfers = 4;

struct PinRequest {
    std::string source;                  // "track" or "playlist:<id>"
    std::vector<std::string> track_ids;  // in playlist order; duplicates are pinned once
    int kbps = 0;                        // wanted quality; 0 = the best on offer
    std::string api_base_url;
    std::string token;
    const std::atomic<bool>* cancel = nullptr;  // optional
    int64_t max_bytes_per_second = 0;           // for all transfers together; 0: unlimited
    int transfers = kDefaultPinTransfers;       // clamped to [1, kMaxPinTransfers]
};

struct PinEvent {
    enum class Kind { kTrackStarted, kProgress, kTrackDone, kTrackFailed };
    Kind kind = Kind::kProgress;
    std::string track_id;
    int kbps = 0;
    size_t index = 0;  // of the track among the pinned ones
    size_t count = 0;
    int64_t track_done = 0;
    int64_t track_total = 0;
    // Bytes of every pinned track on disk, over all transfers: never more
    // than overall_total, and equal to it once every track is done.
    int64_t overall_done = 0;
    int64_t overall_total = 0;
    int64_t fetched = 0;  // bytes over the network for this track, this run
    bool already_cached = false;
    std::string message;  // kTrackFailed
};

struct PinSummary {
    size_t tracks = 0;
    size_t downloaded = 0;      // fetched (whole or resumed) in this run
    size_t already_cached = 0;  // verified entries that needed nothing
    size_t failed = 0;
    int64_t bytes_fetched = 0;
    int64_t bytes_total = 0;
    std::string first_error;  // message of the first failed track
};

// Fails (before anything is pinned) when the manifests cannot be fetched or
// the pinned audio would exceed the cache limit; a download that fails later
// is a kTrackFailed event and counts in summary.failed, and the pins stay so
// that the next pin of the same source resumes it. Once *cancel is set no
// further download starts and the running ones end with kTrackFailed.
Result<PinSummary> PinTracks(AudioCache& cache, const PinRequest& request,
                             const std::function<void(const PinEvent&)>& on_event);

// Whether pinning source with track_ids again would change anything: a
// track the source does not pin yet, a pin of the source the tracks no
// longer name, or a pinned track whose entry is missing. Thread-safe as
// AudioCache is; kIo on a cache failure.
Result<bool> PinsNeedRefresh(AudioCache& cache, const std::string& source,
                             const std::vector<std::string>& track_ids);

}  // namespace tonearm::player
