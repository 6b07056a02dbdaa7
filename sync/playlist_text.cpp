#include "sync/playlist_text.h"

#include <cctype>
#include <cstdlib>

namespace tonearm::sync::text {
namespace {

int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string Latin1ToUtf8(const std::string& s) {
    std::string out;
    out.reserve(s.size() + s.size() / 8);
    for (char c : s) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x80) {
            out += c;
        } else {
            out += static_cast<char>(0xC0 | (byte >> 6));
            out += static_cast<char>(0x80 | (byte & 0x3F));
        }
    }
    return out;
}

// True for "scheme:" with an RFC 3986 scheme of two or more letters (one
// letter is a Windows drive, "C:").
bool HasScheme(const std::string& s) {
    const size_t colon = s.find(':');
    if (colon == std::string::npos || colon < 2) return false;
    if (!std::isalpha(static_cast<unsigned char>(s[0]))) return false;
    for (size_t i = 1; i < colon; ++i) {
        const char c = s[i];
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
            return false;
        }
    }
    return true;
}

}  // namespace

bool IsUtf8(const std::string& s) {
    for (size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const size_t length = c < 0x80           ? 1
                              : (c >> 5) == 0x6  ? 2
                              : (c >> 4) == 0xE  ? 3
                              : (c >> 3) == 0x1E ? 4
                                                 : 0;
        if (length == 0 || i + length > s.size()) return false;
        for (size_t k = 1; k < length; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        }
        i += length;
    }
    return true;
}

std::string ToUtf8(const std::string& s) {
    const std::string body = s.rfind("\xEF\xBB\xBF", 0) == 0 ? s.substr(3) : s;
    return IsUtf8(body) ? body : Latin1ToUtf8(body);
}

std::vector<std::string> SplitLines(const std::string& s) {
    std::vector<std::string> lines;
    std::string line;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r' || s[i] == '\n') {
            if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
            lines.push_back(std::move(line));
            line.clear();
        } else {
            line += s[i];
        }
    }
    if (!line.empty()) lines.push_back(std::move(line));
    return lines;
}

std::string Trim(const std::string& s) {
    const size_t begin = s.find_first_not_of(" \t");
    if (begin == std::string::npos) return {};
    return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

std::string Lower(const std::string& s) {
    std::string out = s;
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

std::string PercentDecode(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
            out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return ToUtf8(out);
}

std::string PercentEncodePath(const std::string& s) {
    static const char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (char c : s) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte >= 0x7F || c == '%' || c == '#' || c == '?') {
            out += '%';
            out += kHex[byte >> 4];
            out += kHex[byte & 0xF];
        } else {
            out += c;
        }
    }
    return out;
}

std::string NormaliseLocation(const std::string& raw) {
    const std::string location = Trim(raw);
    if (Lower(location).rfind("file:", 0) == 0) {
        std::string rest = location.substr(5);
        if (rest.rfind("//", 0) == 0) {
            rest = rest.substr(2);
            const size_t slash = rest.find('/');  // drop the host ("", "localhost")
            rest = slash == std::string::npos ? std::string() : rest.substr(slash);
        }
        std::string path = PercentDecode(rest);
        // "/C:/Music" is a Windows drive path.
        if (path.size() >= 3 && path[0] == '/' &&
            std::isalpha(static_cast<unsigned char>(path[1])) && path[2] == ':') {
            path = path.substr(1);
        }
        return path;
    }
    if (HasScheme(location)) return location;
    std::string path = PercentDecode(location);
    for (char& c : path) {
        if (c == '\\') c = '/';
    }
    return path;
}

double ParseSeconds(const std::string& s) {
    const std::string t = Trim(s);
    if (t.empty() || !std::isdigit(static_cast<unsigned char>(t[0]))) return -1;
    char* end = nullptr;
    const double value = std::strtod(t.c_str(), &end);
    return *end == '\0' && value >= 0 ? value : -1;
}

std::string OneLine(const std::string& s) {
    std::string out = s;
    for (char& c : out) {
        if (c == '\r' || c == '\n') c = ' ';
    }
    return out;
}

bool SplitArtistTitle(const std::string& display, std::string* artist, std::string* title) {
    const size_t dash = display.find(" - ");
    if (dash == std::string::npos) return false;
    *artist = Trim(display.substr(0, dash));
    *title = Trim(display.substr(dash + 3));
    return !artist->empty() && !title->empty();
}

}  // namespace tonearm::sync::text
