// One playback run of one track from one position: a fetch thread that
// requests the track's bytes along the seek indexes of its variants, and a
// decode thread that decodes them and writes interleaved stereo frames, at
// the track's own rate, into the run's ring.
//
// Fetch thread: chunks of about chunk_seconds (whole seek-index segments,
// see chunk_plan.h), one range request each. Before every chunk the bitrate
// controller picks the rung (player/abr); a switch restarts at the new
// variant's seek point before the splice sample, fetching its header pages
// first unless they are known. The thread stays about buffer_target_seconds
// ahead of what the listener has heard and waits otherwise. A 403 fetches a
// fresh manifest and resumes at the same byte; network errors and bad
// answers are retried with backoff; anything else, or too many retries, ends
// the run with error().
//
// Decode thread: one VorbisStreamDecoder per variant, each opened with its
// own header packets. A chunk that starts a variant restarts that decoder at
// its seek point (priming the overlap exactly as at a file start), and every
// frame before the next sample the ring needs is dropped. So a splice adds,
// drops or repeats no sample: the ring receives sample start_sample, then
// every following sample up to the duration, once, whatever the switches.
//
// The constructor starts both threads; the destructor (or Stop) cancels any
// transfer and joins them. Getters may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/http_client.h"
#include "core/result.h"
#include "core/wire.h"
#include "player/abr/abr_controller.h"
#include "player/abr/throughput_estimator.h"
#include "player/chunk_plan.h"
#include "player/ring_buffer.h"

namespace tonearm::player {

struct PipelineParams {
    std::string api_base_url;
    std::function<std::string()> token;  // current bearer token; called on the fetch thread
    Manifest manifest;                   // with signed URLs
    // Rungs the run may fetch, ascending kbps, each a variant of the
    // manifest; non-empty. One rung: no controller is asked.
    std::vector<int> ladder_kbps;
    // Chooses the rung of every chunk when the ladder has several; owned by
    // the run (its fetch thread makes every call). Null: the top rung.
    std::unique_ptr<abr::AbrController> abr;
    int64_t start_sample = 0;
    double chunk_seconds = 2.0;       // audio per range request, in whole segments
    size_t chunk_bytes = 512 * 1024;  // and at most about this many bytes
    double buffer_target_seconds = 8.0;
    std::map<int, std::string> header_pages;  // kbps -> known header pages of that variant
    SpscRingBuffer<float>* ring = nullptr;    // not owned; this run is its only producer
    std::function<int64_t()> heard_sample;    // position the listener has reached
    // The whole verified file of the variant (from the cache), or null: the
    // run then reads its ranges from here and never touches the network.
    std::shared_ptr<const std::string> local_file;
    // Keep the bytes of a variant fetched from its first byte on, so a file
    // fetched whole can go into the cache (see TakeWholeFile).
    bool keep_whole_file = false;
};

// What the fetcher did for one chunk, for the session's events.
struct ChunkReport {
    int64_t first_sample = 0;  // the chunk's audio covers [first_sample, end_sample)
    int64_t end_sample = 0;
    int kbps = 0;
    int previous_kbps = 0;  // rung of the chunk before, 0 for the first
    int64_t bytes = 0;
    double seconds = 0.0;         // request sent to last byte
    double buffer_seconds = 0.0;  // fetched ahead of the listener when it was requested
    double estimate_kbps = 0.0;   // smoothed throughput after it
};

class StreamPipeline {
public:
    // Requires a non-empty ladder whose rungs the manifest holds.
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
    // Set when the run failed for good. A fetch failure leaves the decoder
    // running on the bytes already fetched: decode_done() says when every
    // frame it could make is in the ring; any other failure stops both.
    std::optional<Error> error() const;
    bool decode_done() const { return decode_done_.load(std::memory_order_acquire); }
    // End (in samples) of the audio fetched so far.
    int64_t fetched_end_sample() const { return fetched_end_.load(std::memory_order_relaxed); }
    // Header pages fetched so far, by kbps (for the caller's cache).
    std::map<int, std::string> header_pages() const;
    // Reports of the chunks fetched since the last call, oldest first.
    std::vector<ChunkReport> TakeReports();
    // After Stop(): a variant this run fetched from its first byte to its
    // last, in one stretch (kbps and bytes, unverified), if keep_whole_file.
    std::optional<std::pair<int, std::string>> TakeWholeFile();
    // The rung of the last chunk requested (0 before the first).
    int fetch_kbps() const { return fetch_kbps_.load(std::memory_order_relaxed); }
    // The manifest with the URL currently in use (refreshed after a 403).
    Manifest manifest() const;
    int64_t decode_warnings() const { return warnings_.load(std::memory_order_relaxed); }
    int64_t url_refreshes() const { return refreshes_.load(std::memory_order_relaxed); }
    int64_t retries() const { return retries_.load(std::memory_order_relaxed); }

private:
    struct Piece {
        bool headers = false;  // the header pages of kbps, else its next audio bytes
        int kbps = 0;
        bool restart = false;       // audio: the first bytes of a chunk starting a variant
        bool stream_start = false;  // restart at the first audio page of the file
        std::string bytes;
    };

