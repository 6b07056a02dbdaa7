// The immutable audio files under DATA/audio and their manifests.
//
// Layout: DATA/audio/<track id>/v<version>/<kbps>.ogg and manifest.json.
// A version folder appears complete or not at all (it is written under a
// temporary name and renamed), and is never changed afterwards, so its
// manifest can be cached for the life of the process.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/result.h"
#include "core/wire.h"

namespace tonearm::server {

// Where one variant file lives, as parsed from a CDN path.
struct VariantLocation {
    std::string track_id;
    int version = 0;
    int kbps = 0;
};

// A manifest as stored: the parsed form and the JSON file, which carries
// fields beyond the wire type (each variant's nominal and average bitrate).
struct StoredManifest {
    Manifest manifest;
    Json json;
};

// True for the ids ingest makes: 16 lower-case hex characters.
bool IsTrackId(const std::string& text);

class MediaStore {
public:
    explicit MediaStore(std::string data_dir);

    const std::string& data_dir() const { return data_dir_; }
    std::string TrackDir(const std::string& track_id) const;
    std::string VersionDir(const std::string& track_id, int version) const;
    std::string VariantPath(const VariantLocation& where) const;

    // "/audio/<id>/v<version>/<kbps>.ogg", the path the CDN serves and signs.
    static std::string UrlPath(const VariantLocation& where);
    // The inverse of UrlPath; nullopt for anything else (so no path from a
    // request can name a file outside DATA/audio).
    static std::optional<VariantLocation> ParseUrlPath(const std::string& path);

    // Reads and validates DATA/audio/<id>/v<version>/manifest.json, caching
    // it. kNotFound if the version does not exist, kCorrupt if the file does
    // not parse. Thread-safe.
    Result<std::shared_ptr<const StoredManifest>> LoadManifest(const std::string& track_id,
                                                               int version);

private:
    const std::string data_dir_;
    std::mutex mu_;
    std::map<std::string, std::shared_ptr<const StoredManifest>> cache_;  // guarded by mu_
};

}  // namespace tonearm::server
