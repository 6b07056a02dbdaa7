#include "player/abr/abr_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

namespace tonearm::player::abr {
namespace {

std::string Fixed(double value, int decimals) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

// Escapes text for SVG character data.
std::string XmlText(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else if (c == '&')
            out += "&amp;";
        else
            out += c;
    }
    return out;
}

const char* ColourFor(size_t index) {
    static const char* kColours[] = {"#1f5fbf", "#e07b00", "#2a9d3a", "#8e44ad",
                                     "#b03030", "#00a5a5", "#7a7a00"};
    return kColours[index % (sizeof kColours / sizeof kColours[0])];
}

// A tick step of 1, 2 or 5 times a power of ten giving about `count` ticks.
double NiceStep(double range, int count) {
    const double raw = range / count;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0}) {
        if (m * power >= raw) return m * power;
    }
    return 10.0 * power;
}

// Maps data coordinates of one panel to SVG pixels.
struct Panel {
    double left, top, width, height;
    double x_max, y_max;
    double X(double x) const { return left + width * std::min(x, x_max) / x_max; }
    double Y(double y) const { return top + height * (1.0 - std::clamp(y / y_max, 0.0, 1.0)); }
};

void Polyline(std::ostringstream& svg, const std::vector<std::pair<double, double>>& points,
              const Panel& panel, const char* colour, double width, double y_offset) {
    svg << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"" << width
        << "\" stroke-linejoin=\"round\" points=\"";
    for (const auto& [x, y] : points) {
        svg << Fixed(panel.X(x), 1) << ',' << Fixed(panel.Y(y) + y_offset, 1) << ' ';
    }
    svg << "\"/>\n";
}

void Axes(std::ostringstream& svg, const Panel& panel, const std::string& y_label,
          const std::vector<double>& y_ticks, bool x_labels) {
    svg << "<rect x=\"" << panel.left << "\" y=\"" << panel.top << "\" width=\"" << panel.width
        << "\" height=\"" << panel.height << "\" fill=\"#ffffff\" stroke=\"#444\"/>\n";
    const double x_step = NiceStep(panel.x_max, 10);
    for (double x = 0.0; x <= panel.x_max + 1e-9; x += x_step) {
        svg << "<line x1=\"" << Fixed(panel.X(x), 1) << "\" y1=\"" << panel.top << "\" x2=\""
            << Fixed(panel.X(x), 1) << "\" y2=\"" << panel.top + panel.height
            << "\" stroke=\"#e4e4e4\"/>\n";
        if (x_labels) {
            svg << "<text x=\"" << Fixed(panel.X(x), 1) << "\" y=\""
                << panel.top + panel.height + 18 << "\" text-anchor=\"middle\">" << Fixed(x, 0)
                << "</text>\n";
        }
    }
    for (double y : y_ticks) {
        svg << "<line x1=\"" << panel.left << "\" y1=\"" << Fixed(panel.Y(y), 1) << "\" x2=\""
            << panel.left + panel.width << "\" y2=\"" << Fixed(panel.Y(y), 1)
            << "\" stroke=\"#e4e4e4\"/>\n"
            << "<text x=\"" << panel.left - 8 << "\" y=\"" << Fixed(panel.Y(y) + 4, 1)
            << "\" text-anchor=\"end\">" << Fixed(y, 0) << "</text>\n";
    }
    const double mid = panel.top + panel.height / 2;
    svg << "<text transform=\"translate(" << panel.left - 52 << ',' << mid
        << ") rotate(-90)\" text-anchor=\"middle\">" << XmlText(y_label) << "</text>\n";
}

std::vector<std::pair<double, double>> BitrateSteps(const SimulationResult& r) {
    std::vector<std::pair<double, double>> points;
    for (const SimulatedChunk& c : r.chunks) {
        points.emplace_back(c.request_seconds, c.kbps);
        points.emplace_back(c.arrival_seconds, c.kbps);
    }
    return points;
}

