// The offline cache: time to first audio from a warm cache, and download
// throughput of a pinned playlist against curl fetching the same files.
//
//   cache_bench [--runs N] [--tracks N] [--seconds S] [--latency-ms L]
//               [--transfers 1,2,3,4] [--cli PATH] [--smoke]
//
// Tracks are generated (a cosine under noise, so the encoder reaches its
// nominal bitrate) and ingested into a local tonearm-server. The playlist is
// pinned at 320 kbps with `tonearm-cli offline pin --parallel N` for each N
// of --transfers (wall clock of the whole command: manifests, downloads,
// fsync, SHA-256 checks, index commits); curl then fetches the same variant
// files in one process from the same server into files on the same file
// system (without fsync). N = 0 runs the pin without --parallel, for a
// tonearm-cli given with --cli that predates it. Play runs go to an ALSA
// file sink.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "core/api_client.h"
#include "tests/bench/bench_stats.h"
#include "tests/support/alsa_file_sink.h"
#include "tests/support/json_lines.h"
#include "tests/support/process.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_audio.h"

using namespace tonearm;
using namespace tonearm::testing;

namespace {

struct Options {
    int runs = 20;
    int tracks = 6;
    double seconds = 60;
    std::string latency_ms = "0";
    std::vector<int> transfers = {1, 2, 3, 4};
    std::string cli = TONEARM_CLI_BIN;
};

std::vector<int> ParseList(const std::string& text) {
    std::vector<int> values;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');)
        values.push_back(std::stoi(item));
    return values;
}

PcmBuffer NoisyCosine(double freq, double seconds) {
    PcmBuffer pcm = MakeSine(freq, seconds, 44100, 2);
    uint32_t noise = 99;
    for (int64_t i = 0; i < pcm.frames(); ++i) {
        float v = 0.4f * static_cast<float>(std::cos(2 * M_PI * freq * i / 44100));
        for (int c = 0; c < 2; ++c) {
            noise = noise * 1664525u + 1013904223u;
            pcm.samples[i * 2 + c] = v + 0.3f * (static_cast<float>(noise >> 8) / (1 << 24) - 0.5f);
        }
    }
    return pcm;
}

double MsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
}

