// Human-readable reports of ABR simulations: a markdown summary table and an
// SVG plot of bitrate and buffer over time. Pure functions returning text;
// the caller writes the files.
#pragma once

#include <string>
#include <vector>

#include "player/abr/abr_simulator.h"
#include "player/abr/bandwidth_trace.h"

namespace tonearm::player::abr {

// Means over the traces of one algorithm.
struct AlgorithmSummary {
    std::string algorithm;
    int traces = 0;
    double qoe = 0.0;
    double qoe_light_stall = 0.0;
    double rebuffer_seconds = 0.0;
    double startup_seconds = 0.0;
    double mean_kbps = 0.0;
    double switches = 0.0;
    int traces_with_stall = 0;
};

// One summary per algorithm, in the order algorithms first appear in results.
std::vector<AlgorithmSummary> Summarise(const std::vector<SimulationResult>& results);

// A markdown document: a heading with the given description lines, then a
// table with one row per algorithm (best mean QoE first).
std::string SummaryMarkdown(const std::vector<AlgorithmSummary>& summaries,
                            const std::vector<std::string>& description);

// An SVG of one trace: the link rate and every algorithm's chosen bitrate in
// the upper panel, every algorithm's buffer level in the lower one, sharing a
// time axis, with a legend. results are the runs on that trace.
std::string PlotSvg(const BandwidthTrace& trace, const std::vector<SimulationResult>& results,
                    double max_buffer_seconds);

}  // namespace tonearm::player::abr
