#include "sync/track_matcher.h"

#include <cctype>
#include <cmath>
#include <limits>

#include "sync/playlist_text.h"

namespace tonearm::sync {
namespace {

// One way to read an entry: a title and maybe an artist.
struct Reading {
    std::string title;
    std::string artist;
};

// Lower case, '_' as space, runs of white space as one space, trimmed.
std::string Normalise(const std::string& s) {
    std::string out;
    for (char c : text::Lower(s)) {
        const bool space = c == '_' || std::isspace(static_cast<unsigned char>(c));
        if (space) {
            if (!out.empty() && out.back() != ' ') out += ' ';
        } else {
            out += c;
        }
    }
    if (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

// "01 - Title", "01. Title", "1 Title" -> "Title"; other text unchanged.
std::string StripTrackNumber(const std::string& s) {
    size_t i = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
        ++i;
    if (i == 0 || i > 3 || i == s.size()) return s;
    const size_t rest = s.find_first_not_of(" .-_", i);
    if (rest == std::string::npos || rest == i) return s;
    return s.substr(rest);
}

void AddReadings(const std::string& display, const std::string& artist, std::vector<Reading>* out) {
    if (display.empty()) return;
    out->push_back({display, artist});
    std::string split_artist, split_title;
    if (artist.empty() && text::SplitArtistTitle(display, &split_artist, &split_title)) {
        out->push_back({split_title, split_artist});
    }
}

std::vector<Reading> ReadingsOf(const PlaylistFileEntry& entry) {
    std::vector<Reading> readings;
    if (!entry.title.empty()) {
        AddReadings(entry.title, entry.artist, &readings);
        return readings;
    }
    const std::string stem = LocationStem(entry.location);
    const std::string stripped = StripTrackNumber(stem);
    AddReadings(stripped, entry.artist, &readings);
    if (stripped != stem) AddReadings(stem, entry.artist, &readings);
    return readings;
}

// 0: not this track; 1: title fits, artist unknown on one side; 2: both fit.
int Score(const Reading& reading, const Track& track) {
    if (Normalise(reading.title) != Normalise(track.title)) return 0;
    // tonearm-server names the artist of an untagged file "Unknown Artist".
    if (reading.artist.empty() || track.artist.empty() ||
        Normalise(track.artist) == "unknown artist") {
        return 1;
    }
    return Normalise(reading.artist) == Normalise(track.artist) ? 2 : 0;
}

}  // namespace

std::vector<std::string> MatchQueries(const PlaylistFileEntry& entry) {
    std::vector<std::string> queries;
    for (const Reading& r : ReadingsOf(entry)) {
        std::string query = r.title;
        for (char& c : query) {
            if (c == '_') c = ' ';
        }
        query = text::Trim(query);
        bool seen = query.empty();
        for (const std::string& q : queries)
            seen |= Normalise(q) == Normalise(query);
        if (!seen) queries.push_back(query);
    }
    return queries;
}

std::optional<Track> BestMatch(const PlaylistFileEntry& entry,
                               const std::vector<Track>& candidates) {
    const std::vector<Reading> readings = ReadingsOf(entry);
    std::optional<Track> best;
    int best_score = 0;
    double best_gap = std::numeric_limits<double>::infinity();
    for (const Track& track : candidates) {
        int score = 0;
        for (const Reading& r : readings)
            score = std::max(score, Score(r, track));
        if (score == 0) continue;
        const double gap = entry.duration_ms >= 0
                               ? std::abs(track.DurationSeconds() * 1000.0 - entry.duration_ms)
                               : 0.0;
        if (score > best_score || (score == best_score && gap < best_gap)) {
            best = track;
            best_score = score;
            best_gap = gap;
        }
    }
    return best;
}

}  // namespace tonearm::sync
