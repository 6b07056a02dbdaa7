// Decodes an Ogg Vorbis byte stream that may start at any page, with libogg
// and libvorbis directly, and tells the absolute sample position of every
// decoded frame.
//
// Positions come from page granules, the way vorbisfile derives them: the
// samples a page's packets produce end at that page's granule, so the first
// of them sits at granule minus their count. After that the position runs on
// and is only checked against later granules. The last page (end of stream)
// trims the output to its granule, and an optional duration clamps it again.
//
// Starting mid-stream (Restart) uses a fresh vorbis_dsp_state built from the
// stream setup the three header packets gave; the first packet after it only
// primes the overlap,
// exactly as at the start of a file, so the samples that follow equal those of
// a straight decode. Lost sync, pages with bad checksums and packets that fail
// to decode are skipped and counted, never fatal.
//
// Not thread-safe: one thread owns a decoder.
#pragma once

#include <ogg/ogg.h>
#include <vorbis/codec.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"

namespace tonearm::player {

struct StreamInfo {
    int sample_rate = 0;
    int channels = 0;
};

class VorbisStreamDecoder {
public:
    // Receives decoded audio: pcm[channel][i] for frames frames, the first of
    // which is absolute sample position first_sample of the track.
    using FrameSink =
        std::function<void(const float* const* pcm, int frames, int64_t first_sample)>;

    VorbisStreamDecoder();
    ~VorbisStreamDecoder();
    VorbisStreamDecoder(const VorbisStreamDecoder&) = delete;
    VorbisStreamDecoder& operator=(const VorbisStreamDecoder&) = delete;

    // Parses the header pages (bytes [0, header_bytes) of the file). Fails with
    // kCorrupt if they do not hold three valid Vorbis header packets.
    Status Open(const std::string& header_pages);
    const StreamInfo& info() const { return info_; }

    // Prepares to decode from a page boundary. stream_start is true when the
    // next bytes are the first audio page of the file. duration_samples > 0
    // clamps the output to that many samples. Requires a successful Open.
    void Restart(bool stream_start, int64_t duration_samples);

    // Feeds the next bytes of the stream and decodes every page they
    // complete, handing frames to sink in order.
    void Feed(const char* data, size_t size, const FrameSink& sink);

    // Problems survived so far: skipped bytes, holes, undecodable packets.
    int64_t warnings() const { return warnings_; }
    // True once the page flagged end-of-stream has been decoded.
    bool reached_end() const { return reached_end_; }

private:
    void ClearCodec();
    void HandlePage(ogg_page* page, const FrameSink& sink);
    void DecodePacket(ogg_packet* packet);
    void EmitPending(int64_t page_granule, bool last_page, const FrameSink& sink);

    ogg_sync_state sync_;
    ogg_stream_state stream_;
    vorbis_info vi_;
    vorbis_comment vc_;
    vorbis_dsp_state dsp_;
    vorbis_block block_;
    bool stream_ready_ = false;
    bool codec_ready_ = false;
    StreamInfo info_;

    bool stream_start_ = false;
    int64_t next_sample_ = -1;  // position of the next decoded frame, -1 if unknown
    int64_t duration_ = 0;
    bool reached_end_ = false;
    int64_t warnings_ = 0;
    std::vector<std::vector<float>> pending_;  // per channel, frames of the current page
};

}  // namespace tonearm::player
