// Downloads one variant file whole into an AudioCache, resumably.
//
// The bytes go to the variant's partial file (AudioCache::PartialPath) from
// one streamed range request starting at what that file already holds, so a
// download stopped by a crash, a kill or a lost network goes on from there
// next time. A byte is written only after the answer's status and
// Content-Range showed that the body starts where asked. When the file
// is complete, AudioCache::CommitPartial verifies its SHA-256 and moves it to
// its entry; a mismatch throws the partial file away and starts once more
// from byte 0. A 403 renews the signed URL through the API (the variant must
// stay the same). A write that fails (a full disk) removes the partial file
// and fails with kIo; the cache holds no entry for it.
//
// Blocking; runs on the caller's thread. Cancellation through *cancel.
// Several downloads of different variants may run at once on different
// threads (each has its own connection); two downloads of the same variant
// at once would share one partial file and must not happen.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "core/result.h"
#include "core/wire.h"
#include "player/audio_cache.h"

namespace tonearm::player {

// Progress is reported after each such stretch (and at the end).
inline constexpr int64_t kDownloadChunkBytes = 256 << 10;

// Holds the bytes of one or several transfers to a rate together: each
// Take() waits until the bytes taken so far fit the rate since the first.
// Thread-safe (mu_ guards next_); the waiting happens outside the lock.
class TransferPacer {
public:
    explicit TransferPacer(int64_t bytes_per_second) : rate_(bytes_per_second) {}
    // Blocks the calling thread until bytes more may pass.
    void Take(int64_t bytes);

private:
    const int64_t rate_;
    std::mutex mu_;
    std::chrono::steady_clock::time_point next_{};  // when the next byte may pass
};

struct DownloadProgress {
    std::string track_id;
    int kbps = 0;
    int64_t bytes_done = 0;     // of the file, on disk
    int64_t bytes_total = 0;    // the variant's size
    int64_t bytes_fetched = 0;  // over the network in this call
};

struct DownloadOptions {
    std::string api_base_url;  // for URL renewals
    std::string token;
    const std::atomic<bool>* cancel = nullptr;  // optional
    int64_t max_bytes_per_second = 0;           // 0: as fast as the network goes
    // Shared by concurrent downloads instead of max_bytes_per_second, so the
    // limit holds for all of them together; not owned, may be null.
    TransferPacer* pacer = nullptr;
    // Called on the caller's thread after each chunk is on disk.
    std::function<void(const DownloadProgress&)> progress;
};

struct DownloadOutcome {
    bool already_cached = false;  // a verified entry existed; nothing fetched
    int64_t bytes_fetched = 0;
    int64_t resumed_from = 0;  // bytes the partial file held at the start
};

// manifest carries signed URLs; kbps must be one of its variants.
Result<DownloadOutcome> DownloadVariant(AudioCache& cache, const Manifest& manifest, int kbps,
                                        const DownloadOptions& options);

}  // namespace tonearm::player
