// Pins down the shared test helpers that every other test builds on.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_audio.h"

namespace tonearm::testing {
namespace {

TEST(TestAudioTest, EncodedSineDecodesToExactFrameCount) {
    TempDir dir;
    for (int rate : {22050, 44100, 48000}) {
        for (int channels : {1, 2}) {
            PcmBuffer sine = MakeSine(440.0, 1.5, rate, channels);
            std::string path = dir.Join("sine.ogg");
            ASSERT_TRUE(WriteOggVorbis(path, sine, 0.4f, {"TITLE=sine"}).ok());
            Result<PcmBuffer> decoded = DecodeOggVorbisFile(path);
            ASSERT_TRUE(decoded.ok()) << decoded.error().message;
            EXPECT_EQ(decoded->sample_rate, rate);
            EXPECT_EQ(decoded->channels, channels);
            EXPECT_EQ(decoded->frames(), sine.frames());
        }
    }
}

TEST(TestAudioTest, DecodedSineIsCloseToTheOriginal) {
    TempDir dir;
    PcmBuffer sine = MakeSine(1000.0, 1.0, 44100, 2);
    ASSERT_TRUE(WriteOggVorbis(dir.Join("s.ogg"), sine, 0.8f).ok());
    Result<PcmBuffer> decoded = DecodeOggVorbisFile(dir.Join("s.ogg"));
    ASSERT_TRUE(decoded.ok());
    double error = 0;
    for (size_t i = 0; i < sine.samples.size(); ++i) {
        error += std::abs(sine.samples[i] - decoded->samples[i]);
    }
    EXPECT_LT(error / static_cast<double>(sine.samples.size()), 0.01);
}

TEST(TestAudioTest, NonOggBytesAreCorrupt) {
    Result<PcmBuffer> decoded = DecodeOggVorbisBytes("this is not audio at all");
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.error().code, ErrorCode::kCorrupt);
}

TEST(TestAudioTest, ClickTrainHasImpulsesAtTheInterval) {
    PcmBuffer clicks = MakeClickTrain(0.5, 2.0, 1000, 1);
    ASSERT_EQ(clicks.frames(), 2000);
    int count = 0;
    for (float s : clicks.samples)
        count += s != 0.0f;
    EXPECT_EQ(count, 4);
    EXPECT_EQ(clicks.samples[500], 0.9f);
}

TEST(TempDirTest, FolderIsRemovedWithEverythingInside) {
    std::string path;
    {
        TempDir dir;
        path = dir.path();
        std::filesystem::create_directories(dir.Join("a/b"));
        ASSERT_TRUE(WriteFileBytes(dir.Join("a/b/f"), "x").ok());
        EXPECT_TRUE(std::filesystem::is_directory(path));
    }
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(ProcessTest, RunProcessCapturesOutputAndExitCode) {
    ProcessResult r = RunProcess({"sh", "-c", "echo out; echo err >&2; exit 3"}, 5000);
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.out, "out\n");
    EXPECT_EQ(r.err, "err\n");
    EXPECT_FALSE(r.timed_out);
}

TEST(ProcessTest, RunProcessPassesExtraEnvironment) {
    ProcessResult r = RunProcess({"sh", "-c", "printf %s \"$TONEARM_X\""}, 5000, {"TONEARM_X=42"});
    EXPECT_EQ(r.out, "42");
}

TEST(ProcessTest, RunProcessKillsOnTimeout) {
    ProcessResult r = RunProcess({"sleep", "30"}, 200);
    EXPECT_TRUE(r.timed_out);
    EXPECT_EQ(r.exit_code, 128 + 9);
}

TEST(ProcessTest, MissingProgramExitsWith127) {
    ProcessResult r = RunProcess({"/nonexistent/program"}, 5000);
    EXPECT_EQ(r.exit_code, 127);
    EXPECT_NE(r.err.find("cannot execute"), std::string::npos);
}

TEST(ProcessTest, ChildProcessReadsLinesAndTerminates) {
    auto child = ChildProcess::Start({"sh", "-c", "echo one; echo two; exec sleep 30"});
    ASSERT_TRUE(child.ok());
    std::string line;
    ASSERT_TRUE((*child)->ReadLine(&line, 5000));
    EXPECT_EQ(line, "one");
    ASSERT_TRUE((*child)->ReadLine(&line, 5000));
    EXPECT_EQ(line, "two");
    EXPECT_FALSE((*child)->ReadLine(&line, 100));
    EXPECT_EQ((*child)->Terminate(), 128 + 15);
    EXPECT_FALSE((*child)->running());
}

}  // namespace
}  // namespace tonearm::testing
