#include "server-mock/media_store.h"

#include <charconv>
#include <fstream>
#include <iterator>

namespace tonearm::server {
namespace {

// Parses all of [begin, end) as a positive decimal number without leading zeros.
bool ParsePositive(const std::string& s, size_t begin, size_t end, int* out) {
    if (begin >= end || end - begin > 9 || s[begin] == '0') return false;
    auto [ptr, ec] = std::from_chars(s.data() + begin, s.data() + end, *out);
    return ec == std::errc() && ptr == s.data() + end && *out > 0;
}

}  // namespace

bool IsTrackId(const std::string& text) {
    if (text.size() != 16) return false;
    for (char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

MediaStore::MediaStore(std::string data_dir) : data_dir_(std::move(data_dir)) {}

std::string MediaStore::TrackDir(const std::string& track_id) const {
    return data_dir_ + "/audio/" + track_id;
}

std::string MediaStore::VersionDir(const std::string& track_id, int version) const {
    return TrackDir(track_id) + "/v" + std::to_string(version);
}

std::string MediaStore::VariantPath(const VariantLocation& where) const {
    return VersionDir(where.track_id, where.version) + "/" + std::to_string(where.kbps) + ".ogg";
}

std::string MediaStore::UrlPath(const VariantLocation& where) {
    return "/audio/" + where.track_id + "/v" + std::to_string(where.version) + "/" +
           std::to_string(where.kbps) + ".ogg";
}

std::optional<VariantLocation> MediaStore::ParseUrlPath(const std::string& path) {
    const std::string prefix = "/audio/";
    if (path.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
    size_t id_end = path.find('/', prefix.size());
    if (id_end == std::string::npos) return std::nullopt;
    VariantLocation where;
    where.track_id = path.substr(prefix.size(), id_end - prefix.size());
    if (!IsTrackId(where.track_id) || path.compare(id_end, 2, "/v") != 0) return std::nullopt;

    size_t version_end = path.find('/', id_end + 2);
    if (version_end == std::string::npos) return std::nullopt;
    if (!ParsePositive(path, id_end + 2, version_end, &where.version)) return std::nullopt;

    const std::string suffix = ".ogg";
    if (path.size() < version_end + 1 + suffix.size() ||
        path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0) {
        return std::nullopt;
    }
    if (!ParsePositive(path, version_end + 1, path.size() - suffix.size(), &where.kbps)) {
        return std::nullopt;
    }
    return where;
}

Result<std::shared_ptr<const StoredManifest>> MediaStore::LoadManifest(const std::string& track_id,
                                                                       int version) {
    const std::string key = track_id + "/v" + std::to_string(version);
    {
        std::lock_guard<std::mutex> lock(mu_);
        if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    }
    const std::string path = VersionDir(track_id, version) + "/manifest.json";
    std::ifstream in(path, std::ios::binary);
    if (!in) return MakeError(ErrorCode::kNotFound, "no manifest for track " + key);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

    Result<Json> json = ParseJson(text);
    if (!json.ok()) return json.error().Wrap("cannot read " + path);
    Result<Manifest> manifest = ManifestFromJson(*json);
    if (!manifest.ok()) return manifest.error().Wrap("invalid manifest " + path);
    auto stored = std::make_shared<const StoredManifest>(
        StoredManifest{std::move(*manifest), std::move(*json)});

    std::lock_guard<std::mutex> lock(mu_);
    cache_.emplace(key, stored);
    return std::shared_ptr<const StoredManifest>(stored);
}

}  // namespace tonearm::server