    void FetchLoop();
    Status FetchAudio(HttpClient& http);
    // The rung index for the chunk that starts at sample next.
    int ChooseRung(int current, size_t point, int64_t next);
    // Fetches the chunk (and the variant's header pages when unknown).
    Status FetchChunk(HttpClient& http, int kbps, const Chunk& chunk, bool restart, bool joined);
    using RangeSink = std::function<void(int64_t at, std::string bytes)>;
    // Fetches [first, last] of variant kbps and hands the bytes on in order
    // to sink, or to Deliver without one. May run on two threads at once.
    Status FetchRange(HttpClient& http, int kbps, int64_t first, int64_t last,
                      const RangeSink& sink = nullptr);
    Status FetchHeadersAndChunk(HttpClient& http, int kbps, const Chunk& chunk);
    // Bytes below headers_until_ are collected into the header piece, the
    // rest become audio pieces. Fetch thread only.
    void Deliver(int64_t at, std::string bytes);
    void KeepWhole(int kbps, int64_t at, const std::string& bytes);
    Status RefreshUrl();
    // True while the listener has at least kPatientBufferSeconds fetched
    // ahead: failures then do not count towards giving up.
    bool Patient() const;
    static int Backoff(int failures);  // ms before the next attempt
    bool WaitWhileAhead();
    bool Sleep(int ms);
    void Push(Piece piece);
    void Fail(const Error& error);

    void DecodeLoop();
    bool PopPiece(Piece* piece);
    bool DecodePiece(Piece& piece);
    void WriteFrames(const float* const* pcm, int frames, int64_t first_sample);
    bool WriteToRing(const float* data, size_t count);

    PipelineParams params_;  // abr: fetch thread only; the rest is not changed
    const int sample_rate_;
    std::atomic<bool> stop_{false};
    std::atomic<int> fetch_kbps_{0};
    std::atomic<bool> finished_{false};
    std::atomic<bool> decode_done_{false};
    std::atomic<int64_t> fetched_end_{0};
    std::atomic<int64_t> warnings_{0};
    std::atomic<int64_t> refreshes_{0};
    std::atomic<int64_t> retries_{0};

    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<Piece> queue_;                  // guarded by mu_
    size_t queued_bytes_ = 0;                  // guarded by mu_
    bool fetch_done_ = false;                  // guarded by mu_
    std::optional<Error> error_;               // guarded by mu_
    std::map<int, std::string> header_pages_;  // guarded by mu_
    std::vector<ChunkReport> reports_;         // guarded by mu_
    Manifest manifest_;                        // guarded by mu_; only the fetch thread writes it

    // Fetch thread only.
    int64_t headers_until_ = 0;         // end of header bytes still wanted
    std::string header_collected_;      // header bytes so far
    Piece next_audio_tag_;              // how Deliver tags the next audio piece
    std::map<int, std::string> whole_;  // kbps -> bytes from 0 in one stretch, if wanted
    std::vector<int> broken_;           // kbps whose stretch from 0 was interrupted
    abr::DualEwmaThroughput estimate_{2.0, 8.0};

    // Decode thread only.
    std::vector<float> stereo_;
    int64_t next_sample_ = 0;     // position of the next frame the ring needs
    int64_t frames_written_ = 0;  // frames put into the ring
    std::thread fetch_thread_;
    std::thread decode_thread_;
};

}  // namespace tonearm::player
