#include "player/vorbis_stream_decoder.h"

#include <gtest/gtest.h>
#include <ogg/ogg.h>

#include <cmath>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"
#include "tests/support/test_audio.h"

namespace tonearm::player {
namespace {

using testing::PcmBuffer;

constexpr float kTolerance = 1e-4f;

struct PageStart {
    int64_t byte_offset = 0;
    int64_t previous_granule = 0;  // granule of the page before: a seek point
};

// Splits an Ogg file into its header bytes and the start of every audio page.
struct PageMap {
    int64_t header_bytes = 0;
    std::vector<PageStart> audio_pages;
};

PageMap MapPages(const std::string& file) {
    ogg_sync_state sync;
    ogg_sync_init(&sync);
    char* buffer = ogg_sync_buffer(&sync, static_cast<long>(file.size()));
    std::copy(file.begin(), file.end(), buffer);
    ogg_sync_wrote(&sync, static_cast<long>(file.size()));

    PageMap map;
    int64_t offset = 0;
    int64_t previous_granule = 0;
    ogg_page page;
    while (ogg_sync_pageout(&sync, &page) == 1) {
        int64_t granule = ogg_page_granulepos(&page);
        if (granule == 0 && map.audio_pages.empty()) {
            map.header_bytes = offset + page.header_len + page.body_len;
        } else {
            map.audio_pages.push_back({offset, previous_granule});
            if (granule >= 0) previous_granule = granule;
        }
        offset += page.header_len + page.body_len;
    }
    ogg_sync_clear(&sync);
    return map;
}

// Frames a decoder produced, with the absolute position of the first.
struct Decoded {
    int64_t first_sample = -1;
    int64_t next_sample = -1;
    bool contiguous = true;
    std::vector<float> interleaved;
};

Decoded DecodeFrom(VorbisStreamDecoder& decoder, const std::string& file, int64_t offset,
                   bool stream_start, int64_t duration) {
    decoder.Restart(stream_start, duration);
    Decoded out;
    const int channels = decoder.info().channels;
    auto sink = [&](const float* const* pcm, int frames, int64_t first) {
        if (out.first_sample < 0) {
            out.first_sample = first;
        } else if (first != out.next_sample) {
            out.contiguous = false;
        }
        out.next_sample = first + frames;
        for (int i = 0; i < frames; ++i) {
            for (int c = 0; c < channels; ++c)
                out.interleaved.push_back(pcm[c][i]);
        }
    };
    // Odd-sized pieces, as the network delivers them.
    for (size_t at = static_cast<size_t>(offset); at < file.size(); at += 3001) {
        size_t n = std::min<size_t>(3001, file.size() - at);
        decoder.Feed(file.data() + at, n, sink);
    }
    return out;
}

// Largest difference between decoded frames and the reference at the same positions.
float MaxDifference(const Decoded& decoded, const PcmBuffer& reference) {
    float worst = 0.0f;
    const size_t base = static_cast<size_t>(decoded.first_sample) * reference.channels;
    for (size_t i = 0; i < decoded.interleaved.size(); ++i) {
        worst = std::max(worst, std::fabs(decoded.interleaved[i] - reference.samples[base + i]));
    }
    return worst;
}

class VorbisStreamDecoderTest : public ::testing::Test {
protected:
    void SetUp() override {
        // A sine under deterministic noise: enough bits for many pages.
        PcmBuffer sine = testing::MakeSine(441.0, 12.3, 44100, 2);
        uint32_t state = 12345;
        for (float& v : sine.samples) {
            state = state * 1664525u + 1013904223u;
            v += 0.2f * (static_cast<float>(state >> 8) / 8388608.0f - 1.0f);
        }
        std::string path = dir_.Join("sine.ogg");
        ASSERT_TRUE(testing::WriteOggVorbis(path, sine, 0.4f).ok());
        auto bytes = testing::ReadFileBytes(path);
        ASSERT_TRUE(bytes.ok());
        file_ = *bytes;
        auto reference = testing::DecodeOggVorbisFile(path);
        ASSERT_TRUE(reference.ok()) << reference.error().message;
        reference_ = *reference;
        duration_ = reference_.frames();
        ASSERT_EQ(duration_, sine.frames());
        pages_ = MapPages(file_);
        ASSERT_GT(pages_.header_bytes, 0);
        ASSERT_GT(pages_.audio_pages.size(), 10u);
        ASSERT_TRUE(decoder_.Open(file_.substr(0, pages_.header_bytes)).ok());
    }

