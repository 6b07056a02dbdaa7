// The seek index of every variant must point at page boundaries from which a
// fresh decoder produces exactly the samples the granule promises.
#include <gtest/gtest.h>
#include <ogg/ogg.h>
#include <vorbis/codec.h>

#include <cmath>
#include <cstring>
#include <set>

#include "server-mock/ogg_pages.h"
#include "server-mock/track_builder.h"
#include "tests/support/test_audio.h"

namespace tonearm::server {
namespace {

using testing::DecodeOggVorbisBytes;
using testing::MakeSine;
using testing::PcmBuffer;

PcmAudio ToPcmAudio(const PcmBuffer& buffer) {
    return PcmAudio{buffer.sample_rate, buffer.channels, buffer.samples};
}

// Decodes header pages plus the pages from offset on with plain libvorbis, as
// a client that fetched only that range would, and reports the position of
// its first output sample as implied by each later page's granule.
class RangeDecoder {
public:
    RangeDecoder() {
        vorbis_info_init(&info_);
        vorbis_comment_init(&comment_);
        ogg_sync_init(&sync_);
    }
    ~RangeDecoder() {
        if (started_) {
            vorbis_block_clear(&block_);
            vorbis_dsp_clear(&dsp_);
        }
        if (stream_ready_) ogg_stream_clear(&stream_);
        ogg_sync_clear(&sync_);
        vorbis_comment_clear(&comment_);
        vorbis_info_clear(&info_);
    }

    // Returns the start positions implied by up to max_pages granule-bearing
    // pages (all equal if the index is right); decoded samples go to *out.
    std::vector<int64_t> Decode(const std::string& bytes, int64_t header_bytes, int64_t offset,
                                int max_pages, std::vector<float>* out) {
        Feed(bytes.substr(0, static_cast<size_t>(header_bytes)));
        Feed(bytes.substr(static_cast<size_t>(offset)));
        std::vector<int64_t> starts;
        ogg_page page;
        int headers = 0;
        while (ogg_sync_pageout(&sync_, &page) == 1 &&
               static_cast<int>(starts.size()) < max_pages) {
            if (!stream_ready_) {
                ogg_stream_init(&stream_, ogg_page_serialno(&page));
                stream_ready_ = true;
            }
            ogg_stream_pagein(&stream_, &page);
            ogg_packet packet;
            int rc;
            while ((rc = ogg_stream_packetout(&stream_, &packet)) != 0) {
                if (rc < 0) continue;  // the deliberate gap between headers and the range
                if (headers < 3) {
                    EXPECT_EQ(vorbis_synthesis_headerin(&info_, &comment_, &packet), 0);
                    if (++headers == 3) Start();
                    continue;
                }
                Synthesize(&packet, out);
            }
            int64_t granule = ogg_page_granulepos(&page);
            bool audio_page = headers == 3 && !ogg_page_eos(&page) && granule >= 0;
            if (audio_page && produced_ > 0) starts.push_back(granule - produced_);
        }
        return starts;
    }

    int channels() const { return info_.channels; }

private:
    void Feed(const std::string& data) {
        char* buffer = ogg_sync_buffer(&sync_, static_cast<long>(data.size()));
        std::memcpy(buffer, data.data(), data.size());
        ogg_sync_wrote(&sync_, static_cast<long>(data.size()));
    }
    void Start() {
        vorbis_synthesis_init(&dsp_, &info_);
        vorbis_block_init(&dsp_, &block_);
        started_ = true;
    }
    void Synthesize(ogg_packet* packet, std::vector<float>* out) {
        if (vorbis_synthesis(&block_, packet) != 0) return;
        vorbis_synthesis_blockin(&dsp_, &block_);
        float** pcm = nullptr;
        int n;
        while ((n = vorbis_synthesis_pcmout(&dsp_, &pcm)) > 0) {
            for (int f = 0; f < n; ++f) {
                for (int c = 0; c < info_.channels; ++c)
                    out->push_back(pcm[c][f]);
            }
            produced_ += n;
            vorbis_synthesis_read(&dsp_, n);
        }
    }

