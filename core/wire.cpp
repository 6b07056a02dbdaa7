#include "core/wire.h"

#include <algorithm>

namespace tonearm {
namespace {

// Reads a required field of the given JSON type, or explains what is wrong.
template <typename T>
Status Require(const Json& object, const char* key, T* out) {
    if (!object.is_object()) return MakeError(ErrorCode::kProtocol, "expected a JSON object");
    auto it = object.find(key);
    if (it == object.end()) {
        return MakeError(ErrorCode::kProtocol, std::string("missing field '") + key + "'");
    }
    try {
        *out = it->template get<T>();
    } catch (const Json::exception&) {
        return MakeError(ErrorCode::kProtocol, std::string("field '") + key + "' has wrong type");
    }
    return Status::Ok();
}

template <typename T>
void Optional(const Json& object, const char* key, T* out) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return;
    try {
        *out = it->template get<T>();
    } catch (const Json::exception&) {
        // Optional fields of the wrong type are ignored; required ones are checked.
    }
}

#define TONEARM_REQUIRE(obj, key, out)      \
    do {                                    \
        Status s_ = Require(obj, key, out); \
        if (!s_) return s_.error();         \
    } while (0)

Result<Variant> VariantFromJson(const Json& json) {
    Variant v;
    TONEARM_REQUIRE(json, "kbps", &v.kbps);
    TONEARM_REQUIRE(json, "size", &v.size);
    TONEARM_REQUIRE(json, "sha256", &v.sha256);
    TONEARM_REQUIRE(json, "header_bytes", &v.header_bytes);
    Optional(json, "url", &v.url);
    Optional(json, "url_expires", &v.url_expires);
    if (v.kbps <= 0 || v.size <= 0 || v.header_bytes <= 0 || v.header_bytes > v.size) {
        return MakeError(ErrorCode::kProtocol, "variant has impossible sizes");
    }
    auto it = json.find("seek_index");
    if (it == json.end() || !it->is_array()) {
        return MakeError(ErrorCode::kProtocol, "missing field 'seek_index'");
    }
    int64_t last_offset = -1;
    for (const Json& entry : *it) {
        if (!entry.is_array() || entry.size() != 2 || !entry[0].is_number_integer() ||
            !entry[1].is_number_integer()) {
            return MakeError(ErrorCode::kProtocol, "seek_index entry is not [granule, offset]");
        }
        SeekPoint p{entry[0].get<int64_t>(), entry[1].get<int64_t>()};
        if (p.byte_offset <= last_offset || p.byte_offset >= v.size || p.granule < 0) {
            return MakeError(ErrorCode::kProtocol, "seek_index is not ascending within the file");
        }
        last_offset = p.byte_offset;
        v.seek_index.push_back(p);
    }
    return v;
}

}  // namespace

const char* TierName(Tier tier) { return tier == Tier::kPremium ? "premium" : "free"; }

std::optional<Tier> TierFromName(const std::string& name) {
    if (name == "premium") return Tier::kPremium;
    if (name == "free") return Tier::kFree;
    return std::nullopt;
}

int MaxKbpsForTier(Tier tier) { return tier == Tier::kPremium ? 320 : 160; }

const char* ErrorCodeName(ErrorCode code) {
    switch (code) {
        case ErrorCode::kInvalidArgument: return "invalid_argument";
        case ErrorCode::kNotFound: return "not_found";
        case ErrorCode::kUnauthorized: return "unauthorized";
        case ErrorCode::kForbidden: return "forbidden";
        case ErrorCode::kNetwork: return "network";
        case ErrorCode::kProtocol: return "protocol";
        case ErrorCode::kCorrupt: return "corrupt";
        case ErrorCode::kIo: return "io";
        case ErrorCode::kUnsupported: return "unsupported";
        case ErrorCode::kCancelled: return "cancelled";
        case ErrorCode::kInternal: return "internal";
    }
    return "internal";
}

const Variant* Manifest::FindVariant(int kbps) const {
    for (const Variant& v : variants) {
        if (v.kbps == kbps) return &v;
    }
    return nullptr;
}

Json ToJson(const Track& t) {
    return Json{{"id", t.id},
                {"version", t.version},
                {"title", t.title},
                {"artist", t.artist},
                {"album", t.album},
                {"track_number", t.track_number},
                {"sample_rate", t.sample_rate},
                {"channels", t.channels},
                {"duration_samples", t.duration_samples},
                {"duration_ms", t.sample_rate > 0 ? t.duration_samples * 1000 / t.sample_rate : 0}};
}

Json ToJson(const Variant& v) {
    Json index = Json::array();
    for (const SeekPoint& p : v.seek_index)
        index.push_back(Json::array({p.granule, p.byte_offset}));
    Json j{{"kbps", v.kbps},
           {"size", v.size},
           {"sha256", v.sha256},
           {"header_bytes", v.header_bytes},
           {"seek_index", index}};
    if (!v.url.empty()) {
        j["url"] = v.url;
        j["url_expires"] = v.url_expires;
    }
    return j;
}

