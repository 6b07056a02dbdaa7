// tonearm-cli abr-sim: replays bandwidth traces through the ABR controllers
// on a simulated clock and reports QoE per algorithm (docs/abr.md).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/cli_common.h"
#include "player/abr/abr_report.h"
#include "player/abr/abr_simulator.h"

namespace tonearm::cli {
namespace {

namespace abr = tonearm::player::abr;
namespace fs = std::filesystem;

struct AbrSimOptions {
    std::vector<std::string> trace_paths;
    std::vector<std::string> algorithms;
    std::vector<std::string> manifest_paths;
    double scale = 1.0;
    std::string summary_path;
    std::string plot_path;
    std::string plot_trace_path;
    abr::SimulationConfig config;
    Tier tier = Tier::kPremium;
    abr::QualitySetting quality;
    double track_seconds = 120.0;
    uint64_t seed = 1;
};

const char* kUsage =
    "usage: tonearm-cli abr-sim --trace FILE|DIR... [--scale S] [--algorithm NAME...]\n"
    "       [--manifest FILE...] [--json] [--summary FILE.md] [--plot FILE.svg]\n"
    "       [--plot-trace FILE] [--max-buffer S] [--rtt-ms MS] [--tier free|premium]\n"
    "       [--quality auto|KBPS] [--track-seconds S] [--seed N]";

Result<double> PositiveNumber(const std::string& flag, const std::string& text) {
    std::istringstream in(text);
    double value = 0.0;
    if (!(in >> value) || !in.eof() || !(value > 0.0) || !std::isfinite(value)) {
        return MakeError(ErrorCode::kInvalidArgument, flag + " needs a positive number");
    }
    return value;
}

// Reads the arguments of one flag from an argument list.
class FlagReader {
public:
    FlagReader(const std::vector<std::string>& args, size_t* i)
        : args_(args), i_(i), flag_(args[*i]) {}

    const std::string& Flag() const { return flag_; }

    // Every following argument up to the next flag.
    void Values(std::vector<std::string>* out) {
        while (*i_ + 1 < args_.size() && args_[*i_ + 1].rfind("--", 0) != 0) {
            out->push_back(args_[++*i_]);
        }
    }

    Result<std::string> Value() {
        if (*i_ + 1 >= args_.size()) {
            return MakeError(ErrorCode::kInvalidArgument, Flag() + " needs a value");
        }
        return args_[++*i_];
    }

    Status Text(std::string* out) {
        auto text = Value();
        if (!text) return text.error();
        *out = *text;
        return Status::Ok();
    }