    vorbis_info info_;
    vorbis_comment comment_;
    ogg_sync_state sync_;
    ogg_stream_state stream_;
    vorbis_dsp_state dsp_;
    vorbis_block block_;
    bool stream_ready_ = false;
    bool started_ = false;
    int64_t produced_ = 0;
};

void CheckVariant(const PcmBuffer& source, int kbps) {
    SCOPED_TRACE(std::to_string(source.sample_rate) + " Hz, " + std::to_string(source.channels) +
                 " ch, " + std::to_string(kbps) + " kbps");
    Result<BuiltVariant> built = BuildVariant(ToPcmAudio(source), "0123456789abcdef", 1, kbps);
    ASSERT_TRUE(built.ok()) << built.error().message;
    const std::string& bytes = built->encoded.bytes;
    const Variant& variant = built->variant;
    Result<PcmBuffer> reference = DecodeOggVorbisBytes(bytes);
    ASSERT_TRUE(reference.ok());
    ASSERT_EQ(reference->frames(), source.frames());

    std::set<int64_t> page_starts;
    for (const OggPage& page : ScanOggPages(bytes).pages)
        page_starts.insert(page.offset);
    ASSERT_FALSE(variant.seek_index.empty());
    EXPECT_EQ(variant.seek_index.front().byte_offset, variant.header_bytes);
    EXPECT_EQ(variant.seek_index.front().granule, 0);
    const int64_t interval = std::llround(kSeekIntervalSeconds * source.sample_rate);
    EXPECT_GE(static_cast<int64_t>(variant.seek_index.size()), source.frames() / interval);

    for (size_t i = 0; i < variant.seek_index.size(); ++i) {
        const SeekPoint& point = variant.seek_index[i];
        SCOPED_TRACE("seek point " + std::to_string(i));
        EXPECT_EQ(bytes.compare(static_cast<size_t>(point.byte_offset), 4, "OggS"), 0);
        EXPECT_TRUE(page_starts.count(point.byte_offset));
        if (i > 0) {
            EXPECT_GE(point.granule, static_cast<int64_t>(i) * interval);
        }

        RangeDecoder decoder;
        std::vector<float> decoded;
        std::vector<int64_t> starts =
            decoder.Decode(bytes, variant.header_bytes, point.byte_offset, 4, &decoded);
        if (starts.empty()) continue;  // the point sits on the final page
        const int64_t start = starts.front();
        for (int64_t s : starts)
            EXPECT_EQ(s, start);
        // The first packet after the granule only primes the decoder, except at
        // the start of the stream, where its output is zero samples long.
        if (i == 0) {
            EXPECT_EQ(start, 0);
        } else {
            EXPECT_GT(start, point.granule);
        }
        EXPECT_LE(start - point.granule, 4096);

        const int channels = source.channels;
        size_t compared = std::min(
            decoded.size(), reference->samples.size() - static_cast<size_t>(start * channels));
        double worst = 0;
        for (size_t k = 0; k < compared; ++k) {
            worst = std::max<double>(
                worst, std::abs(decoded[k] - reference->samples[start * channels + k]));
        }
        EXPECT_LT(worst, 1e-6) << "decoded range differs from the full decode";
    }
}

TEST(SeekIndexTest, EveryPointStartsAPageWhoseDecodeMatchesTheGranule) {
    PcmBuffer stereo = MakeSine(440.0, 7.3, 44100, 2);
    for (int kbps : kLadderKbps)
        CheckVariant(stereo, kbps);
}

TEST(SeekIndexTest, HoldsForMono48kHz) {
    PcmBuffer mono = MakeSine(1000.0, 5.1, 48000, 1, 0.7f);
    for (int kbps : kLadderKbps)
        CheckVariant(mono, kbps);
}

TEST(SeekIndexTest, HeaderPagesHoldOnlyTheThreeHeaders) {
    PcmBuffer pcm = MakeSine(300.0, 1.0, 44100, 2);
    Result<BuiltVariant> built = BuildVariant(ToPcmAudio(pcm), "0123456789abcdef", 1, 160);
    ASSERT_TRUE(built.ok());
    OggLayout layout = ScanOggPages(built->encoded.bytes);
    int64_t header_end = 0;
    for (const OggPage& page : layout.pages) {
        if (page.offset >= built->variant.header_bytes) break;
        EXPECT_EQ(page.granule, 0);  // no audio packet ends on a header page
        header_end = page.offset + page.size;
    }
    EXPECT_EQ(header_end, built->variant.header_bytes);
    EXPECT_EQ(layout.pages.back().granule, pcm.frames());
}

}  // namespace
}  // namespace tonearm::server
