// StreamPipeline against a misbehaving CDN on loopback: ranges ignored,
// short bodies, wrong Content-Range, expired URLs, missing files. The ring is
// drained by a test thread standing in for the audio callback.
#include "player/stream_pipeline.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <ogg/ogg.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>

#include "core/http_range.h"
#include "player/abr/algorithms.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_audio.h"

namespace tonearm::player {
namespace {

using Clock = std::chrono::steady_clock;

enum class Fault { kNone, kIgnoreRange, kShortBodies, kWrongRangeEveryThird, kExpireOnce, kGone };

// Manifest fields of an Ogg file: header bytes and a seek point per page.
Variant DescribeVariant(const std::string& file) {
    Variant variant;
    variant.kbps = 160;
    variant.size = static_cast<int64_t>(file.size());
    variant.sha256 = "same-bytes";
    ogg_sync_state sync;
    ogg_sync_init(&sync);
    char* buffer = ogg_sync_buffer(&sync, static_cast<long>(file.size()));
    std::copy(file.begin(), file.end(), buffer);
    ogg_sync_wrote(&sync, static_cast<long>(file.size()));
    int64_t offset = 0;
    int64_t previous = 0;
    ogg_page page;
    while (ogg_sync_pageout(&sync, &page) == 1) {
        int64_t granule = ogg_page_granulepos(&page);
        if (granule == 0 && variant.seek_index.empty()) {
            variant.header_bytes = offset + page.header_len + page.body_len;
        } else {
            variant.seek_index.push_back({previous, offset});
            if (granule > 0) previous = granule;
        }
        offset += page.header_len + page.body_len;
    }
    ogg_sync_clear(&sync);
    return variant;
}

class PipelineTest : public ::testing::Test {
protected:
    void SetUp() override {
        testing::PcmBuffer pcm = testing::MakeClickTrain(0.05, 9.0, 44100, 2);
        for (size_t i = 0; i < pcm.samples.size(); ++i) {
            pcm.samples[i] += 0.3f * static_cast<float>(std::sin(0.01 * static_cast<double>(i)));
        }
        std::string path = dir_.Join("t.ogg");
        ASSERT_TRUE(testing::WriteOggVorbis(path, pcm, 0.5f).ok());
        file_ = *testing::ReadFileBytes(path);
        reference_ = *testing::DecodeOggVorbisFile(path);
        // A second, much coarser encoding of the same audio: another variant.
        std::string low_path = dir_.Join("low.ogg");
        ASSERT_TRUE(testing::WriteOggVorbis(low_path, pcm, -0.1f).ok());
        low_file_ = *testing::ReadFileBytes(low_path);
        low_reference_ = *testing::DecodeOggVorbisFile(low_path);
        ASSERT_EQ(low_reference_.frames(), reference_.frames());

        manifest_.track_id = "t1";
        manifest_.sample_rate = 44100;
        manifest_.channels = 2;
        manifest_.duration_samples = reference_.frames();
        manifest_.variants.push_back(DescribeVariant(file_));
        ASSERT_GT(manifest_.variants[0].seek_index.size(), 8u);

        server_.Get(
            "/v1/tracks/t1/manifest", [this](const httplib::Request&, httplib::Response& res) {
                ++manifests_;
                Manifest fresh = manifest_;
                fresh.variants[0].url = base_ + "/audio/" + std::to_string(manifests_.load());
                res.set_content(ToJson(fresh).dump(), "application/json");
            });
        server_.Get(R"(/audio/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
            ServeAudio(req, res, file_);
        });
        server_.Get(R"(/low/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
            ServeAudio(req, res, low_file_);
        });
        port_ = server_.bind_to_any_port("127.0.0.1");
        base_ = "http://127.0.0.1:" + std::to_string(port_);
        listener_ = std::thread([this] { server_.listen_after_bind(); });
        auto deadline = Clock::now() + std::chrono::seconds(5);
        while (!server_.is_running() && Clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        ASSERT_TRUE(server_.is_running());
    }

    void TearDown() override {
        server_.stop();
        listener_.join();
    }

    void ServeAudio(const httplib::Request& req, httplib::Response& res, const std::string& file) {
        int request = ++requests_;
        int url_generation = std::stoi(req.matches[1]);
        if (fault_ == Fault::kGone) {
            res.status = 404;
            return;
        }
        if (fault_ == Fault::kExpireOnce && url_generation == 0 && request > 2) {
            res.status = 403;  // the first URL "expires" after the headers and one chunk
            return;
        }
        // httplib would apply the Range itself after this handler; this
        // server decides on its own what it sends.
        const_cast<httplib::Request&>(req).ranges.clear();
        ByteRange range{0, static_cast<int64_t>(file.size()) - 1};
        bool ranged = ResolveRangeHeader(req.get_header_value("Range"), range.Length(), &range) ==
                      RangeParse::kSatisfiable;
        if (!ranged || fault_ == Fault::kIgnoreRange) {
            res.status = 200;
            res.set_content(file, "audio/ogg");
            return;
        }
        int64_t first = range.first;
        int64_t length = range.Length();
        if (fault_ == Fault::kShortBodies && length > 100) length = length / 2;
        if (fault_ == Fault::kWrongRangeEveryThird && request % 3 == 0) first += 37;
        length = std::min<int64_t>(length, static_cast<int64_t>(file.size()) - first);
        res.status = 206;
        res.set_header("Content-Range", "bytes " + std::to_string(first) + "-" +
                                            std::to_string(first + range.Length() - 1) + "/" +
                                            std::to_string(file.size()));
        res.set_content(file.substr(static_cast<size_t>(first), static_cast<size_t>(length)),
                        "audio/ogg");
    }

