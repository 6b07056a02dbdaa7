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

AudioCache* PlaybackSession::Impl::Cache() {
    if (!config_.cache_dir.empty() && !cache_ && !cache_tried_) {
        cache_tried_ = true;
        auto opened = AudioCache::Open(config_.cache_dir);
        if (opened.ok()) {
            cache_ = std::move(opened.value());
        } else {
            LOG_WARN(kLog, "playing without the cache: " << opened.error().message);
        }
    }
    return cache_.get();
}

Result<TrackSource> PlaybackSession::Impl::ResolveFromCache(const std::string& track_id,
                                                            bool* damaged) {
    auto stored = cache_->LoadManifest(track_id);
    if (!stored.ok()) return stored.error();

    // The preferred bitrate first (the best for automatic), then whatever
    // else is cached, best first.
    std::vector<int> order = {
        ChooseKbps(*stored, config_.preferred_kbps > 0 ? config_.preferred_kbps : 1 << 20)};
    for (auto it = stored->variants.rbegin(); it != stored->variants.rend(); ++it) {
        if (it->kbps != order.front()) order.push_back(it->kbps);
    }
    for (int kbps : order) {
        const Variant* variant = stored->FindVariant(kbps);
        auto bytes = cache_->ReadVerified(track_id, *variant);
        if (bytes.ok()) {
            TrackSource source;
            source.manifest = std::move(stored.value());
            source.ladder = {kbps};
            source.local_file = std::make_shared<const std::string>(std::move(bytes.value()));
            return source;
        }
        if (bytes.error().code == ErrorCode::kCorrupt) *damaged = true;
    }
    return MakeError(ErrorCode::kNotFound, "not cached");
}

Result<TrackSource> PlaybackSession::Impl::ResolveTrack(const std::string& track_id) {
    bool damaged = false;
    if (Cache() != nullptr) {
        auto cached = ResolveFromCache(track_id, &damaged);
        if (cached.ok()) return cached;
    }

    ApiClient api(config_.api_base_url);
    api.SetToken(token());
    auto manifest = api.GetManifest(track_id);
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
    TrackSource source;
    source.manifest = std::move(manifest.value());
    if (config_.preferred_kbps > 0) {
        source.ladder = {ChooseKbps(source.manifest, config_.preferred_kbps)};
    } else {
        for (const Variant& variant : source.manifest.variants)
            source.ladder.push_back(variant.kbps);
        std::sort(source.ladder.begin(), source.ladder.end());
    }
    if (!damaged) return source;

    // A damaged entry was wanted offline: fetch it again before playing.
    const int kbps = source.ladder.back();
    DownloadOptions options;
    options.api_base_url = config_.api_base_url;
    options.token = token();
    auto fetched = DownloadVariant(*cache_, source.manifest, kbps, options);
    if (!fetched.ok()) {
        LOG_WARN(kLog, "streaming instead: " << fetched.error().message);
        return source;
    }
    (void)cache_->StoreMetadata(source.manifest, std::nullopt);
    auto bytes = cache_->ReadVerified(track_id, *source.manifest.FindVariant(kbps));
    if (bytes.ok()) {
        source.local_file = std::make_shared<const std::string>(std::move(bytes.value()));
        source.ladder = {kbps};
    }
    LOG_INFO(kLog, "fetched the damaged cache entry of " << log::Quote(track_id) << " again");
    return source;
}

}  // namespace tonearm::player
