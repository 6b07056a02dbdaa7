// Wire types shared by tonearm-server and the clients, and their JSON form.
//
// The JSON shapes are documented in docs/api.md. Parsing never throws: a
// missing field, a wrong type or an out-of-range value is a kCorrupt or
// kProtocol Error naming the field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace tonearm {

using Json = nlohmann::json;

enum class Tier { kFree, kPremium };
const char* TierName(Tier tier);
std::optional<Tier> TierFromName(const std::string& name);

// The highest bitrate a tier may stream.
int MaxKbpsForTier(Tier tier);

// Bitrate ladder of every ingested track, lowest first.
inline constexpr int kLadderKbps[] = {96, 160, 320};

struct Track {
    std::string id;   // stable across re-ingests of the same source
    int version = 1;  // bumped when the source changes
    std::string title;
    std::string artist;
    std::string album;
    int track_number = 0;  // 0 when unknown
    int sample_rate = 0;
    int channels = 0;
    int64_t duration_samples = 0;  // per channel

    double DurationSeconds() const {
        return sample_rate > 0 ? static_cast<double>(duration_samples) / sample_rate : 0.0;
    }
};

// A point where decoding may start: the page at byte_offset is the first page
// whose packets all end after granule (the granule position of the page before).
struct SeekPoint {
    int64_t granule = 0;
    int64_t byte_offset = 0;
};

struct Variant {
    int kbps = 0;
    int64_t size = 0;                   // bytes of the whole file
    std::string sha256;                 // of the whole file, lower-case hex
    int64_t header_bytes = 0;           // bytes of the pages holding the three header packets
    std::vector<SeekPoint> seek_index;  // ascending, first entry is the first audio page
    std::string url;                    // signed CDN URL; only in delivery answers
    int64_t url_expires = 0;            // unix seconds; only in delivery answers
};

struct Loudness {
    double integrated_lufs = 0.0;  // EBU R128 integrated loudness
    double true_peak_dbfs = 0.0;   // sample peak estimate in dBFS
};

struct Manifest {
    std::string track_id;
    int version = 1;
    int sample_rate = 0;
    int channels = 0;
    int64_t duration_samples = 0;
    Loudness loudness;
    std::vector<Variant> variants;  // ascending kbps

    const Variant* FindVariant(int kbps) const;
};

struct CatalogPage {
    int64_t total = 0;
    int64_t offset = 0;
    std::vector<Track> items;
};

struct LoginResult {
    std::string token;
    std::string user;
    Tier tier = Tier::kFree;
};

Json ToJson(const Track& track);
Json ToJson(const Variant& variant);
Json ToJson(const Manifest& manifest);
Json ToJson(const CatalogPage& page);
Json ToJson(const LoginResult& login);

Result<Track> TrackFromJson(const Json& json);
Result<Manifest> ManifestFromJson(const Json& json);
Result<CatalogPage> CatalogPageFromJson(const Json& json);
Result<LoginResult> LoginResultFromJson(const Json& json);

// Parses text as JSON; a syntax error is a kCorrupt Error with its offset.
Result<Json> ParseJson(const std::string& text);

}  // namespace tonearm
