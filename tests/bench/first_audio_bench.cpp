// Time to first audio and seek latency, tonearm-cli against ogg123, with the
// same outside clock for both.
//
//   first_audio_bench [--runs N] [--latency-ms L] [--seek S] [--smoke]
//
// One real demo track is ingested and served with L ms (default 50) of added
// CDN latency. Each run gets a fresh HOME whose ~/.asoundrc sends ALSA's
// default PCM through the file plugin into a FIFO this program reads; "heard"
// is the time from spawning the player to the first non-zero sample arriving
// on that FIFO. tonearm-cli starts with an empty cache (a new --profile,
// logged in before the clock starts) and plays the 160 kbit/s variant; ogg123
// plays the same variant through the signed URL, which is fetched before the
// clock starts. ogg123 cannot skip within an http stream, so for the seek it
// plays a local copy of the variant (downloaded untimed), which spares it the
// CDN round trip. The players alternate run by run.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "core/http_client.h"
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

using Clock = std::chrono::steady_clock;

constexpr int kAudioTimeoutMs = 20000;          // spawn to first sound, per run
constexpr int kExitTimeoutMs = 30000;           // tonearm-cli's one second of audio to its exit
constexpr char kTrackFile[] = "start1-jt.ogg";  // 68 s, 44.1 kHz stereo
constexpr int kKbps = 160;