    testing::TempDir dir_;
    std::string file_;
    PcmBuffer reference_;
    int64_t duration_ = 0;
    PageMap pages_;
    VorbisStreamDecoder decoder_;
};

TEST_F(VorbisStreamDecoderTest, DecodesWholeFileToExactlyItsDuration) {
    EXPECT_EQ(decoder_.info().sample_rate, 44100);
    EXPECT_EQ(decoder_.info().channels, 2);
    Decoded all = DecodeFrom(decoder_, file_, pages_.header_bytes, true, 0);
    EXPECT_EQ(all.first_sample, 0);
    EXPECT_TRUE(all.contiguous);
    EXPECT_EQ(all.next_sample, duration_);
    EXPECT_EQ(static_cast<int64_t>(all.interleaved.size()), duration_ * 2);
    EXPECT_LE(MaxDifference(all, reference_), kTolerance);
    EXPECT_TRUE(decoder_.reached_end());
    EXPECT_EQ(decoder_.warnings(), 0);
}

TEST_F(VorbisStreamDecoderTest, EverySeekPointDecodesTheSameSamplesAsAStraightDecode) {
    // Every page but the last: there the end-trimming granule cannot place
    // the samples (covered below), so players never restart on it.
    for (size_t i = 1; i + 1 < pages_.audio_pages.size(); ++i) {
        const PageStart& point = pages_.audio_pages[i];
        Decoded part = DecodeFrom(decoder_, file_, point.byte_offset, false, 0);
        SCOPED_TRACE("seek point " + std::to_string(i) + " at granule " +
                     std::to_string(point.previous_granule));
        ASSERT_GE(part.first_sample, point.previous_granule);
        // The first packet only primes the decoder: at most two half long blocks.
        EXPECT_LE(part.first_sample, point.previous_granule + 8192);
        EXPECT_TRUE(part.contiguous);
        EXPECT_EQ(part.next_sample, duration_);
        EXPECT_LE(MaxDifference(part, reference_), kTolerance);
    }
    EXPECT_EQ(decoder_.warnings(), 0);
}

TEST_F(VorbisStreamDecoderTest, RestartOnTheLastPageIsFlaggedAsAGuess) {
    Decoded part = DecodeFrom(decoder_, file_, pages_.audio_pages.back().byte_offset, false, 0);
    EXPECT_TRUE(decoder_.reached_end());
    EXPECT_EQ(part.next_sample, duration_);
    EXPECT_EQ(decoder_.warnings(), 1);
}

TEST_F(VorbisStreamDecoderTest, DurationClampsTheOutput) {
    Decoded part = DecodeFrom(decoder_, file_, pages_.header_bytes, true, 100000);
    EXPECT_EQ(part.next_sample, 100000);
    EXPECT_TRUE(decoder_.reached_end());
}

TEST_F(VorbisStreamDecoderTest, SurvivesCorruptBytesAndResynchronisesPositions) {
    std::string damaged = file_;
    const size_t middle = damaged.size() / 2;
    for (size_t i = 0; i < 700; ++i)
        damaged[middle + i] = static_cast<char>((i * 131) ^ 0x5a);

    Decoded all = DecodeFrom(decoder_, damaged, pages_.header_bytes, true, 0);
    EXPECT_GT(decoder_.warnings(), 0);
    EXPECT_EQ(all.first_sample, 0);
    EXPECT_EQ(all.next_sample, duration_);
    EXPECT_FALSE(all.contiguous);  // the damaged pages are missing, not papered over

    // The last second decodes exactly as in the undamaged file.
    const size_t tail = 44100 * 2;
    ASSERT_GT(all.interleaved.size(), tail);
    float worst = 0.0f;
    for (size_t i = 0; i < tail; ++i) {
        float got = all.interleaved[all.interleaved.size() - tail + i];
        float want = reference_.samples[reference_.samples.size() - tail + i];
        worst = std::max(worst, std::fabs(got - want));
    }
    EXPECT_LE(worst, kTolerance);
}

TEST(VorbisStreamDecoder, RejectsHeadersThatAreNotVorbis) {
    VorbisStreamDecoder decoder;
    Status status = decoder.Open(std::string(4096, 'x'));
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kCorrupt);
}

}  // namespace
}  // namespace tonearm::player
