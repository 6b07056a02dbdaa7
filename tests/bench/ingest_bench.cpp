// Ingest throughput: seconds of audio encoded per wall second into all three
// variants, tonearm-server ingest against oggenc run once per bitrate on the
// same decoded audio, in the same run.
//
//   ingest_bench [--tracks N] [--smoke]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_audio.h"

namespace fs = std::filesystem;
using namespace tonearm::testing;

namespace {

double Seconds(std::chrono::steady_clock::duration d) {
    return std::chrono::duration<double>(d).count();
}

// Runs each command, at most `parallel` at a time; returns the wall time or
// a negative value when one fails.
double RunAll(const std::vector<std::vector<std::string>>& commands, size_t parallel) {
    auto start = std::chrono::steady_clock::now();
    for (size_t i = 0; i < commands.size(); i += parallel) {
        std::vector<std::unique_ptr<ChildProcess>> running;
        for (size_t j = i; j < std::min(commands.size(), i + parallel); ++j) {
            auto child = ChildProcess::Start(commands[j]);
            if (!child) return -1;
            running.push_back(std::move(child.value()));
        }
        for (auto& child : running) {
            auto code = child->WaitForExit(600000);
            if (!code || *code != 0) {
                std::fprintf(stderr, "ingest_bench: command failed: %s\n", child->err().c_str());
                return -1;
            }
        }
    }
    return Seconds(std::chrono::steady_clock::now() - start);
}

}  // namespace

int main(int argc, char** argv) {
    size_t max_tracks = 10;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--smoke") max_tracks = 1;
        if (arg == "--tracks" && i + 1 < argc) max_tracks = std::stoul(argv[++i]);
    }

    std::vector<std::string> sources;
    for (const auto& entry : fs::directory_iterator(TONEARM_DEMO_MUSIC_DIR)) {
        if (entry.path().extension() == ".ogg") sources.push_back(entry.path());
    }
    std::sort(sources.begin(), sources.end());
    if (sources.size() > max_tracks) sources.resize(max_tracks);
    if (sources.empty()) {
        std::fprintf(stderr, "ingest_bench: no demo music in %s (scripts/fetch-demo-music.sh)\n",
                     TONEARM_DEMO_MUSIC_DIR);
        return 1;
    }

    TempDir work;
    double audio_seconds = 0;
    std::vector<std::string> wavs;
    for (const std::string& source : sources) {
        auto pcm = DecodeOggVorbisFile(source);
        if (!pcm) {
            std::fprintf(stderr, "ingest_bench: %s: %s\n", source.c_str(),
                         pcm.error().message.c_str());
            return 1;
        }
        audio_seconds += static_cast<double>(pcm->frames()) / pcm->sample_rate;
        std::string wav = work.Join(fs::path(source).stem().string() + ".wav");
        if (!WriteWav16(wav, *pcm)) return 1;
        wavs.push_back(wav);
    }

    std::vector<std::string> ingest = {TONEARM_SERVER_BIN, "ingest", "--data", work.Join("data")};
    ingest.insert(ingest.end(), sources.begin(), sources.end());
    double tonearm_s = RunAll({ingest}, 1);

    std::vector<std::vector<std::string>> oggenc;
    for (int kbps : {96, 160, 320}) {
        for (const std::string& wav : wavs) {
            oggenc.push_back({"oggenc", "-Q", "-b", std::to_string(kbps), "-o",
                              wav + "." + std::to_string(kbps) + ".ogg", wav});
        }
    }
    double oggenc_serial_s = RunAll(oggenc, 1);
    double oggenc_two_s = RunAll(oggenc, 2);
    if (tonearm_s <= 0 || oggenc_serial_s <= 0 || oggenc_two_s <= 0) return 1;

    std::printf("ingest_bench: %zu tracks, %.1f s of audio, 3 variants each\n", sources.size(),
                audio_seconds);
    std::printf("  tonearm-server ingest      %7.2f s wall  %7.1f audio-s/s\n", tonearm_s,
                audio_seconds / tonearm_s);
    std::printf("  oggenc x3, one at a time   %7.2f s wall  %7.1f audio-s/s\n", oggenc_serial_s,
                audio_seconds / oggenc_serial_s);
    std::printf("  oggenc x3, two at a time   %7.2f s wall  %7.1f audio-s/s\n", oggenc_two_s,
                audio_seconds / oggenc_two_s);
    std::printf("  ratio tonearm / oggenc serial   %.2f\n", oggenc_serial_s / tonearm_s);
    std::printf("  ratio tonearm / oggenc 2-way    %.2f\n", oggenc_two_s / tonearm_s);
    return 0;
}
