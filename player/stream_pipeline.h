// One playback run of one variant from one position: a fetch thread that
// requests the variant's bytes along its seek index, and a decode thread that
// decodes them and writes interleaved stereo frames into the output ring.
//
// Fetch thread: header pages first (unless cached), then chunks from the
// seek point at or before the start (see chunk_plan.h), one range request
// each, every answer checked (range_answer.h). It stays about
// buffer_target_seconds ahead of what the listener has heard and waits on a
// condition variable otherwise. A 403 fetches a fresh manifest and resumes
// at the same byte; network errors and bad answers are retried with backoff;
// anything else, or too many retries, ends the run with error().
//
// Decode thread: VorbisStreamDecoder, frames before start_sample dropped, so
// the first frame in the ring is exactly sample start_sample.
//
// The constructor starts both threads; the destructor (or Stop) cancels any
// transfer and joins them. Getters may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/http_client.h"
#include "core/result.h"
#include "core/wire.h"
#include "player/ring_buffer.h"

namespace tonearm::player {

struct PipelineParams {
    std::string api_base_url;
    std::function<std::string()> token;  // current bearer token; called on the fetch thread
    Manifest manifest;                   // with signed URLs
    int kbps = 0;                        // a variant the manifest holds
    int64_t start_sample = 0;
    size_t chunk_bytes = 64 * 1024;
    double buffer_target_seconds = 8.0;
    std::string header_pages;               // cached header pages of this variant, or empty
    SpscRingBuffer<float>* ring = nullptr;  // not owned; this run is its only producer
    std::function<int64_t()> heard_sample;  // position the listener has reached
    // The whole verified file of the variant (from the cache), or null: the
    // run then reads its ranges from here and never touches the network.
    std::shared_ptr<const std::string> local_file;
};

class StreamPipeline {
public:
    explicit StreamPipeline(PipelineParams params);
    ~StreamPipeline();
    StreamPipeline(const StreamPipeline&) = delete;
    StreamPipeline& operator=(const StreamPipeline&) = delete;

    // Cancels transfers and joins both threads. Idempotent.
    void Stop();

    // True once the last frame of the track is in the ring. A stream whose
    // bytes run out before its end-of-stream page never finishes; it fails
    // with kCorrupt instead.
    bool finished() const { return finished_.load(std::memory_order_acquire); }
    // Set when the run failed for good; the threads have ended then.
    std::optional<Error> error() const;
    // End (in samples) of the audio fetched so far.
    int64_t fetched_end_sample() const { return fetched_end_.load(std::memory_order_relaxed); }
    // Header pages, once fetched (for the caller's cache); empty before.
    std::string header_pages() const;
    // The manifest with the URL currently in use (refreshed after a 403).
    Manifest manifest() const;
    int64_t decode_warnings() const { return warnings_.load(std::memory_order_relaxed); }
    int64_t url_refreshes() const { return refreshes_.load(std::memory_order_relaxed); }
    int64_t retries() const { return retries_.load(std::memory_order_relaxed); }

private:
    struct Piece {
        bool headers = false;  // the header pages, else the next audio bytes
        std::string bytes;
    };

    void FetchLoop();
    Status FetchAudio(HttpClient& http);
    // Fetches [first, last] and hands the bytes on in order (see Deliver).
    Status FetchRange(HttpClient& http, int64_t first, int64_t last);
    // Bytes below headers_until_ are collected into the header piece, the
    // rest become audio pieces. Fetch thread only.
    void Deliver(int64_t at, std::string bytes);
    Status RefreshUrl();
    bool WaitWhileAhead();
    bool Sleep(int ms);
    void Push(Piece piece);
    void Fail(const Error& error);

    void DecodeLoop();
    bool PopPiece(Piece* piece);
    void WriteFrames(const float* const* pcm, int frames, int64_t first_sample);
    bool WriteToRing(const float* data, size_t count);

    const PipelineParams params_;
    const int sample_rate_;
    const Variant variant_;
    const bool from_file_start_;  // decoding starts at the first audio page
    std::atomic<bool> stop_{false};
    std::atomic<bool> finished_{false};
    std::atomic<int64_t> fetched_end_{0};
    std::atomic<int64_t> warnings_{0};
    std::atomic<int64_t> refreshes_{0};
    std::atomic<int64_t> retries_{0};

    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<Piece> queue_;     // guarded by mu_
    size_t queued_bytes_ = 0;     // guarded by mu_
    bool fetch_done_ = false;     // guarded by mu_
    std::optional<Error> error_;  // guarded by mu_
    std::string header_pages_;    // guarded by mu_
    Manifest manifest_;           // guarded by mu_; only the fetch thread writes it

    int64_t headers_until_ = 0;     // fetch thread only: end of header bytes still wanted
    std::string header_collected_;  // fetch thread only
    std::vector<float> stereo_;     // decode thread only
    int64_t frames_written_ = 0;    // decode thread only: frames put into the ring
    std::thread fetch_thread_;
    std::thread decode_thread_;
};

}  // namespace tonearm::player
