// PLS: an INI file with a [playlist] section of FileN, TitleN and LengthN
// keys. Keys are read in any case; NumberOfEntries is written but not
// trusted when read (entries are the FileN keys actually present, by N).
#include <cmath>
#include <cstdlib>
#include <map>

#include "sync/playlist_files.h"
#include "sync/playlist_text.h"

namespace tonearm::sync {
namespace {

// Splits "file12" into ("file", 12); false for a key without a number.
bool NumberedKey(const std::string& key, std::string* name, long* number) {
    const size_t digits = key.find_first_of("0123456789");
    if (digits == std::string::npos || digits == 0) return false;
    if (key.find_first_not_of("0123456789", digits) != std::string::npos) return false;
    *name = key.substr(0, digits);
    *number = std::strtol(key.c_str() + digits, nullptr, 10);
    return true;
}

void ReadKey(const std::string& name, const std::string& value, PlaylistFileEntry* entry) {
    if (name == "file") {
        entry->location = text::NormaliseLocation(value);
        entry->track_id = TrackIdFromLocation(entry->location);
    } else if (name == "title") {
        if (!text::SplitArtistTitle(value, &entry->artist, &entry->title)) entry->title = value;
    } else if (name == "length") {
        const double seconds = text::ParseSeconds(value);
        entry->duration_ms = seconds >= 0 ? std::llround(seconds * 1000) : -1;
    }
}

}  // namespace

Result<PlaylistFile> ParsePls(const std::string& bytes) {
    std::map<long, PlaylistFileEntry> numbered;
    bool in_section = false, seen_section = false;
    for (const std::string& raw : text::SplitLines(text::ToUtf8(bytes))) {
        const std::string line = text::Trim(raw);
        if (line.empty() || line[0] == ';' || line[0] == '#') continue;
        if (line[0] == '[') {
            in_section = text::Lower(line) == "[playlist]";
            seen_section |= in_section;
            continue;
        }
        const size_t equals = line.find('=');
        if (!in_section || equals == std::string::npos) continue;
        std::string name;
        long number = 0;
        if (!NumberedKey(text::Lower(text::Trim(line.substr(0, equals))), &name, &number)) continue;
        ReadKey(name, text::Trim(line.substr(equals + 1)), &numbered[number]);
    }
    if (!seen_section) return MakeError(ErrorCode::kCorrupt, "no [playlist] section");
    PlaylistFile file;
    for (auto& [number, entry] : numbered) {
        if (!entry.location.empty()) file.entries.push_back(std::move(entry));
    }
    return file;
}

std::string WritePls(const PlaylistFile& file) {
    std::string out = "[playlist]\n";
    for (size_t i = 0; i < file.entries.size(); ++i) {
        const PlaylistFileEntry& e = file.entries[i];
        const std::string n = std::to_string(i + 1);
        const std::string location = e.track_id.empty() ? e.location : TrackLocation(e.track_id);
        out += "File" + n + "=" + text::OneLine(location) + "\n";
        const std::string display = e.artist.empty() ? e.title : e.artist + " - " + e.title;
        if (!display.empty()) out += "Title" + n + "=" + text::OneLine(display) + "\n";
        const int64_t seconds = e.duration_ms >= 0 ? (e.duration_ms + 500) / 1000 : -1;
        out += "Length" + n + "=" + std::to_string(seconds) + "\n";
    }
    out += "NumberOfEntries=" + std::to_string(file.entries.size()) + "\nVersion=2\n";
    return out;
}

}  // namespace tonearm::sync
