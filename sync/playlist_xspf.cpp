// XSPF (XML Shareable Playlist Format, version 1) with expat. Only the
// elements a playlist needs are read: playlist/title and, per
// trackList/track, location, identifier, title, creator, album and duration
// (milliseconds); extensions and unknown elements are skipped. Files with or
// without the XSPF namespace are read alike. Two faults of real files are
// repaired first: a bare '&' (not starting an entity) becomes "&amp;", and
// bytes that are not UTF-8 in a file whose declaration claims it are read as
// Latin-1. expat loads no external entities and limits entity expansion.
#include <expat.h>

#include <cctype>
#include <cmath>
#include <string_view>

#include "sync/playlist_files.h"
#include "sync/playlist_text.h"

namespace tonearm::sync {
namespace {

struct XspfReader {
    PlaylistFile file;
    std::vector<std::string> path;  // local names of the open elements
    PlaylistFileEntry track;
    bool has_location = false;
    std::string chars;  // character data of the innermost element
};

std::string LocalName(const XML_Char* name) {
    std::string_view full(name);
    const size_t space = full.rfind(' ');  // "namespace-uri local" with XML_ParserCreateNS
    return std::string(space == std::string_view::npos ? full : full.substr(space + 1));
}

bool InTrack(const XspfReader& r) {
    return r.path.size() >= 3 && r.path[1] == "trackList" && r.path[2] == "track";
}

void XMLCALL OnStart(void* data, const XML_Char* name, const XML_Char**) {
    auto* r = static_cast<XspfReader*>(data);
    r->path.push_back(LocalName(name));
    r->chars.clear();
    if (r->path.size() == 3 && InTrack(*r)) {
        r->track = PlaylistFileEntry();
        r->has_location = false;
    }
}

void ReadTrackField(XspfReader* r, const std::string& field, const std::string& value) {
    PlaylistFileEntry& t = r->track;
    if (field == "location" && !r->has_location) {
        t.location = text::NormaliseLocation(value);
        r->has_location = !t.location.empty();
        if (t.track_id.empty()) t.track_id = TrackIdFromLocation(t.location);
    } else if (field == "identifier") {
        const std::string id = TrackIdFromLocation(text::Trim(value));
        if (!id.empty()) t.track_id = id;
    } else if (field == "title") {
        t.title = value;
    } else if (field == "creator") {
        t.artist = value;
    } else if (field == "album") {
        t.album = value;
    } else if (field == "duration") {
        const double ms = text::ParseSeconds(value);
        t.duration_ms = ms >= 0 ? std::llround(ms) : -1;
    }
}

void XMLCALL OnEnd(void* data, const XML_Char*) {
    auto* r = static_cast<XspfReader*>(data);
    const std::string value = text::Trim(r->chars);
    if (r->path.size() == 2 && r->path[1] == "title") r->file.title = value;
    if (r->path.size() == 4 && InTrack(*r)) ReadTrackField(r, r->path[3], value);
    if (r->path.size() == 3 && InTrack(*r) &&
        (r->has_location || !r->track.track_id.empty() || !r->track.title.empty())) {
        r->file.entries.push_back(std::move(r->track));
    }
    r->path.pop_back();
    r->chars.clear();
}

void XMLCALL OnChars(void* data, const XML_Char* s, int length) {
    static_cast<XspfReader*>(data)->chars.append(s, static_cast<size_t>(length));
}

// True if text at i (just after '&') is an entity or character reference.
bool IsReference(const std::string& s, size_t i) {
    size_t k = i;
    if (k < s.size() && s[k] == '#') {
        ++k;
        const bool hex = k < s.size() && (s[k] == 'x' || s[k] == 'X');
        if (hex) ++k;
        const size_t first = k;
        while (k < s.size() && (hex ? std::isxdigit(static_cast<unsigned char>(s[k]))
                                    : std::isdigit(static_cast<unsigned char>(s[k])))) {
            ++k;
        }
        return k > first && k < s.size() && s[k] == ';';
    }
    if (k >= s.size() || !std::isalpha(static_cast<unsigned char>(s[k]))) return false;
    while (k < s.size() && std::isalnum(static_cast<unsigned char>(s[k])))
        ++k;
    return k < s.size() && s[k] == ';';
}

std::string RepairAmpersands(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        out += s[i];
        if (s[i] == '&' && !IsReference(s, i + 1)) out += "amp;";
    }
    return out;
}

Result<PlaylistFile> ParseWith(const std::string& bytes, const char* encoding) {
    XML_Parser parser = XML_ParserCreateNS(encoding, ' ');
    if (parser == nullptr) return MakeError(ErrorCode::kIo, "out of memory for the XML parser");
    XspfReader reader;
    XML_SetUserData(parser, &reader);
    XML_SetElementHandler(parser, OnStart, OnEnd);
    XML_SetCharacterDataHandler(parser, OnChars);
    const bool ok =
        XML_Parse(parser, bytes.data(), static_cast<int>(bytes.size()), 1) == XML_STATUS_OK;
    std::string message;
    if (!ok) {
        message = std::string("XSPF is not well-formed XML: ") +
                  XML_ErrorString(XML_GetErrorCode(parser)) + " at line " +
                  std::to_string(XML_GetCurrentLineNumber(parser));
    }
    XML_ParserFree(parser);
    if (!ok) return MakeError(ErrorCode::kCorrupt, message);
    return reader.file;
}

std::string Escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '&')
            out += "&amp;";
        else if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else if (c == '"')
            out += "&quot;";
        else if (byte >= 0x20 || c == '\t' || c == '\n')
            out += c;
        else
            out += ' ';  // not allowed in XML 1.0
    }
    return out;
}

void Element(std::string* out, const char* name, const std::string& value) {
    if (value.empty()) return;
    *out += std::string("      <") + name + ">" + Escape(value) + "</" + name + ">\n";
}

}  // namespace

Result<PlaylistFile> ParseXspf(const std::string& bytes) {
    if (bytes.size() > static_cast<size_t>(INT32_MAX) / 2) {
        return MakeError(ErrorCode::kInvalidArgument, "XSPF file too large");
    }
    const std::string repaired = RepairAmpersands(bytes);
    Result<PlaylistFile> file = ParseWith(repaired, nullptr);
    if (!file.ok() && !text::IsUtf8(repaired)) file = ParseWith(repaired, "ISO-8859-1");
    return file;
}

std::string WriteXspf(const PlaylistFile& file) {
    std::string out =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<playlist version=\"1\" xmlns=\"http://xspf.org/ns/0/\">\n";
    if (!file.title.empty()) out += "  <title>" + Escape(file.title) + "</title>\n";
    out += "  <trackList>\n";
    for (const PlaylistFileEntry& e : file.entries) {
        out += "    <track>\n";
        std::string location = e.location;
        if (!e.track_id.empty()) {
            location = TrackLocation(e.track_id);
        } else if (location.find("://") == std::string::npos) {
            location = text::PercentEncodePath(location);
        }
        Element(&out, "location", location);
        if (!e.track_id.empty()) Element(&out, "identifier", TrackLocation(e.track_id));
        Element(&out, "title", e.title);
        Element(&out, "creator", e.artist);
        Element(&out, "album", e.album);
        if (e.duration_ms >= 0) Element(&out, "duration", std::to_string(e.duration_ms));
        out += "    </track>\n";
    }
    out += "  </trackList>\n</playlist>\n";
    return out;
}

}  // namespace tonearm::sync
