// PlaybackSession: where a track's bytes come from (the cache or the CDN).
#include <algorithm>

#include "core/api_client.h"
#include "core/log.h"
#include "player/playback_session_impl.h"
#include "player/variant_download.h"

namespace tonearm::player {
namespace {

constexpr char kLog[] = "player";

}  // namespace

Result<Manifest> PlaybackSession::Impl::ResolveFromCache(bool* damaged) {
    auto stored = cache_->LoadManifest(track_id_);
    if (!stored.ok()) return stored.error();

    // The preferred bitrate first, then whatever else is cached, best first.
    std::vector<int> order = {ChooseKbps(*stored, config_.preferred_kbps)};
    for (auto it = stored->variants.rbegin(); it != stored->variants.rend(); ++it) {
        if (it->kbps != order.front()) order.push_back(it->kbps);
    }
    for (int kbps : order) {
        const Variant* variant = stored->FindVariant(kbps);
        auto bytes = cache_->ReadVerified(track_id_, *variant);
        if (bytes.ok()) {
            local_file_ = std::make_shared<const std::string>(std::move(bytes.value()));
            kbps_ = kbps;
            return stored;
        }
        if (bytes.error().code == ErrorCode::kCorrupt) *damaged = true;
    }
    return MakeError(ErrorCode::kNotFound, "not cached");
}

Result<Manifest> PlaybackSession::Impl::ResolveTrack() {
    local_file_.reset();
    bool damaged = false;
    if (!config_.cache_dir.empty() && !cache_) {
        auto opened = AudioCache::Open(config_.cache_dir);
        if (opened.ok()) {
            cache_ = std::move(opened.value());
        } else {
            LOG_WARN(kLog, "playing without the cache: " << opened.error().message);
        }
    }
    if (cache_) {
        auto cached = ResolveFromCache(&damaged);
        if (cached.ok()) return cached;
    }

    ApiClient api(config_.api_base_url);
    api.SetToken(token());
    auto manifest = api.GetManifest(track_id_);
    if (!manifest.ok()) {
        if (cache_ && manifest.error().code == ErrorCode::kNetwork) {
            return MakeError(
                ErrorCode::kNotFound,
                std::string(damaged ? "its cached copy was damaged and evicted, " : "") +
                    "it is not available offline (server unreachable: " + manifest.error().message +
                    ")");
        }
        return manifest.error();
    }
    kbps_ = ChooseKbps(*manifest, config_.preferred_kbps);
    if (!damaged) return manifest;

    // A damaged entry was wanted offline: fetch it again before playing.
    DownloadOptions options;
    options.api_base_url = config_.api_base_url;
    options.token = token();
    auto fetched = DownloadVariant(*cache_, *manifest, kbps_, options);
    if (!fetched.ok()) {
        LOG_WARN(kLog, "streaming instead: " << fetched.error().message);
        return manifest;
    }
    (void)cache_->StoreMetadata(*manifest, std::nullopt);
    auto bytes = cache_->ReadVerified(track_id_, *manifest->FindVariant(kbps_));
    if (bytes.ok()) local_file_ = std::make_shared<const std::string>(std::move(bytes.value()));
    LOG_INFO(kLog, "fetched the damaged cache entry of " << log::Quote(track_id_) << " again");
    return manifest;
}

}  // namespace tonearm::player