// The value of field in the first --json line whose event is name.
Json FirstEvent(const std::string& out, const std::string& name) {
    for (const Json& json : testing::ParseJsonLines(out)) {
        if (json.is_object() && json.value("event", "") == name) return json;
    }
    return Json::object();
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--smoke") o = {3, 2, 8, "0", {1, 3}, TONEARM_CLI_BIN};
        if (arg == "--runs" && i + 1 < argc) o.runs = std::stoi(argv[++i]);
        if (arg == "--tracks" && i + 1 < argc) o.tracks = std::stoi(argv[++i]);
        if (arg == "--seconds" && i + 1 < argc) o.seconds = std::stod(argv[++i]);
        if (arg == "--latency-ms" && i + 1 < argc) o.latency_ms = argv[++i];
        if (arg == "--transfers" && i + 1 < argc) o.transfers = ParseList(argv[++i]);
        if (arg == "--cli" && i + 1 < argc) o.cli = argv[++i];
    }
    TempDir data, sources, profile, home;
    std::vector<std::string> paths;
    for (int i = 0; i < o.tracks; ++i) {
        paths.push_back(sources.Join("t" + std::to_string(i) + ".ogg"));
        if (!WriteOggVorbis(paths.back(), NoisyCosine(300.0 + 50 * i, o.seconds), 0.5f,
                            {"TITLE=Bench " + std::to_string(i)})
                 .ok()) {
            return 1;
        }
    }
    std::string output;
    if (Status ingested = RunIngest(data.path(), paths, &output); !ingested.ok()) {
        std::fprintf(stderr, "%s\n%s\n", ingested.error().message.c_str(), output.c_str());
        return 1;
    }
    auto server = ServerProcess::Start(data.path(), {"--latency-ms", o.latency_ms});
    if (!server.ok() || !InstallAlsaFileSink(home.path(), home.Join("capture.raw")).ok()) return 1;
    const std::string url = (*server)->api_url();
    auto cli = [&](std::vector<std::string> args) {
        std::vector<std::string> argv2 = {o.cli,       "--server",     url,
                                          "--profile", profile.path(), "--json"};
        argv2.insert(argv2.end(), args.begin(), args.end());
        return RunProcess(argv2, 600000, {"HOME=" + home.path()});
    };
    cli({"login", "--user", "demo", "--password", "demo"});

    ApiClient api(url);
    if (!api.Login("demo", "demo").ok()) return 1;
    auto page = api.Tracks(0, 100);
    if (!page.ok()) return 1;
    std::vector<std::string> ids;
    for (const Track& t : page->items)
        ids.push_back(t.id);
    const std::string playlist =
        FirstEvent(cli({"playlist", "create", "Bench"}).out, "playlist_created")["playlist"];
    std::vector<std::string> add = {"playlist", "add", playlist};
    add.insert(add.end(), ids.begin(), ids.end());
    cli(add);
    cli({"sync"});

    // Throughput: curl the files, then pin them from an empty cache with
    // each number of transfers.
    std::vector<std::string> curl = {"curl", "-s", "-f"};
    for (const std::string& id : ids) {
        auto manifest = api.GetManifest(id);
        if (!manifest.ok() || manifest->FindVariant(320) == nullptr) return 1;
        curl.insert(curl.end(),
                    {"-o", sources.Join(id + ".curl"), manifest->FindVariant(320)->url});
    }
    std::vector<std::string> curl_parallel = curl;
    curl_parallel.insert(curl_parallel.begin() + 1, {"--parallel", "--parallel-max", "3"});
    const int throughput_runs = std::max(1, std::min(o.runs, 3));
    std::vector<double> curl_ms, curl_parallel_ms;
    for (int run = 0; run < throughput_runs; ++run) {
        auto start = std::chrono::steady_clock::now();
        if (RunProcess(curl, 600000).exit_code != 0) return 1;
        curl_ms.push_back(MsSince(start));
        start = std::chrono::steady_clock::now();
        if (RunProcess(curl_parallel, 600000).exit_code != 0) return 1;
        curl_parallel_ms.push_back(MsSince(start));
    }
    const double curl_median = bench::Median(curl_ms);
    const double curl_parallel_median = bench::Median(curl_parallel_ms);
    int64_t bytes = 0;
    std::vector<std::pair<int, double>> pin_medians;
    for (int transfers : o.transfers) {
        std::vector<double> pin_ms;
        for (int run = 0; run < throughput_runs; ++run) {
            cli({"cache", "clear", "--all"});
            std::vector<std::string> pin = {"offline", "pin", playlist, "--quality", "320"};
            if (transfers > 0) pin.insert(pin.end(), {"--parallel", std::to_string(transfers)});
            auto start = std::chrono::steady_clock::now();
            ProcessResult pinned = cli(pin);
            pin_ms.push_back(MsSince(start));
            if (pinned.exit_code != 0) {
                std::fprintf(stderr, "pin failed: %s %s\n", pinned.out.c_str(), pinned.err.c_str());
                return 1;
            }
            bytes = FirstEvent(pinned.out, "pinned")["bytes_total"];
        }
        pin_medians.emplace_back(transfers, bench::Median(pin_ms));
    }
    const double mib = static_cast<double>(bytes) / (1 << 20);
    std::printf("pin playlist: %d tracks, %.2f MiB at 320 kbps, latency %s ms\n", o.tracks, mib,
                o.latency_ms.c_str());
    std::printf("  curl, same files, one process: median %.1f ms (%.1f MiB/s)\n", curl_median,
                mib / (curl_median / 1000));
    std::printf("  curl --parallel-max 3:         median %.1f ms (%.1f MiB/s)\n",
                curl_parallel_median, mib / (curl_parallel_median / 1000));
    for (const auto& [transfers, median] : pin_medians) {
        std::printf("  offline pin, %s: median %.1f ms (%.1f MiB/s), ratio pin/curl %.2f\n",
                    transfers > 0 ? ("--parallel " + std::to_string(transfers)).c_str()
                                  : "default transfers",
                    median, mib / (median / 1000), curl_median / median);
    }

    // Time to first audio from the warm cache.
    std::vector<double> engine, command;
    for (int run = 0; run < o.runs; ++run) {
        ProcessResult played =
            cli({"play", ids[static_cast<size_t>(run) % ids.size()], "--seconds", "1"});
        Json first = FirstEvent(played.out, "first_audio");
        if (played.exit_code != 0 || first.empty()) {
            std::fprintf(stderr, "play failed: %s\n", played.out.c_str());
            return 1;
        }
        engine.push_back(first.value("ms", -1.0));
        command.push_back(first.value("t_ms", -1.0));
    }
    std::printf("first audio from the warm cache, %d runs of tonearm-cli play:\n", o.runs);
    std::printf("  engine (Play to first sample): median %.1f ms, p90 %.1f ms\n",
                bench::Median(engine), bench::Quantile(engine, 0.9));
    std::printf("  command (process start to first sample): median %.1f ms, p90 %.1f ms\n",
                bench::Median(command), bench::Quantile(command, 0.9));
    return 0;
}
