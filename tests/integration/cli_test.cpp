// tonearm-cli against the real tonearm-server: sessions, catalog, manifests,
// and its error handling. Playback through the CLI is covered by
// cli_play_test.cpp.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "core/wire.h"
#include "tests/support/json_lines.h"
#include "tests/support/process.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_audio.h"

namespace tonearm::testing {
namespace {

// Every line tonearm-cli --json prints must be a JSON object.
std::vector<Json> JsonLines(const std::string& out) {
    std::vector<std::string> bad;
    std::vector<Json> lines = ParseJsonLines(out, &bad);
    for (const std::string& line : bad)
        ADD_FAILURE() << "not a JSON line: " << line;
    return lines;
}

class CliTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new TempDir();
        for (int i = 0; i < 3; ++i) {
            PcmBuffer pcm = MakeSine(220.0 * (i + 1), 3.0, 44100, 2);
            std::string path = dir_->Join("tone" + std::to_string(i) + ".ogg");
            ASSERT_TRUE(WriteOggVorbis(path, pcm, 0.4f,
                                       {"TITLE=Tone " + std::to_string(i), "ARTIST=Generator"})
                            .ok());
            sources_.push_back(path);
        }
        std::string output;
        Status ingested = RunIngest(dir_->Join("data"), sources_, &output);
        ASSERT_TRUE(ingested.ok()) << output;
    }
    static void TearDownTestSuite() {
        delete dir_;
        dir_ = nullptr;
    }

    void SetUp() override {
        auto server = ServerProcess::Start(dir_->Join("data"));
        ASSERT_TRUE(server.ok()) << server.error().message;
        server_ = std::move(server.value());
        profile_ = std::make_unique<TempDir>();
    }

    ProcessResult Cli(std::vector<std::string> args, bool with_server = true) {
        std::vector<std::string> argv = {TONEARM_CLI_BIN, "--profile", profile_->path(), "--json"};
        if (with_server) {
            argv.insert(argv.begin() + 1, server_->api_url());
            argv.insert(argv.begin() + 1, "--server");
        }
        argv.insert(argv.end(), args.begin(), args.end());
        return RunProcess(argv, 30000);
    }

    static TempDir* dir_;
    static std::vector<std::string> sources_;
    std::unique_ptr<ServerProcess> server_;
    std::unique_ptr<TempDir> profile_;
};

TempDir* CliTest::dir_ = nullptr;
std::vector<std::string> CliTest::sources_;

TEST_F(CliTest, LoginKeepsTheSessionForLaterCommands) {
    auto login = Cli({"login", "--user", "demo", "--password", "demo"});
    ASSERT_EQ(login.exit_code, 0) << login.out << login.err;
    auto lines = JsonLines(login.out);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0]["event"], "login");
    EXPECT_EQ(lines[0]["tier"], "premium");

    // No --server: the saved session knows it.
    auto tracks = Cli({"tracks"}, false);
    ASSERT_EQ(tracks.exit_code, 0) << tracks.err;
    auto track_lines = JsonLines(tracks.out);
    ASSERT_EQ(track_lines.size(), 4u);
    std::set<std::string> titles;
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(track_lines[i]["event"], "track");
        titles.insert(track_lines[i]["title"].get<std::string>());
        EXPECT_EQ(track_lines[i]["duration_samples"], 3 * 44100);
    }
    EXPECT_EQ(titles, (std::set<std::string>{"Tone 0", "Tone 1", "Tone 2"}));
    EXPECT_EQ(track_lines[3]["event"], "tracks");
    EXPECT_EQ(track_lines[3]["total"], 3);
}

TEST_F(CliTest, WrongPasswordFailsWithAClearMessage) {
    auto login = Cli({"login", "--user", "demo", "--password", "nope"});
    EXPECT_EQ(login.exit_code, 1);
    auto lines = JsonLines(login.out);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0]["event"], "error");
    EXPECT_NE(lines[0]["message"].get<std::string>().find("401"), std::string::npos);
}

TEST_F(CliTest, CommandsWithoutLoginAreRefused) {
    auto tracks = Cli({"tracks"});
    EXPECT_EQ(tracks.exit_code, 1);
    auto lines = JsonLines(tracks.out);
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.back()["event"], "error");
}