Json ToJson(const Manifest& m) {
    Json variants = Json::array();
    for (const Variant& v : m.variants)
        variants.push_back(ToJson(v));
    return Json{{"track_id", m.track_id},
                {"version", m.version},
                {"sample_rate", m.sample_rate},
                {"channels", m.channels},
                {"duration_samples", m.duration_samples},
                {"loudness",
                 {{"integrated_lufs", m.loudness.integrated_lufs},
                  {"true_peak_dbfs", m.loudness.true_peak_dbfs}}},
                {"variants", variants}};
}

Json ToJson(const CatalogPage& page) {
    Json items = Json::array();
    for (const Track& t : page.items)
        items.push_back(ToJson(t));
    return Json{{"total", page.total}, {"offset", page.offset}, {"items", items}};
}

Json ToJson(const LoginResult& login) {
    return Json{{"token", login.token}, {"user", login.user}, {"tier", TierName(login.tier)}};
}

Result<Track> TrackFromJson(const Json& json) {
    Track t;
    TONEARM_REQUIRE(json, "id", &t.id);
    TONEARM_REQUIRE(json, "title", &t.title);
    TONEARM_REQUIRE(json, "sample_rate", &t.sample_rate);
    TONEARM_REQUIRE(json, "channels", &t.channels);
    TONEARM_REQUIRE(json, "duration_samples", &t.duration_samples);
    Optional(json, "version", &t.version);
    Optional(json, "artist", &t.artist);
    Optional(json, "album", &t.album);
    Optional(json, "track_number", &t.track_number);
    if (t.id.empty()) return MakeError(ErrorCode::kProtocol, "track id is empty");
    return t;
}

Result<Manifest> ManifestFromJson(const Json& json) {
    Manifest m;
    TONEARM_REQUIRE(json, "track_id", &m.track_id);
    TONEARM_REQUIRE(json, "sample_rate", &m.sample_rate);
    TONEARM_REQUIRE(json, "channels", &m.channels);
    TONEARM_REQUIRE(json, "duration_samples", &m.duration_samples);
    Optional(json, "version", &m.version);
    if (m.sample_rate < 1000 || m.sample_rate > 768000 || m.channels < 1 || m.channels > 255 ||
        m.duration_samples < 0) {
        return MakeError(ErrorCode::kProtocol, "manifest has impossible audio parameters");
    }
    if (auto it = json.find("loudness"); it != json.end() && it->is_object()) {
        Optional(*it, "integrated_lufs", &m.loudness.integrated_lufs);
        Optional(*it, "true_peak_dbfs", &m.loudness.true_peak_dbfs);
    }
    auto it = json.find("variants");
    if (it == json.end() || !it->is_array()) {
        return MakeError(ErrorCode::kProtocol, "missing field 'variants'");
    }
    for (const Json& v : *it) {
        auto variant = VariantFromJson(v);
        if (!variant) return variant.error().Wrap("variant");
        m.variants.push_back(std::move(variant.value()));
    }
    std::sort(m.variants.begin(), m.variants.end(),
              [](const Variant& a, const Variant& b) { return a.kbps < b.kbps; });
    return m;
}

Result<CatalogPage> CatalogPageFromJson(const Json& json) {
    CatalogPage page;
    TONEARM_REQUIRE(json, "total", &page.total);
    Optional(json, "offset", &page.offset);
    auto it = json.find("items");
    if (it == json.end() || !it->is_array()) {
        return MakeError(ErrorCode::kProtocol, "missing field 'items'");
    }
    for (const Json& item : *it) {
        auto track = TrackFromJson(item);
        if (!track) return track.error().Wrap("catalog item");
        page.items.push_back(std::move(track.value()));
    }
    return page;
}

Result<LoginResult> LoginResultFromJson(const Json& json) {
    LoginResult login;
    std::string tier;
    TONEARM_REQUIRE(json, "token", &login.token);
    TONEARM_REQUIRE(json, "user", &login.user);
    TONEARM_REQUIRE(json, "tier", &tier);
    auto parsed = TierFromName(tier);
    if (!parsed) return MakeError(ErrorCode::kProtocol, "unknown tier '" + tier + "'");
    login.tier = *parsed;
    return login;
}

Result<Json> ParseJson(const std::string& text) {
    try {
        return Json::parse(text);
    } catch (const Json::parse_error& e) {
        return MakeError(ErrorCode::kCorrupt,
                         "malformed JSON at byte " + std::to_string(e.byte) + ": " + e.what());
    } catch (const Json::exception& e) {  // e.g. out_of_range for a number like 1e999999
        return MakeError(ErrorCode::kCorrupt, std::string("unreadable JSON: ") + e.what());
    }
}

}  // namespace tonearm