    // A positive number, scaled by factor (e.g. milliseconds to seconds).
    template <typename T>
    Status Number(T* out, double factor = 1.0) {
        auto text = Value();
        if (!text) return text.error();
        auto n = PositiveNumber(Flag(), *text);
        if (!n) return n.error();
        *out = static_cast<T>(*n * factor);
        return Status::Ok();
    }

private:
    const std::vector<std::string>& args_;
    size_t* i_;
    std::string flag_;
};

Status ParseTierAndQuality(FlagReader& reader, AbrSimOptions* o) {
    auto text = reader.Value();
    if (!text) return text.error();
    if (reader.Flag() == "--tier") {
        auto tier = TierFromName(*text);
        if (!tier) return MakeError(ErrorCode::kInvalidArgument, "--tier is free or premium");
        o->tier = *tier;
        return Status::Ok();
    }
    auto quality = abr::ParseQualitySetting(*text);
    if (!quality) return quality.error();
    o->quality = *quality;
    return Status::Ok();
}

// Parses the flag at args[*i]; advances *i past its values.
Status ParseFlag(const std::vector<std::string>& args, size_t* i, AbrSimOptions* o,
                 CliOptions* cli) {
    FlagReader reader(args, i);
    const std::string& flag = reader.Flag();
    if (flag == "--trace") return reader.Values(&o->trace_paths), Status::Ok();
    if (flag == "--algorithm") return reader.Values(&o->algorithms), Status::Ok();
    if (flag == "--manifest") return reader.Values(&o->manifest_paths), Status::Ok();
    if (flag == "--json") return cli->json = true, Status::Ok();
    if (flag == "--scale") return reader.Number(&o->scale);
    if (flag == "--max-buffer") return reader.Number(&o->config.max_buffer_seconds);
    if (flag == "--track-seconds") return reader.Number(&o->track_seconds);
    if (flag == "--rtt-ms") return reader.Number(&o->config.request_latency_seconds, 1e-3);
    if (flag == "--seed") return reader.Number(&o->seed);
    if (flag == "--summary") return reader.Text(&o->summary_path);
    if (flag == "--plot") return reader.Text(&o->plot_path);
    if (flag == "--plot-trace") return reader.Text(&o->plot_trace_path);
    if (flag == "--tier" || flag == "--quality") return ParseTierAndQuality(reader, o);
    return MakeError(ErrorCode::kInvalidArgument, "unknown option '" + flag + "'");
}

Result<AbrSimOptions> ParseOptions(const std::vector<std::string>& args, CliOptions* cli) {
    AbrSimOptions o;
    for (size_t i = 0; i < args.size(); ++i) {
        Status s = ParseFlag(args, &i, &o, cli);
        if (!s) return s.error();
    }
    if (o.trace_paths.empty()) return MakeError(ErrorCode::kInvalidArgument, "--trace is required");
    if (o.algorithms.empty()) o.algorithms = abr::AbrAlgorithmNames();
    for (const std::string& name : o.algorithms) {
        auto controller = abr::MakeAbrController(name);
        if (!controller) return controller.error();
    }
    return o;
}

Result<std::string> ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return MakeError(ErrorCode::kIo, "cannot open '" + path + "'");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return MakeError(ErrorCode::kIo, "cannot read '" + path + "'");
    return text.str();
}

// The trace files named on the command line; a folder stands for its *.txt
// files in name order.
Result<std::vector<std::string>> ExpandTracePaths(const std::vector<std::string>& paths) {
    std::vector<std::string> files;
    for (const std::string& path : paths) {
        std::error_code ec;
        if (!fs::is_directory(path, ec)) {
            files.push_back(path);
            continue;
        }
        std::vector<std::string> inside;
        for (const auto& entry : fs::directory_iterator(path, ec)) {
            if (entry.is_regular_file() && entry.path().extension() == ".txt") {
                inside.push_back(entry.path().string());
            }
        }
        if (ec) return MakeError(ErrorCode::kIo, "cannot list '" + path + "': " + ec.message());
        std::sort(inside.begin(), inside.end());
        files.insert(files.end(), inside.begin(), inside.end());
    }
    return files;
}

Result<BandwidthTrace> LoadTrace(const std::string& path, double scale) {
    auto trace = LoadBandwidthTrace(path, fs::path(path).filename().string());
    if (!trace) return trace.error();
    return abr::ScaleTrace(*trace, scale);
}

Result<std::vector<abr::PlannedTrack>> LoadManifests(const std::vector<std::string>& paths) {
    std::vector<abr::PlannedTrack> tracks;
    for (const std::string& path : paths) {
        auto text = ReadFile(path);
        if (!text) return text.error();
        auto json = ParseJson(*text);
        if (!json) return json.error().Wrap("manifest '" + path + "'");
        auto manifest = ManifestFromJson(*json);
        if (!manifest) return manifest.error().Wrap("manifest '" + path + "'");
        auto plan = abr::PlanFromManifest(*manifest);
        if (!plan) return plan.error().Wrap("manifest '" + path + "'");
        tracks.push_back(std::move(*plan));
    }
    return tracks;
}

// A stable seed per trace name, so every algorithm hears the same music.
uint64_t SeedFor(const std::string& name, uint64_t seed) {
    uint64_t hash = 1469598103934665603ull ^ seed;
    for (unsigned char c : name)
        hash = (hash ^ c) * 1099511628211ull;
    return hash;
}

// The session for a trace: the manifests' tracks over and over, or synthetic
// ones, until the audio covers the trace; the last track is cut.
std::vector<abr::PlannedTrack> SessionFor(const AbrSimOptions& o,
                                          const std::vector<abr::PlannedTrack>& manifests,
                                          const BandwidthTrace& trace) {
    const double total = trace.DurationSeconds();
    if (manifests.empty()) {
        return abr::SyntheticSession({}, total, o.track_seconds, SeedFor(trace.name, o.seed));
    }
    return abr::RepeatTracks(manifests, total);
}

Json ResultEvent(const abr::SimulationResult& r, double scale) {
    auto round3 = [](double v) { return std::round(v * 1000.0) / 1000.0; };
    return Json{{"event", "abr_result"},
                {"algorithm", r.algorithm},
                {"trace", r.trace},
                {"scale", scale},
                {"qoe", round3(r.qoe)},
                {"qoe_light_stall", round3(r.qoe_light_stall)},
                {"rebuffer_s", round3(r.rebuffer_seconds)},
                {"startup_s", round3(r.startup_seconds)},
                {"mean_kbps", round3(r.mean_kbps)},
                {"switches", r.switches},
                {"played_s", round3(r.played_seconds)},
                {"bytes", r.bytes}};
}

Json SummaryEvent(const abr::AlgorithmSummary& s, double scale) {
    auto round3 = [](double v) { return std::round(v * 1000.0) / 1000.0; };
    return Json{{"event", "abr_summary"},
                {"algorithm", s.algorithm},
                {"scale", scale},
                {"traces", s.traces},
                {"qoe", round3(s.qoe)},
                {"qoe_light_stall", round3(s.qoe_light_stall)},
                {"rebuffer_s", round3(s.rebuffer_seconds)},
                {"startup_s", round3(s.startup_seconds)},
                {"mean_kbps", round3(s.mean_kbps)},
                {"switches", round3(s.switches)},
                {"traces_with_stall", s.traces_with_stall}};
}

std::vector<abr::SimulationResult> RunAll(const AbrSimOptions& o, const BandwidthTrace& trace,
                                          const std::vector<abr::PlannedTrack>& tracks) {
    std::vector<abr::SimulationResult> results;
    for (const std::string& name : o.algorithms) {
        auto controller = abr::MakeAbrController(name);
        results.push_back(abr::Simulate(**controller, trace, tracks, o.config));
    }
    return results;
}

Status WriteFile(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return MakeError(ErrorCode::kIo, "cannot write '" + path + "'");
    return Status::Ok();
}

std::vector<std::string> Description(const AbrSimOptions& o, size_t trace_count) {
    std::ostringstream line;
    line << trace_count << " traces scaled by " << o.scale << "; max buffer "
         << o.config.max_buffer_seconds << " s; request latency "
         << o.config.request_latency_seconds * 1000.0 << " ms; ladder "
         << o.config.ladder_kbps.size() << " rungs up to " << o.config.ladder_kbps.back()
         << " kbit/s";
    std::string content =
        o.manifest_paths.empty()
            ? "content: synthetic Vorbis VBR tracks of " +
                  std::to_string(static_cast<int>(o.track_seconds)) + " s"
            : "content: " + std::to_string(o.manifest_paths.size()) + " manifest(s), repeated";
    return {line.str(), content};
}

Status WritePlot(const AbrSimOptions& o, const std::vector<abr::PlannedTrack>& manifests,
                 const std::string& default_trace) {
    const std::string path = o.plot_trace_path.empty() ? default_trace : o.plot_trace_path;
    auto trace = LoadTrace(path, o.scale);
    if (!trace) return trace.error();
    const auto results = RunAll(o, *trace, SessionFor(o, manifests, *trace));
    return WriteFile(o.plot_path, abr::PlotSvg(*trace, results, o.config.max_buffer_seconds));
}

}  // namespace