// The buffer level as a sawtooth: it drains in real time, jumps up when a
// chunk lands and sits at zero while stalled.
std::vector<std::pair<double, double>> BufferLine(const SimulationResult& r) {
    std::vector<std::pair<double, double>> points{{0.0, 0.0}};
    bool playing = false;
    for (const SimulatedChunk& c : r.chunks) {
        points.emplace_back(c.request_seconds, c.buffer_at_request);
        if (playing && c.stall_seconds > 0.0) {
            points.emplace_back(c.request_seconds + c.buffer_at_request, 0.0);
        }
        points.emplace_back(c.arrival_seconds, c.buffer_after - c.seconds);
        points.emplace_back(c.arrival_seconds, c.buffer_after);
        playing = true;
    }
    if (!r.chunks.empty()) points.emplace_back(r.session_seconds, 0.0);
    return points;
}

std::vector<std::pair<double, double>> LinkSteps(const BandwidthTrace& trace, double until) {
    std::vector<std::pair<double, double>> points;
    const double period = trace.DurationSeconds();
    for (double offset = 0.0; offset < until; offset += period) {
        double start = offset;
        for (const TracePoint& p : trace.points) {
            points.emplace_back(start, p.mbps * 1000.0);
            points.emplace_back(offset + p.end_seconds, p.mbps * 1000.0);
            start = offset + p.end_seconds;
        }
    }
    return points;
}

}  // namespace

std::vector<AlgorithmSummary> Summarise(const std::vector<SimulationResult>& results) {
    std::vector<AlgorithmSummary> summaries;
    std::map<std::string, size_t> index;
    for (const SimulationResult& r : results) {
        auto [it, inserted] = index.emplace(r.algorithm, summaries.size());
        if (inserted) summaries.push_back({r.algorithm});
        AlgorithmSummary& s = summaries[it->second];
        ++s.traces;
        s.qoe += r.qoe;
        s.qoe_light_stall += r.qoe_light_stall;
        s.rebuffer_seconds += r.rebuffer_seconds;
        s.startup_seconds += r.startup_seconds;
        s.mean_kbps += r.mean_kbps;
        s.switches += r.switches;
        if (r.rebuffer_seconds > 0.0) ++s.traces_with_stall;
    }
    for (AlgorithmSummary& s : summaries) {
        s.qoe /= s.traces;
        s.qoe_light_stall /= s.traces;
        s.rebuffer_seconds /= s.traces;
        s.startup_seconds /= s.traces;
        s.mean_kbps /= s.traces;
        s.switches /= s.traces;
    }
    return summaries;
}

std::string SummaryMarkdown(const std::vector<AlgorithmSummary>& summaries,
                            const std::vector<std::string>& description) {
    std::vector<AlgorithmSummary> sorted = summaries;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.qoe > b.qoe; });
    std::ostringstream md;
    md << "# ABR simulation\n\n";
    for (const std::string& line : description)
        md << line << "  \n";
    md << "\nMeans per session over the traces; QoE per second of audio (docs/abr.md).\n\n"
       << "| algorithm | QoE | QoE, stall 320 | rebuffer s | startup s | mean kbit/s | switches "
          "| traces with stall |\n"
       << "|---|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const AlgorithmSummary& s : sorted) {
        md << "| " << s.algorithm << " | " << Fixed(s.qoe, 1) << " | "
           << Fixed(s.qoe_light_stall, 1) << " | " << Fixed(s.rebuffer_seconds, 2) << " | "
           << Fixed(s.startup_seconds, 2) << " | " << Fixed(s.mean_kbps, 1) << " | "
           << Fixed(s.switches, 1) << " | " << s.traces_with_stall << " / " << s.traces << " |\n";
    }
    return md.str();
}

