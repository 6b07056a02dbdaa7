// Time to first audible sample for `tonearm-cli play` against a local
// tonearm-server, over many runs: median and p90.
//
//   startup_bench [--runs N] [--latency-ms L] [--smoke]
//
// Two figures per run: "command" is from the start of the tonearm-cli
// process to the first audible sample reaching PortAudio (session load,
// track look-up, manifest, first range, decode, device start); "engine" is
// from PlaybackSession::Play to that sample. Audio goes to an ALSA file sink
// (tests/support/alsa_file_sink.h), so no sound card is needed.
#include <cstdio>
#include <string>
#include <vector>

#include "core/wire.h"
#include "tests/bench/bench_stats.h"
#include "tests/support/alsa_file_sink.h"
#include "tests/support/json_lines.h"
#include "tests/support/process.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

using namespace tonearm;
using namespace tonearm::testing;

namespace {

struct RunFigures {
    double command_ms = -1;
    double engine_ms = -1;
};

// Parses the --json lines of one play run.
RunFigures ParsePlayOutput(const std::string& out) {
    RunFigures figures;
    for (const Json& json : ParseJsonLines(out)) {
        if (!json.is_object() || json.value("event", "") != "first_audio") continue;
        figures.command_ms = json.value("t_ms", -1.0);
        figures.engine_ms = json.value("ms", -1.0);
        break;
    }
    return figures;
}

}  // namespace

int main(int argc, char** argv) {
    int runs = 20;
    std::string latency_ms = "0";
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--smoke") runs = 2;
        if (arg == "--runs" && i + 1 < argc) runs = std::stoi(argv[++i]);
        if (arg == "--latency-ms" && i + 1 < argc) latency_ms = argv[++i];
    }

    TempDir work;
    std::string track_file = std::string(TONEARM_DEMO_MUSIC_DIR) + "/start1-jt.ogg";
    if (Status ingested = RunIngest(work.Join("data"), {track_file}); !ingested) {
        std::fprintf(stderr, "startup_bench: %s\n", ingested.error().message.c_str());
        return 1;
    }
    auto server = ServerProcess::Start(work.Join("data"), {"--latency-ms", latency_ms});
    if (!server) {
        std::fprintf(stderr, "startup_bench: %s\n", server.error().message.c_str());
        return 1;
    }
    if (Status sink = InstallAlsaFileSink(work.path(), work.Join("out.raw")); !sink) {
        std::fprintf(stderr, "startup_bench: %s\n", sink.error().message.c_str());
        return 1;
    }
    const std::vector<std::string> env = {"HOME=" + work.path()};
    const std::vector<std::string> cli = {TONEARM_CLI_BIN,      "--server",
                                          (*server)->api_url(), "--profile",
                                          work.Join("profile"), "--json"};

    auto with = [&](std::vector<std::string> tail) {
        std::vector<std::string> argv_all = cli;
        argv_all.insert(argv_all.end(), tail.begin(), tail.end());
        return argv_all;
    };
    auto login = RunProcess(with({"login", "--user", "demo", "--password", "demo"}), 20000, env);
    auto tracks = RunProcess(with({"tracks"}), 20000, env);
    std::string track_id;
    if (auto line = ParseJson(tracks.out.substr(0, tracks.out.find('\n')))) {
        track_id = line->value("id", "");
    }
    if (login.exit_code != 0 || track_id.empty()) {
        std::fprintf(stderr, "startup_bench: login or catalog failed: %s %s\n", login.err.c_str(),
                     tracks.err.c_str());
        return 1;
    }

    std::vector<double> command_ms;
    std::vector<double> engine_ms;
    for (int i = 0; i < runs; ++i) {
        auto play = RunProcess(with({"play", track_id, "--seconds", "1"}), 60000, env);
        RunFigures figures = ParsePlayOutput(play.out);
        if (play.exit_code != 0 || figures.command_ms < 0) {
            std::fprintf(stderr, "startup_bench: run %d failed (exit %d): %s\n", i, play.exit_code,
                         play.err.c_str());
            return 1;
        }
        command_ms.push_back(figures.command_ms);
        engine_ms.push_back(figures.engine_ms);
    }
    std::printf("startup_bench: %d runs, added latency %s ms, 44.1 kHz stereo, automatic quality\n",
                runs, latency_ms.c_str());
    std::printf("  command to first audio   median %7.1f ms   p90 %7.1f ms\n",
                bench::Median(command_ms), bench::Quantile(command_ms, 0.9));
    std::printf("  Play() to first audio    median %7.1f ms   p90 %7.1f ms\n",
                bench::Median(engine_ms), bench::Quantile(engine_ms, 0.9));
    return 0;
}