int RunAbrSim(const CliOptions& options, const std::vector<std::string>& args) {
    CliOptions cli = options;
    auto parsed = ParseOptions(args, &cli);
    if (!parsed) {
        PrintError(cli, parsed.error().message + "\n" + kUsage);
        return kExitUsage;
    }
    AbrSimOptions& o = *parsed;
    o.config.ladder_kbps =
        abr::AllowedLadder({std::begin(kLadderKbps), std::end(kLadderKbps)}, o.tier, o.quality);
    auto files = ExpandTracePaths(o.trace_paths);
    if (!files) return PrintError(cli, files.error().message);
    if (files->empty()) return PrintError(cli, "no trace files found");
    auto manifests = LoadManifests(o.manifest_paths);
    if (!manifests) return PrintError(cli, manifests.error().message);

    std::vector<abr::SimulationResult> all;
    for (const std::string& file : *files) {
        auto trace = LoadTrace(file, o.scale);
        if (!trace) return PrintError(cli, trace.error().message);
        for (abr::SimulationResult& r : RunAll(o, *trace, SessionFor(o, *manifests, *trace))) {
            PrintEvent(cli, ResultEvent(r, o.scale));
            r.chunks.clear();  // the summary needs the figures only
            all.push_back(std::move(r));
        }
    }
    const auto summaries = abr::Summarise(all);
    for (const abr::AlgorithmSummary& s : summaries)
        PrintEvent(cli, SummaryEvent(s, o.scale));

    if (!o.summary_path.empty()) {
        Status s = WriteFile(o.summary_path,
                             abr::SummaryMarkdown(summaries, Description(o, files->size())));
        if (!s) return PrintError(cli, s.error().message);
    }
    if (!o.plot_path.empty()) {
        Status s = WritePlot(o, *manifests, files->front());
        if (!s) return PrintError(cli, s.error().message);
    }
    return kExitOk;
}

}  // namespace tonearm::cli