std::string PlotSvg(const BandwidthTrace& trace, const std::vector<SimulationResult>& results,
                    double max_buffer_seconds) {
    double x_max = 10.0;
    int top_kbps = 320;
    for (const SimulationResult& r : results) {
        x_max = std::max(x_max, r.session_seconds);
        for (const SimulatedChunk& c : r.chunks)
            top_kbps = std::max(top_kbps, c.kbps);
    }
    const double width = 1100, height = 700;
    const Panel rate{80, 50, 800, 300, x_max, top_kbps * 1.5};
    const Panel buffer{80, 390, 800, 250, x_max, max_buffer_seconds};

    std::ostringstream svg;
    svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
        << "\" font-family=\"sans-serif\" font-size=\"13\">\n"
        << "<rect width=\"100%\" height=\"100%\" fill=\"#fafafa\"/>\n"
        << "<text x=\"80\" y=\"30\" font-size=\"16\">" << XmlText(trace.name)
        << ": bitrate and buffer (link mean " << Fixed(trace.MeanMbps() * 1000.0, 0)
        << " kbit/s)</text>\n";

    std::vector<double> rate_ticks;
    for (const SimulatedChunk& c :
         results.empty() ? std::vector<SimulatedChunk>{} : results.front().chunks) {
        if (std::find(rate_ticks.begin(), rate_ticks.end(), c.kbps) == rate_ticks.end()) {
            rate_ticks.push_back(c.kbps);
        }
    }
    for (int kbps : kLadderKbps) {
        if (std::find(rate_ticks.begin(), rate_ticks.end(), kbps) == rate_ticks.end()) {
            rate_ticks.push_back(kbps);
        }
    }
    std::vector<double> buffer_ticks;
    const double b_step = NiceStep(max_buffer_seconds, 6);
    for (double b = 0.0; b <= max_buffer_seconds + 1e-9; b += b_step)
        buffer_ticks.push_back(b);

    Axes(svg, rate, "kbit/s", rate_ticks, false);
    Axes(svg, buffer, "buffer (s)", buffer_ticks, true);
    svg << "<text x=\"" << buffer.left + buffer.width / 2 << "\" y=\"" << height - 15
        << "\" text-anchor=\"middle\">session time (s)</text>\n";

    Polyline(svg, LinkSteps(trace, x_max), rate, "#b8b8b8", 1.5, 0.0);
    // The first algorithm is drawn last, on top of the others.
    for (size_t n = results.size(); n-- > 0;) {
        // A small vertical offset per algorithm keeps equal bitrates apart.
        const double offset = (static_cast<double>(n) - results.size() / 2.0) * 2.5;
        const double stroke = n == 0 ? 2.4 : 1.6;
        Polyline(svg, BitrateSteps(results[n]), rate, ColourFor(n), stroke, offset);
        Polyline(svg, BufferLine(results[n]), buffer, ColourFor(n), stroke, 0.0);
    }

    const double legend_x = rate.left + rate.width + 25;
    svg << "<line x1=\"" << legend_x << "\" y1=\"66\" x2=\"" << legend_x + 24
        << "\" y2=\"66\" stroke=\"#b8b8b8\" stroke-width=\"3\"/><text x=\"" << legend_x + 32
        << "\" y=\"70\">link rate</text>\n";
    for (size_t i = 0; i < results.size(); ++i) {
        const double y = 92 + 24 * static_cast<double>(i);
        svg << "<line x1=\"" << legend_x << "\" y1=\"" << y << "\" x2=\"" << legend_x + 24
            << "\" y2=\"" << y << "\" stroke=\"" << ColourFor(i)
            << "\" stroke-width=\"3\"/><text x=\"" << legend_x + 32 << "\" y=\"" << y + 4 << "\">"
            << XmlText(results[i].algorithm) << " (QoE " << Fixed(results[i].qoe, 0)
            << ")</text>\n";
    }
    svg << "</svg>\n";
    return svg.str();
}

}  // namespace tonearm::player::abr
