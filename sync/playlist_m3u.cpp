// M3U and M3U8: one location per line, with the extended directives
// #EXTM3U, #EXTINF:<seconds>[ attributes],<display>, #EXTALB:, #EXTART: and
// #PLAYLIST:. Both are read the same way; text that is not UTF-8 is Latin-1.
#include <cmath>

#include "sync/playlist_files.h"
#include "sync/playlist_text.h"

namespace tonearm::sync {
namespace {

bool StartsWithNoCase(const std::string& s, const char* prefix) {
    return text::Lower(s.substr(0, std::char_traits<char>::length(prefix))) == prefix;
}

// The index of the comma that ends the duration and attributes of an
// #EXTINF body; commas inside quoted attribute values do not count.
size_t ExtinfComma(const std::string& body) {
    bool quoted = false;
    for (size_t i = 0; i < body.size(); ++i) {
        if (body[i] == '"') quoted = !quoted;
        if (body[i] == ',' && !quoted) return i;
    }
    return std::string::npos;
}

void ReadExtinf(const std::string& body, PlaylistFileEntry* entry) {
    const size_t comma = ExtinfComma(body);
    const std::string head = body.substr(0, comma);
    const double seconds = text::ParseSeconds(head.substr(0, head.find_first_of(" \t")));
    entry->duration_ms = seconds >= 0 ? std::llround(seconds * 1000) : -1;
    if (comma == std::string::npos) return;
    const std::string display = text::Trim(body.substr(comma + 1));
    if (!text::SplitArtistTitle(display, &entry->artist, &entry->title)) {
        entry->title = display;
    }
}

}  // namespace

PlaylistFile ParseM3u(const std::string& bytes) {
    PlaylistFile file;
    PlaylistFileEntry pending;
    for (const std::string& raw : text::SplitLines(text::ToUtf8(bytes))) {
        const std::string line = text::Trim(raw);
        if (line.empty()) continue;
        if (line[0] != '#') {
            pending.location = text::NormaliseLocation(line);
            pending.track_id = TrackIdFromLocation(pending.location);
            file.entries.push_back(std::move(pending));
            pending = PlaylistFileEntry();
        } else if (StartsWithNoCase(line, "#extinf:")) {
            ReadExtinf(line.substr(8), &pending);
        } else if (StartsWithNoCase(line, "#extalb:")) {
            pending.album = text::Trim(line.substr(8));
        } else if (StartsWithNoCase(line, "#extart:")) {
            pending.artist = text::Trim(line.substr(8));
        } else if (StartsWithNoCase(line, "#playlist:")) {
            file.title = text::Trim(line.substr(10));
        }
    }
    return file;
}

std::string WriteM3u(const PlaylistFile& file) {
    std::string out = "#EXTM3U\n";
    if (!file.title.empty()) out += "#PLAYLIST:" + text::OneLine(file.title) + "\n";
    for (const PlaylistFileEntry& e : file.entries) {
        const int64_t seconds = e.duration_ms >= 0 ? (e.duration_ms + 500) / 1000 : -1;
        std::string display = e.artist.empty() ? e.title : e.artist + " - " + e.title;
        out += "#EXTINF:" + std::to_string(seconds) + "," + text::OneLine(display) + "\n";
        if (!e.album.empty()) out += "#EXTALB:" + text::OneLine(e.album) + "\n";
        out += text::OneLine(e.track_id.empty() ? e.location : TrackLocation(e.track_id)) + "\n";
    }
    return out;
}

}  // namespace tonearm::sync