double MsBetween(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

// The read end of a FIFO that ALSA's file plugin writes into. A second,
// write-only descriptor stays open so that the reader never sees end of file
// when a player opens and closes the PCM more than once. Both descriptors
// are close-on-exec. Use from one thread.
class FifoTap {
public:
    static Result<std::unique_ptr<FifoTap>> Create(const std::string& path) {
        if (mkfifo(path.c_str(), 0600) != 0) return MakeError(ErrorCode::kIo, "mkfifo " + path);
        auto tap = std::unique_ptr<FifoTap>(new FifoTap);
        tap->read_fd_ = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        tap->hold_fd_ = open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (tap->read_fd_ < 0 || tap->hold_fd_ < 0) {
            return MakeError(ErrorCode::kIo, "cannot open FIFO " + path);
        }
        return tap;
    }

    ~FifoTap() {
        if (read_fd_ >= 0) close(read_fd_);
        if (hold_fd_ >= 0) close(hold_fd_);
    }

    // Reads whatever arrives within wait_ms. Returns the time of the read that
    // brought the first non-zero byte (a zero sample is two zero bytes), or
    // nullopt if that has not happened yet; later calls only drain.
    std::optional<Clock::time_point> Read(int wait_ms) {
        pollfd pfd{read_fd_, POLLIN, 0};
        if (poll(&pfd, 1, wait_ms) <= 0) return std::nullopt;
        char buffer[65536];
        ssize_t n;
        while ((n = read(read_fd_, buffer, sizeof buffer)) > 0) {
            const Clock::time_point now = Clock::now();
            if (sound_seen_) continue;
            for (ssize_t i = 0; i < n && !sound_seen_; ++i)
                sound_seen_ = buffer[i] != 0;
            if (sound_seen_) return now;
        }
        return std::nullopt;
    }

private:
    FifoTap() = default;

    int read_fd_ = -1;
    int hold_fd_ = -1;
    bool sound_seen_ = false;
};

// A scratch HOME for one run: .asoundrc into a FIFO there, read by the tap.
struct RunHome {
    TempDir dir;
    std::unique_ptr<FifoTap> tap;

    Status Prepare() {
        auto created = FifoTap::Create(dir.Join("pcm.fifo"));
        if (!created) return created.error();
        tap = std::move(*created);
        return InstallAlsaFileSink(dir.path(), dir.Join("pcm.fifo"));
    }
    std::vector<std::string> Env() const { return {"HOME=" + dir.path()}; }
};

// Waits for the player's first sound on the tap; fails if the player exits
// first or nothing is heard within kAudioTimeoutMs.
Result<double> WaitForSound(ChildProcess& player, FifoTap& tap, Clock::time_point spawned) {
    while (MsBetween(spawned, Clock::now()) < kAudioTimeoutMs) {
        if (auto heard = tap.Read(20)) return MsBetween(spawned, *heard);
        if (auto code = player.WaitForExit(0)) {
            if (auto heard = tap.Read(0)) return MsBetween(spawned, *heard);
            return MakeError(ErrorCode::kIo, "exited with " + std::to_string(*code) +
                                                 " before any sound: " + player.err());
        }
    }
    return MakeError(ErrorCode::kIo,
                     "no sound within " + std::to_string(kAudioTimeoutMs) + " ms: " + player.err());
}

struct Setup {
    std::string api_url;
    std::string track_id;
    std::string profile;  // logged in; used for manifests only
    double seek_seconds = 30;
};

std::vector<std::string> Cli(const Setup& setup, const std::string& profile,
                             std::vector<std::string> tail) {
    std::vector<std::string> argv = {TONEARM_CLI_BIN, "--server", setup.api_url,
                                     "--profile",     profile,    "--json"};
    argv.insert(argv.end(), tail.begin(), tail.end());
    return argv;
}

Status LogIn(const Setup& setup, const std::string& profile) {
    auto login =
        RunProcess(Cli(setup, profile, {"login", "--user", "demo", "--password", "demo"}), 20000);
    if (login.exit_code != 0) return MakeError(ErrorCode::kIo, "login failed: " + login.err);
    return Status::Ok();
}

// A fresh signed URL of the benchmark variant, from `tonearm-cli manifest`.
Result<std::string> SignedUrl(const Setup& setup) {
    auto run = RunProcess(Cli(setup, setup.profile, {"manifest", setup.track_id}), 20000);
    auto manifest = ParseJson(run.out.substr(0, run.out.find('\n')));
    if (run.exit_code != 0 || !manifest) {
        return MakeError(ErrorCode::kIo, "manifest failed: " + run.err);
    }
    for (const Json& variant : manifest->value("variants", Json::array())) {
        if (variant.value("kbps", 0) == kKbps) return variant.value("url", "");
    }
    return MakeError(ErrorCode::kNotFound, "manifest has no " + std::to_string(kKbps) + " variant");
}

Status Download(const std::string& url, const std::string& path) {
    HttpClient http;
    HttpRequest request;
    request.url = url;
    auto response = http.Perform(request);
    if (!response) return response.error().Wrap("download");
    if (response->status != 200) {
        return MakeError(ErrorCode::kProtocol,
                         "download: HTTP " + std::to_string(response->status));
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << response->body;
    out.close();
    if (!out) return MakeError(ErrorCode::kIo, "cannot write " + path);
    return Status::Ok();
}

struct Figures {
    double heard_ms = -1;
    double engine_ms = -1;   // tonearm's own first_audio: from Play()
    double command_ms = -1;  // the t_ms of that line: when it was printed, from the CLI's start
};

// One cold-cache `tonearm-cli play`, one second of audio from seek_seconds.
Result<Figures> TimeTonearm(const Setup& setup, double seek_seconds) {
    RunHome home;
    if (Status ready = home.Prepare(); !ready) return ready.error();
    const std::string profile = home.dir.Join("profile");
    if (Status login = LogIn(setup, profile); !login) return login.error();

    const auto spawned = Clock::now();
    auto player =
        ChildProcess::Start(Cli(setup, profile,
                                {"play", setup.track_id, "--seconds", "1", "--quality",
                                 std::to_string(kKbps), "--seek", std::to_string(seek_seconds)}),
                            home.Env());
    if (!player) return player.error();
    auto heard = WaitForSound(**player, *home.tap, spawned);
    if (!heard) return heard.error().Wrap("tonearm-cli play");

    std::optional<int> code;
    while (!code && MsBetween(spawned, Clock::now()) < kExitTimeoutMs) {
        home.tap->Read(20);
        code = (*player)->WaitForExit(0);
    }
    if (code != 0) {
        return MakeError(ErrorCode::kIo,
                         "tonearm-cli play did not end cleanly: " + (*player)->err());
    }
    Figures figures{*heard};
    std::string line;
    while ((*player)->ReadLine(&line, 1000)) {
        auto json = ParseJson(line);
        if (!json || json->value("event", "") != "first_audio") continue;
        figures.engine_ms = json->value("ms", -1.0);
        figures.command_ms = json->value("t_ms", -1.0);
    }
    if (figures.engine_ms < 0) return MakeError(ErrorCode::kProtocol, "no first_audio event");
    return figures;
}

// One ogg123 run on source (URL or file), skipping skip_seconds when > 0;
// stopped as soon as it is heard.
Result<Figures> TimeOgg123(const std::string& source, double skip_seconds) {
    RunHome home;
    if (Status ready = home.Prepare(); !ready) return ready.error();
    std::vector<std::string> argv = {"ogg123", "-q", "-d", "alsa"};
    if (skip_seconds > 0) argv.insert(argv.end(), {"-k", std::to_string(skip_seconds)});
    argv.push_back(source);

    const auto spawned = Clock::now();
    auto player = ChildProcess::Start(argv, home.Env());
    if (!player) return player.error();
    auto heard = WaitForSound(**player, *home.tap, spawned);
    // ogg123 defers SIGTERM while it is blocked writing to the full FIFO.
    kill(-(*player)->pid(), SIGKILL);
    (*player)->Terminate();
    if (!heard) return heard.error().Wrap("ogg123");
    return Figures{*heard};
}

// The runs of one player in one situation.
struct Case {
    explicit Case(std::string name) : label(std::move(name)) {}

    void Add(const Figures& f) {
        heard_ms.push_back(f.heard_ms);
        if (f.engine_ms >= 0) engine_ms.push_back(f.engine_ms);
        if (f.command_ms >= 0) command_ms.push_back(f.command_ms);
    }

    void Print() const {
        std::printf("  %-38s median %6.1f ms   p90 %6.1f ms", label.c_str(),
                    bench::Median(heard_ms), bench::Quantile(heard_ms, 0.9));
        if (!engine_ms.empty()) {
            std::printf("   own first_audio: printed at %5.0f, from Play() %6.1f",
                        bench::Median(command_ms), bench::Median(engine_ms));
        }
        std::printf("\n");
    }

    std::string label;
    std::vector<double> heard_ms;
    std::vector<double> engine_ms;
    std::vector<double> command_ms;
};

void PrintRatio(const Case& tonearm, const Case& ogg123) {
    std::printf("  %-38s %.2f\n", "ratio of medians, tonearm / ogg123",
                bench::Median(tonearm.heard_ms) / bench::Median(ogg123.heard_ms));
}

// Ingests the track, starts the server and logs the manifest profile in.
Result<std::unique_ptr<ServerProcess>> StartServer(const TempDir& work, const std::string& latency,
                                                   Setup* setup) {
    const std::string track = std::string(TONEARM_DEMO_MUSIC_DIR) + "/" + kTrackFile;
    if (Status ingested = RunIngest(work.Join("data"), {track}); !ingested) {
        return ingested.error();
    }
    auto server = ServerProcess::Start(work.Join("data"), {"--latency-ms", latency});
    if (!server) return server.error();
    setup->api_url = (*server)->api_url();
    setup->profile = work.Join("profile");
    if (Status login = LogIn(*setup, setup->profile); !login) return login.error();
    auto tracks = RunProcess(Cli(*setup, setup->profile, {"tracks"}), 20000);
    if (auto line = ParseJson(tracks.out.substr(0, tracks.out.find('\n')))) {
        setup->track_id = line->value("id", "");
    }
    if (setup->track_id.empty()) return MakeError(ErrorCode::kIo, "catalog: " + tracks.err);
    return server;
}

// One round: every case once, tonearm and ogg123 alternating.
Status RunRound(const Setup& setup, std::vector<Case>& cases, const std::string& scratch) {
    auto url = SignedUrl(setup);
    if (!url) return url.error();
    const std::string copy = scratch + "/variant.ogg";
    if (Status fetched = Download(*url, copy); !fetched) return fetched;

    std::vector<Result<Figures>> results;
    results.push_back(TimeTonearm(setup, 0));
    results.push_back(TimeOgg123(*url, 0));
    results.push_back(TimeTonearm(setup, setup.seek_seconds));
    results.push_back(TimeOgg123(copy, setup.seek_seconds));
    results.push_back(TimeOgg123(copy, 0));
    for (size_t i = 0; i < results.size(); ++i) {
        if (!results[i]) return results[i].error().Wrap(cases[i].label);
        cases[i].Add(*results[i]);
    }
    return Status::Ok();
}

int Fail(const Error& error) {
    std::fprintf(stderr, "first_audio_bench: %s\n", error.message.c_str());
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    int runs = 20;
    std::string latency_ms = "50";
    Setup setup;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--smoke") runs = 2;
        if (arg == "--runs" && i + 1 < argc) runs = std::stoi(argv[++i]);
        if (arg == "--latency-ms" && i + 1 < argc) latency_ms = argv[++i];
        if (arg == "--seek" && i + 1 < argc) setup.seek_seconds = std::stod(argv[++i]);
    }

    TempDir work;
    auto server = StartServer(work, latency_ms, &setup);
    if (!server) return Fail(server.error());
    const std::string seek = std::to_string(static_cast<int>(setup.seek_seconds));
    std::vector<Case> cases = {
        Case("tonearm-cli play, http, cold cache"), Case("ogg123, http, same signed URL"),
        Case("tonearm-cli play --seek " + seek + ", http"),
        Case("ogg123 -k " + seek + ", local copy"), Case("ogg123, local copy, from 0 s")};
    for (int i = 0; i < runs; ++i) {
        if (Status round = RunRound(setup, cases, work.path()); !round) {
            return Fail(round.error().Wrap("run " + std::to_string(i)));
        }
    }

    std::printf("first_audio_bench: %d runs each, interleaved; CDN latency %s ms; %s, %d kbit/s\n",
                runs, latency_ms.c_str(), kTrackFile, kKbps);
    std::printf("heard = from spawning the player to its first non-zero sample on the ALSA FIFO\n");
    std::printf("start at 0 s\n");
    cases[0].Print();
    cases[1].Print();
    PrintRatio(cases[0], cases[1]);
    std::printf("seek to %s s (ogg123 cannot skip in an http stream: local copy)\n", seek.c_str());
    cases[2].Print();
    cases[3].Print();
    PrintRatio(cases[2], cases[3]);
    std::printf("reference\n");
    cases[4].Print();
    return 0;
}
