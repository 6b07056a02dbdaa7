#include "sync/playlist_files.h"

#include <cctype>

#include "sync/playlist_text.h"

namespace tonearm::sync {
namespace {

constexpr const char kTrackScheme[] = "tonearm:track:";

// The content after a byte order mark and leading white space.
std::string Head(const std::string& bytes) {
    size_t begin = bytes.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
    while (begin < bytes.size() && std::isspace(static_cast<unsigned char>(bytes[begin]))) {
        ++begin;
    }
    return text::Lower(bytes.substr(begin, 512));
}

}  // namespace

const char* PlaylistFormatName(PlaylistFormat format) {
    switch (format) {
        case PlaylistFormat::kM3u: return "m3u";
        case PlaylistFormat::kM3u8: return "m3u8";
        case PlaylistFormat::kXspf: return "xspf";
        case PlaylistFormat::kPls: return "pls";
    }
    return "m3u";
}

Result<PlaylistFormat> PlaylistFormatFromName(const std::string& name) {
    const std::string n = text::Lower(name.rfind('.', 0) == 0 ? name.substr(1) : name);
    for (PlaylistFormat f : {PlaylistFormat::kM3u, PlaylistFormat::kM3u8, PlaylistFormat::kXspf,
                             PlaylistFormat::kPls}) {
        if (n == PlaylistFormatName(f)) return f;
    }
    return MakeError(ErrorCode::kInvalidArgument,
                     "unknown playlist format '" + name + "' (m3u, m3u8, xspf or pls)");
}

std::optional<PlaylistFormat> PlaylistFormatFromPath(const std::string& path) {
    const size_t slash = path.find_last_of("/\\");
    const size_t dot = path.rfind('.');
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return {};
    Result<PlaylistFormat> format = PlaylistFormatFromName(path.substr(dot + 1));
    if (!format.ok()) return {};
    return *format;
}

std::optional<PlaylistFormat> SniffPlaylistFormat(const std::string& bytes) {
    const std::string head = Head(bytes);
    if (head.rfind("#extm3u", 0) == 0) return PlaylistFormat::kM3u8;
    if (head.rfind("[playlist]", 0) == 0) return PlaylistFormat::kPls;
    if (head.rfind("<?xml", 0) == 0 || head.rfind("<playlist", 0) == 0) {
        return PlaylistFormat::kXspf;
    }
    return {};
}

Result<PlaylistFile> ParsePlaylistFile(const std::string& bytes, PlaylistFormat format) {
    switch (format) {
        case PlaylistFormat::kM3u:
        case PlaylistFormat::kM3u8: return ParseM3u(bytes);
        case PlaylistFormat::kXspf: return ParseXspf(bytes);
        case PlaylistFormat::kPls: return ParsePls(bytes);
    }
    return MakeError(ErrorCode::kInvalidArgument, "unknown playlist format");
}

std::string WritePlaylistFile(const PlaylistFile& file, PlaylistFormat format) {
    switch (format) {
        case PlaylistFormat::kM3u:
        case PlaylistFormat::kM3u8: return WriteM3u(file);
        case PlaylistFormat::kXspf: return WriteXspf(file);
        case PlaylistFormat::kPls: return WritePls(file);
    }
    return {};
}

std::string TrackLocation(const std::string& track_id) { return kTrackScheme + track_id; }

std::string TrackIdFromLocation(const std::string& location) {
    const std::string prefix = kTrackScheme;
    if (text::Lower(location.substr(0, prefix.size())) != prefix) return {};
    return location.substr(prefix.size());
}

std::string LocationStem(const std::string& location) {
    std::string name = location;
    const size_t query = name.find_first_of("?#");
    if (name.find("://") != std::string::npos && query != std::string::npos) name.resize(query);
    const size_t slash = name.find_last_of('/');
    if (slash != std::string::npos) name = name.substr(slash + 1);
    const size_t dot = name.rfind('.');
    if (dot != std::string::npos && dot > 0) name.resize(dot);
    return text::Trim(name);
}

}  // namespace tonearm::sync
