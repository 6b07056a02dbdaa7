#include "player/offline_pinning.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "core/api_client.h"
#include "core/log.h"
#include "player/playback_session_impl.h"
#include "player/variant_download.h"

namespace tonearm::player {
namespace {

constexpr char kLog[] = "cache";

struct PlannedTrack {
    Manifest manifest;
    Variant variant;
    int64_t on_disk = 0;  // verified entry or partial bytes before this run
};

int64_t BytesOnDisk(AudioCache& cache, const PlannedTrack& t) {
    auto entry = cache.FindEntry(t.manifest.track_id, t.variant.kbps);
    if (entry.ok() && entry->has_value() && (*entry)->sha256 == t.variant.sha256) {
        return t.variant.size;
    }
    std::error_code ec;
    auto size = std::filesystem::file_size(cache.PartialPath(t.variant.sha256), ec);
    return ec ? 0 : std::min<int64_t>(static_cast<int64_t>(size), t.variant.size);
}

// Fetches every manifest and track record and stores them in the cache.
Result<std::vector<PlannedTrack>> Plan(AudioCache& cache, const PinRequest& request) {
    ApiClient api(request.api_base_url);
    api.SetToken(request.token);
    std::vector<PlannedTrack> plan;
    std::set<std::string> seen;
    for (const std::string& id : request.track_ids) {
        if (!seen.insert(id).second) continue;
        auto manifest = api.GetManifest(id);
        if (!manifest.ok()) return manifest.error().Wrap("cannot pin " + log::Quote(id));
        auto track = api.GetTrack(id);
        const int kbps = ChooseKbps(*manifest, request.kbps > 0 ? request.kbps : 1 << 20);
        const Variant* variant = manifest->FindVariant(kbps);
        if (variant == nullptr) {
            return MakeError(ErrorCode::kNotFound, "track " + log::Quote(id) + " has no variant");
        }
        Status stored = cache.StoreMetadata(
            *manifest, track.ok() ? std::optional<Track>(*track) : std::nullopt);
        if (!stored.ok()) return stored.error();
        plan.push_back({*manifest, *variant, 0});
        plan.back().on_disk = BytesOnDisk(cache, plan.back());
    }
    return plan;
}

}  // namespace

Result<PinSummary> PinTracks(AudioCache& cache, const PinRequest& request,
                             const std::function<void(const PinEvent&)>& on_event) {
    auto plan = Plan(cache, request);
    if (!plan.ok()) return plan.error();

    PinSummary summary;
    summary.tracks = plan->size();
    std::vector<CachePin> pins;
    for (const PlannedTrack& t : *plan) {
        summary.bytes_total += t.variant.size;
        pins.push_back({request.source, t.manifest.track_id, t.variant.kbps});
    }
    // Audio this source pinned before counts once, not twice. (Audio that
    // another source pins too is counted twice here: a cautious estimate.)
    auto old_pins = cache.Pins();
    if (!old_pins.ok()) return old_pins.error();
    if (Status unpinned = cache.ReplacePins(request.source, {}); !unpinned.ok())
        return unpinned.error();
    if (Status fits = cache.CheckPinFits(summary.bytes_total); !fits.ok()) {
        std::vector<CachePin> restore;
        for (const CachePin& p : *old_pins) {
            if (p.source == request.source) restore.push_back(p);
        }
        (void)cache.ReplacePins(request.source, restore);
        return fits.error();
    }
    if (Status pinned = cache.ReplacePins(request.source, pins); !pinned.ok())
        return pinned.error();
    if (Status trimmed = cache.EnforceLimit(); !trimmed.ok()) return trimmed.error();

    int64_t overall = 0;
    for (const PlannedTrack& t : *plan)
        overall += t.on_disk;
    for (size_t i = 0; i < plan->size(); ++i) {
        const PlannedTrack& t = (*plan)[i];
        PinEvent event;
        event.track_id = t.manifest.track_id;
        event.kbps = t.variant.kbps;
        event.index = i;
        event.count = plan->size();
        event.track_total = t.variant.size;
        event.overall_total = summary.bytes_total;
        event.kind = PinEvent::Kind::kTrackStarted;
        event.track_done = t.on_disk;
        event.overall_done = overall;
        on_event(event);

        const int64_t before = overall - t.on_disk;
        DownloadOptions options;
        options.api_base_url = request.api_base_url;
        options.token = request.token;
        options.cancel = request.cancel;
        options.max_bytes_per_second = request.max_bytes_per_second;
        options.progress = [&](const DownloadProgress& p) {
            event.kind = PinEvent::Kind::kProgress;
            event.track_done = p.bytes_done;
            event.fetched = p.bytes_fetched;
            event.overall_done = before + p.bytes_done;
            on_event(event);
        };
        auto outcome = DownloadVariant(cache, t.manifest, t.variant.kbps, options);
        overall = before + (outcome.ok() ? t.variant.size : t.on_disk);
        event.overall_done = overall;
        if (!outcome.ok()) {
            event.kind = PinEvent::Kind::kTrackFailed;
            event.message = outcome.error().message;
            if (summary.failed++ == 0) summary.first_error = event.message;
            LOG_WARN(kLog, event.message);
            on_event(event);
            if (outcome.error().code == ErrorCode::kCancelled) break;
            continue;
        }
        event.kind = PinEvent::Kind::kTrackDone;
        event.track_done = t.variant.size;
        event.fetched = outcome->bytes_fetched;
        event.already_cached = outcome->already_cached;
        summary.bytes_fetched += outcome->bytes_fetched;
        ++(outcome->already_cached ? summary.already_cached : summary.downloaded);
        on_event(event);
    }
    return summary;
}

}  // namespace tonearm::player