TEST_F(CliTest, ManifestOffersOnlyWhatTheTierAllows) {
    ASSERT_EQ(Cli({"login", "--user", "free", "--password", "free"}).exit_code, 0);
    auto tracks = JsonLines(Cli({"tracks", "--limit", "1"}).out);
    ASSERT_FALSE(tracks.empty());
    std::string id = tracks[0]["id"];

    auto manifest = Cli({"manifest", id});
    ASSERT_EQ(manifest.exit_code, 0) << manifest.err;
    auto lines = JsonLines(manifest.out);
    ASSERT_EQ(lines.size(), 1u);
    auto parsed = ManifestFromJson(lines[0]);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed->duration_samples, 3 * 44100);
    std::vector<int> offered;
    for (const Variant& v : parsed->variants) {
        offered.push_back(v.kbps);
        EXPECT_EQ(v.url.rfind(server_->cdn_url(), 0), 0u) << v.url;
        EXPECT_NE(v.url.find("sig="), std::string::npos);
        EXPECT_FALSE(v.seek_index.empty());
    }
    EXPECT_EQ(offered, (std::vector<int>{96, 160}));

    ASSERT_EQ(Cli({"login", "--user", "demo", "--password", "demo"}).exit_code, 0);
    auto premium = ManifestFromJson(JsonLines(Cli({"manifest", id}).out).at(0));
    ASSERT_TRUE(premium.ok());
    EXPECT_EQ(premium->variants.size(), 3u);
}

TEST_F(CliTest, UnknownTrackIsNotFound) {
    ASSERT_EQ(Cli({"login", "--user", "demo", "--password", "demo"}).exit_code, 0);
    auto manifest = Cli({"manifest", "no-such-track"});
    EXPECT_EQ(manifest.exit_code, 1);
    EXPECT_NE(manifest.out.find("no track with id or title 'no-such-track'"), std::string::npos)
        << manifest.out;
}

TEST_F(CliTest, ManifestAcceptsATitleAsPlayDoes) {
    ASSERT_EQ(Cli({"login", "--user", "demo", "--password", "demo"}).exit_code, 0);
    auto manifest = Cli({"manifest", "Tone 2"});
    ASSERT_EQ(manifest.exit_code, 0) << manifest.out << manifest.err;
    auto lines = JsonLines(manifest.out);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0]["event"], "manifest");
    EXPECT_EQ(lines[0]["variants"].size(), 3u);
}

TEST_F(CliTest, CorruptSessionFileIsReportedNotTrusted) {
    ASSERT_EQ(Cli({"login", "--user", "demo", "--password", "demo"}).exit_code, 0);
    std::ofstream(profile_->Join("session.json"), std::ios::trunc) << "{\"token\": ";
    auto tracks = Cli({"tracks"});
    EXPECT_EQ(tracks.exit_code, 1);
    EXPECT_NE(tracks.out.find("session file"), std::string::npos) << tracks.out;
}

TEST_F(CliTest, UsageErrorsExitWithTwo) {
    EXPECT_EQ(Cli({"no-such-command"}).exit_code, 2);
    EXPECT_EQ(Cli({"login", "--user"}).exit_code, 2);
    EXPECT_EQ(Cli({"play"}).exit_code, 2);
    EXPECT_EQ(Cli({"play", "x", "--quality", "128"}).exit_code, 2);
}

TEST_F(CliTest, UnreachableServerIsANetworkError) {
    // A port this test owned a moment ago and that nothing listens on now.
    std::string url = server_->api_url();
    server_->Stop();
    auto result = RunProcess({TONEARM_CLI_BIN, "--server", url, "--profile", profile_->path(),
                              "--json", "login", "--user", "demo", "--password", "demo"},
                             30000);
    EXPECT_EQ(result.exit_code, 1);
    auto lines = JsonLines(result.out);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0]["event"], "error");
    EXPECT_NE(lines[0]["message"].get<std::string>().find("onnect"), std::string::npos);
}

}  // namespace
}  // namespace tonearm::testing
