// Shared by the offline_*_test.cpp suites: a tonearm-server with generated
// cosine tracks, one tonearm-cli device (a --profile folder), HOME pointing
// at an ALSA file sink so `play` captures what PortAudio played.
#pragma once

#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/api_client.h"
#include "core/crypto.h"
#include "core/http_client.h"
#include "tests/support/alsa_file_sink.h"
#include "tests/support/json_lines.h"
#include "tests/support/process.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_audio.h"

namespace tonearm::offline_test {

inline constexpr int kRate = 44100;

struct CliRun {
    int exit_code = -1;
    std::vector<Json> events;
    std::string out, err;
    // The first event named name, or an empty object.
    Json First(const std::string& name) const {
        for (const Json& e : events) {
            if (e.value("event", "") == name) return e;
        }
        return Json::object();
    }
};

// A cosine starts at full amplitude, so a played stretch starts non-zero;
// the noise under it keeps the encoder near its nominal bitrate, so files
// have realistic sizes.
inline testing::PcmBuffer MakeNoisyCosine(double freq_hz, double seconds) {
    testing::PcmBuffer pcm = testing::MakeSine(freq_hz, seconds, kRate, 2);
    uint32_t noise = 12345;
    for (int64_t i = 0; i < pcm.frames(); ++i) {
        const float v = 0.4f * static_cast<float>(std::cos(2 * M_PI * freq_hz * i / kRate));
        for (int c = 0; c < 2; ++c) {
            noise = noise * 1664525u + 1013904223u;
            pcm.samples[i * 2 + c] = v + 0.3f * (static_cast<float>(noise >> 8) / (1 << 24) - 0.5f);
        }
    }
    return pcm;
}

class OfflineFixture : public ::testing::Test {
protected:
    // Ingests one cosine per entry of seconds (titles "Tone 0", "Tone 1", ...)
    // and starts the server with server_args; logs the device in.
    void StartWithTracks(const std::vector<double>& seconds,
                         const std::vector<std::string>& server_args = {}) {
        std::vector<std::string> paths;
        for (size_t i = 0; i < seconds.size(); ++i) {
            paths.push_back(sources_.Join("tone" + std::to_string(i) + ".ogg"));
            ASSERT_TRUE(testing::WriteOggVorbis(paths.back(),
                                                MakeNoisyCosine(330.0 + 110 * i, seconds[i]), 0.5f,
                                                {"TITLE=Tone " + std::to_string(i)})
                            .ok());
        }
        std::string output;
        Status ingested = testing::RunIngest(data_.path(), paths, &output);
        ASSERT_TRUE(ingested.ok()) << ingested.error().message << output;
        server_args_ = server_args;
        StartServer();
        ASSERT_TRUE(testing::InstallAlsaFileSink(home_.path(), home_.Join("capture.raw")).ok());
        ASSERT_EQ(Cli({"login", "--user", "demo", "--password", "demo"}).exit_code, 0);

        ApiClient api(server_->api_url());
        ASSERT_TRUE(api.Login("demo", "demo").ok());
        auto page = api.Tracks(0, 100);
        ASSERT_TRUE(page.ok());
        for (const Track& t : page->items)
            ids_[t.title] = t.id;
        ASSERT_EQ(ids_.size(), seconds.size());
    }

    void StartServer() {
        auto server = testing::ServerProcess::Start(data_.path(), server_args_);
        ASSERT_TRUE(server.ok()) << server.error().message;
        server_ = std::move(server.value());
        api_url_ = server_->api_url();
    }
    void StopServer() { server_.reset(); }
    // Starts the server again on the API port it had, so the device's saved
    // session (bound to that URL) still applies.
    void RestartServerOnSamePort() {
        const std::string port = api_url_.substr(api_url_.rfind(':') + 1);
        std::vector<std::string> saved = server_args_;
        server_args_.insert(server_args_.end(), {"--port", port});
        StartServer();
        server_args_ = saved;
        ASSERT_EQ(api_url_.substr(api_url_.rfind(':') + 1), port);
    }

    std::string Id(int index) { return ids_["Tone " + std::to_string(index)]; }

    // Runs tonearm-cli --json against the last server URL (which stays in
    // the arguments when the server is stopped).
    CliRun Cli(std::vector<std::string> args, int timeout_ms = 60000) {
        std::vector<std::string> argv = {TONEARM_CLI_BIN, "--server",      api_url_,
                                         "--profile",     profile_.path(), "--json"};
        argv.insert(argv.end(), args.begin(), args.end());
        testing::ProcessResult result =
            testing::RunProcess(argv, timeout_ms, {"HOME=" + home_.path()});
        return CliRun{result.exit_code, testing::ParseJsonLines(result.out), result.out,
                      result.err};
    }

    // The variant file as the server holds it (through a fresh signed URL).
    std::string ServerVariantBytes(const std::string& track_id, int kbps) {
        ApiClient api(server_->api_url());
        EXPECT_TRUE(api.Login("demo", "demo").ok());
        auto manifest = api.GetManifest(track_id);
        EXPECT_TRUE(manifest.ok());
        if (!manifest.ok() || manifest->FindVariant(kbps) == nullptr) return {};
        HttpClient http;
        HttpRequest request;
        request.url = manifest->FindVariant(kbps)->url;
        auto response = http.Perform(request);
        EXPECT_TRUE(response.ok() && response->status == 200);
        return response.ok() ? response->body : std::string();
    }

    // The cache entry files (audio/*.ogg) of the device.
    std::vector<std::string> EntryFiles() {
        std::vector<std::string> files;
        std::error_code ec;
        for (const auto& f : std::filesystem::directory_iterator(CacheDir() + "/audio", ec)) {
            files.push_back(f.path().string());
        }
        return files;
    }
    std::string CacheDir() { return profile_.Join("cache"); }

    // Plays track_id to the end at kbps and expects every frame of it played
    // and the first half second captured (the start buffer, free of
    // underruns through the unpaced sink) to equal the reference decode.
    // Loudness normalisation is off, so the samples are the decoder's.
    void PlayAndCompare(const std::string& track_id, int kbps, const testing::PcmBuffer& ref) {
        CliRun played =
            Cli({"play", track_id, "--quality", std::to_string(kbps), "--normalize", "off"});
        ASSERT_EQ(played.exit_code, 0) << played.out << played.err;
        EXPECT_EQ(played.First("summary").value("frames_played", int64_t{0}), ref.frames())
            << played.out;
        auto captured = testing::ReadRawS16(home_.Join("capture.raw"), kRate, 2);
        ASSERT_TRUE(captured.ok());
        testing::StripLeadingSilence(&*captured);
        const int64_t frames = kRate / 2;
        ASSERT_GE(captured->frames(), frames);
        ASSERT_GE(ref.frames(), frames);
        int64_t mismatches = 0;
        const float tolerance = 2.0f / 32768 + 1e-4f;
        for (int64_t i = 0; i < frames * 2; ++i) {
            float want = std::clamp(ref.samples[i], -1.0f, 32767.0f / 32768);
            if (std::fabs(captured->samples[i] - want) > tolerance) ++mismatches;
        }
        EXPECT_EQ(mismatches, 0) << "track " << track_id;
    }

    testing::TempDir data_, sources_, profile_, home_;
    std::unique_ptr<testing::ServerProcess> server_;
    std::vector<std::string> server_args_;
    std::string api_url_;
    std::map<std::string, std::string> ids_;  // title -> track id
};

}  // namespace tonearm::offline_test