    // Runs a pipeline from start, draining its ring like the callback would.
    // switching: both variants, a switch on every chunk.
    std::vector<float> Play(int64_t start, std::unique_ptr<StreamPipeline>* out_pipeline,
                            bool switching = false) {
        SpscRingBuffer<float> ring(1 << 16);
        std::atomic<int64_t> consumed{0};
        PipelineParams params;
        params.api_base_url = base_;
        params.token = [] { return std::string("token"); };
        params.manifest = manifest_;
        params.manifest.variants[0].url = base_ + "/audio/0";
        params.ladder_kbps = {160};
        params.chunk_bytes = 8 * 1024;
        if (switching) {
            Variant low = DescribeVariant(low_file_);
            low.kbps = 96;
            low.url = base_ + "/low/0";
            params.manifest.variants.insert(params.manifest.variants.begin(), low);
            params.ladder_kbps = {96, 160};
            params.abr = abr::MakeRoundRobin();
            params.chunk_seconds = 1.0;
            params.chunk_bytes = 1 << 20;
        }
        params.start_sample = start;
        params.ring = &ring;
        params.heard_sample = [&] { return start + consumed.load(); };
        auto pipeline = std::make_unique<StreamPipeline>(std::move(params));

        std::vector<float> out;
        float block[1024];
        auto deadline = Clock::now() + std::chrono::seconds(60);
        while (Clock::now() < deadline && !pipeline->error()) {
            size_t n = ring.Read(block, 1024);
            out.insert(out.end(), block, block + n);
            consumed += static_cast<int64_t>(n / 2);
            if (n == 0 && pipeline->finished() && ring.ReadableCount() == 0) break;
            if (n == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        pipeline->Stop();
        *out_pipeline = std::move(pipeline);
        return out;
    }

    void ExpectExactOutputFrom(int64_t start, const std::vector<float>& out) {
        ASSERT_EQ(static_cast<int64_t>(out.size()), (reference_.frames() - start) * 2);
        float worst = 0.0f;
        for (size_t i = 0; i < out.size(); ++i) {
            worst = std::max(worst, std::fabs(out[i] - reference_.samples[start * 2 + i]));
        }
        EXPECT_LE(worst, 1e-4f);
    }

    testing::TempDir dir_;
    std::string file_;
    testing::PcmBuffer reference_;
    std::string low_file_;
    testing::PcmBuffer low_reference_;
    Manifest manifest_;
    httplib::Server server_;
    int port_ = 0;
    std::string base_;
    std::thread listener_;
    std::atomic<Fault> fault_{Fault::kNone};
    std::atomic<int> requests_{0};
    std::atomic<int> manifests_{0};
};

TEST_F(PipelineTest, DeliversEverySampleOfTheTrackOnce) {
    std::unique_ptr<StreamPipeline> pipeline;
    std::vector<float> out = Play(0, &pipeline);
    EXPECT_FALSE(pipeline->error());
    EXPECT_TRUE(pipeline->finished());
    ExpectExactOutputFrom(0, out);
    EXPECT_EQ(pipeline->retries(), 0);
}

TEST_F(PipelineTest, StartsAtTheExactSampleAsked) {
    std::unique_ptr<StreamPipeline> pipeline;
    const int64_t start = 5 * 44100 + 123;
    std::vector<float> out = Play(start, &pipeline);
    EXPECT_FALSE(pipeline->error());
    ExpectExactOutputFrom(start, out);
}

TEST_F(PipelineTest, ServerIgnoringRangesStillGivesExactAudio) {
    fault_ = Fault::kIgnoreRange;
    std::unique_ptr<StreamPipeline> pipeline;
    std::vector<float> out = Play(3 * 44100, &pipeline);
    EXPECT_FALSE(pipeline->error());
    ExpectExactOutputFrom(3 * 44100, out);
}

TEST_F(PipelineTest, ShortBodiesAreCompletedByFurtherRequests) {
    fault_ = Fault::kShortBodies;
    std::unique_ptr<StreamPipeline> pipeline;
    std::vector<float> out = Play(0, &pipeline);
    EXPECT_FALSE(pipeline->error());
    ExpectExactOutputFrom(0, out);
}

TEST_F(PipelineTest, MismatchedContentRangeIsRetriedNotDecoded) {
    fault_ = Fault::kWrongRangeEveryThird;
    std::unique_ptr<StreamPipeline> pipeline;
    std::vector<float> out = Play(0, &pipeline);
    EXPECT_FALSE(pipeline->error());
    EXPECT_GT(pipeline->retries(), 0);
    ExpectExactOutputFrom(0, out);
    EXPECT_EQ(pipeline->decode_warnings(), 0);
}

TEST_F(PipelineTest, ExpiredUrlIsRefreshedAndResumesAtTheSameByte) {
    fault_ = Fault::kExpireOnce;
    std::unique_ptr<StreamPipeline> pipeline;
    std::vector<float> out = Play(0, &pipeline);
    EXPECT_FALSE(pipeline->error());
    EXPECT_EQ(pipeline->url_refreshes(), 1);
    EXPECT_EQ(manifests_.load(), 1);
    ExpectExactOutputFrom(0, out);
}

// Every chunk from the other variant: each stretch must be exactly that
// variant's own decode, and the splices must neither lose nor repeat a sample.
TEST_F(PipelineTest, SwitchingOnEveryChunkSplicesSampleExactly) {
    for (int64_t start : {int64_t{0}, int64_t{2 * 44100 + 777}}) {
        std::unique_ptr<StreamPipeline> pipeline;
        std::vector<float> out = Play(start, &pipeline, true);
        ASSERT_FALSE(pipeline->error()) << pipeline->error()->message;
        ASSERT_TRUE(pipeline->finished());
        ASSERT_EQ(static_cast<int64_t>(out.size()), (reference_.frames() - start) * 2);

        std::vector<ChunkReport> chunks = pipeline->TakeReports();
        ASSERT_GE(chunks.size(), 6u);
        int switches = 0;
        int64_t expected_first = start;
        for (const ChunkReport& chunk : chunks) {
            EXPECT_EQ(chunk.first_sample, expected_first);
            expected_first = chunk.end_sample;
            if (chunk.previous_kbps != 0 && chunk.previous_kbps != chunk.kbps) ++switches;
            const testing::PcmBuffer& ref = chunk.kbps == 96 ? low_reference_ : reference_;
            float worst = 0.0f;
            for (int64_t i = chunk.first_sample * 2; i < chunk.end_sample * 2; ++i) {
                worst = std::max(worst, std::fabs(out[static_cast<size_t>(i - start * 2)] -
                                                  ref.samples[static_cast<size_t>(i)]));
            }
            EXPECT_LE(worst, 1e-4f)
                << "chunk at " << chunk.first_sample << " (" << chunk.kbps << " kbit/s)";
        }
        EXPECT_EQ(expected_first, reference_.frames());
        EXPECT_EQ(switches, static_cast<int>(chunks.size()) - 1);
    }
}

// A seek is a run from a new start sample: the first frame out must be that
// sample of a straight decode, for any position, with and without switches.
TEST_F(PipelineTest, RandomSeeksStartAtTheExactSampleOfAStraightDecode) {
    uint64_t state = 0x9e3779b97f4a7c15ull;
    const auto next = [&state] {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    };
    const int64_t duration = reference_.frames();
    for (int seek = 0; seek < 24; ++seek) {
        const auto start = static_cast<int64_t>(next() % static_cast<uint64_t>(duration));
        const bool switching = seek % 3 == 2;
        std::unique_ptr<StreamPipeline> pipeline;
        std::vector<float> out = Play(start, &pipeline, switching);
        ASSERT_FALSE(pipeline->error()) << "seek to " << start;
        ASSERT_EQ(static_cast<int64_t>(out.size()), (duration - start) * 2) << "seek to " << start;
        const testing::PcmBuffer& first =
            switching && pipeline->TakeReports().front().kbps == 96 ? low_reference_ : reference_;
        const int64_t check = std::min<int64_t>(4096, duration - start);
        float worst = 0.0f;
        for (int64_t i = 0; i < check * 2; ++i) {
            worst = std::max(worst, std::fabs(out[static_cast<size_t>(i)] -
                                              first.samples[static_cast<size_t>(start * 2 + i)]));
        }
        EXPECT_LE(worst, 1e-4f) << "seek to " << start << (switching ? " (switching)" : "");
    }
}

TEST_F(PipelineTest, MissingFileIsAPermanentErrorWithAClearMessage) {
    fault_ = Fault::kGone;
    std::unique_ptr<StreamPipeline> pipeline;
    Play(0, &pipeline);
    ASSERT_TRUE(pipeline->error());
    EXPECT_NE(pipeline->error()->message.find("HTTP 404"), std::string::npos)
        << pipeline->error()->message;
    EXPECT_FALSE(pipeline->finished());
}

}  // namespace
}  // namespace tonearm::player
