#include "player/offline_pinning.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

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

// Hands the events of the download threads to the caller's thread.
class EventQueue {
public:
    explicit EventQueue(size_t producers) : producers_(producers) {}

    void Push(const PinEvent& event) {
        std::lock_guard<std::mutex> lock(mu_);
        events_.push_back(event);
        ready_.notify_one();
    }
    void ProducerDone() {
        std::lock_guard<std::mutex> lock(mu_);
        --producers_;
        ready_.notify_one();
    }
    // The next event; false once every producer is done and none is left.
    bool Pop(PinEvent* event) {
        std::unique_lock<std::mutex> lock(mu_);
        ready_.wait(lock, [&] { return !events_.empty() || producers_ == 0; });
        if (events_.empty()) return false;
        *event = std::move(events_.front());
        events_.pop_front();
        return true;
    }

private:
    std::mutex mu_;
    std::condition_variable ready_;
    std::deque<PinEvent> events_;  // guarded by mu_
    size_t producers_;             // guarded by mu_
};

// What the download threads share: the plan, which group is next, where
// the events go. Tracks of one variant (the same content) form one group,
// downloaded one after another, so no partial file is written twice at once.
struct Downloads {
    AudioCache& cache;
    const PinRequest& request;
    const std::vector<PlannedTrack>& plan;
    std::vector<std::vector<size_t>> groups;
    std::atomic<size_t> next_group{0};
    std::unique_ptr<TransferPacer> pacer;
    EventQueue* events = nullptr;
};

bool Cancelled(const PinRequest& request) {
    return request.cancel != nullptr && request.cancel->load();
}

// Download thread: fetches plan[i] and reports it (the overall figures are
// the caller's to fill in).
void DownloadOne(Downloads& d, size_t i) {
    const PlannedTrack& t = d.plan[i];
    PinEvent event;
    event.track_id = t.manifest.track_id;
    event.kbps = t.variant.kbps;
    event.index = i;
    event.count = d.plan.size();
    event.track_total = t.variant.size;
    event.kind = PinEvent::Kind::kTrackStarted;
    event.track_done = t.on_disk;
    d.events->Push(event);

    DownloadOptions options;
    options.api_base_url = d.request.api_base_url;
    options.token = d.request.token;
    options.cancel = d.request.cancel;
    options.pacer = d.pacer.get();
    options.progress = [&](const DownloadProgress& p) {
        event.kind = PinEvent::Kind::kProgress;
        event.track_done = p.bytes_done;
        event.fetched = p.bytes_fetched;
        d.events->Push(event);
    };
    auto outcome = DownloadVariant(d.cache, t.manifest, t.variant.kbps, options);
    if (!outcome.ok()) {
        event.kind = PinEvent::Kind::kTrackFailed;
        event.message = outcome.error().message;
        event.track_done = BytesOnDisk(d.cache, t);
        LOG_WARN(kLog, event.message);
    } else {
        event.kind = PinEvent::Kind::kTrackDone;
        event.track_done = t.variant.size;
        event.fetched = outcome->bytes_fetched;
        event.already_cached = outcome->already_cached;
    }
    d.events->Push(event);
}

void DownloadGroups(Downloads& d) {
    for (;;) {
        const size_t g = d.next_group++;
        if (g >= d.groups.size() || Cancelled(d.request)) break;
        for (size_t i : d.groups[g])
            DownloadOne(d, i);
    }
    d.events->ProducerDone();
}

std::vector<std::vector<size_t>> GroupByVariant(const std::vector<PlannedTrack>& plan) {
    std::vector<std::vector<size_t>> groups;
    std::map<std::string, size_t> group_of;
    for (size_t i = 0; i < plan.size(); ++i) {
        auto [it, added] = group_of.emplace(plan[i].variant.sha256, groups.size());
        if (added) groups.emplace_back();
        groups[it->second].push_back(i);
    }
    return groups;
}

// Records the pins of request.source, refusing them (and keeping the old
// ones) when the pinned audio would exceed the limit.
Status ReplaceSourcePins(AudioCache& cache, const PinRequest& request,
                         const std::vector<PlannedTrack>& plan, int64_t bytes_total) {
    std::vector<CachePin> pins;
    for (const PlannedTrack& t : plan)
        pins.push_back({request.source, t.manifest.track_id, t.variant.kbps});
    // Audio this source pinned before counts once, not twice. (Audio that
    // another source pins too is counted twice here: a cautious estimate.)
    auto old_pins = cache.Pins();
    if (!old_pins.ok()) return old_pins.error();
    if (Status unpinned = cache.ReplacePins(request.source, {}); !unpinned.ok()) return unpinned;
    if (Status fits = cache.CheckPinFits(bytes_total); !fits.ok()) {
        std::vector<CachePin> restore;
        for (const CachePin& p : *old_pins) {
            if (p.source == request.source) restore.push_back(p);
        }
        (void)cache.ReplacePins(request.source, restore);
        return fits;
    }
    if (Status pinned = cache.ReplacePins(request.source, pins); !pinned.ok()) return pinned;
    return cache.EnforceLimit();
}

// Caller's thread: completes each event with the overall figures, keeps
// the summary and passes the event on.
void DeliverEvents(EventQueue& events, const std::vector<PlannedTrack>& plan, PinSummary* summary,
                   const std::function<void(const PinEvent&)>& on_event) {
    std::vector<int64_t> done(plan.size());
    int64_t overall = 0;
    for (size_t i = 0; i < plan.size(); ++i)
        overall += done[i] = plan[i].on_disk;
    PinEvent event;
    while (events.Pop(&event)) {
        overall += event.track_done - done[event.index];
        done[event.index] = event.track_done;
        event.overall_done = overall;
        event.overall_total = summary->bytes_total;
        if (event.kind == PinEvent::Kind::kTrackFailed) {
            if (summary->failed++ == 0) summary->first_error = event.message;
        } else if (event.kind == PinEvent::Kind::kTrackDone) {
            summary->bytes_fetched += event.fetched;
            ++(event.already_cached ? summary->already_cached : summary->downloaded);
        }
        on_event(event);
    }
}

}  // namespace

Result<PinSummary> PinTracks(AudioCache& cache, const PinRequest& request,
                             const std::function<void(const PinEvent&)>& on_event) {
    auto plan = Plan(cache, request);
    if (!plan.ok()) return plan.error();

    PinSummary summary;
    summary.tracks = plan->size();
    for (const PlannedTrack& t : *plan)
        summary.bytes_total += t.variant.size;
    if (Status pinned = ReplaceSourcePins(cache, request, *plan, summary.bytes_total);
        !pinned.ok()) {
        return pinned.error();
    }

    std::unique_ptr<TransferPacer> pacer;
    if (request.max_bytes_per_second > 0) {
        pacer = std::make_unique<TransferPacer>(request.max_bytes_per_second);
    }
    Downloads downloads{cache, request,          *plan,  GroupByVariant(*plan),
                        {0},   std::move(pacer), nullptr};
    const size_t transfers =
        std::min<size_t>(downloads.groups.size(),
                         static_cast<size_t>(std::clamp(request.transfers, 1, kMaxPinTransfers)));
    EventQueue events(transfers);
    downloads.events = &events;
    std::vector<std::thread> threads;
    for (size_t i = 0; i < transfers; ++i)
        threads.emplace_back([&downloads] { DownloadGroups(downloads); });
    DeliverEvents(events, *plan, &summary, on_event);
    for (std::thread& thread : threads)
        thread.join();
    return summary;
}

Result<bool> PinsNeedRefresh(AudioCache& cache, const std::string& source,
                             const std::vector<std::string>& track_ids) {
    auto pins = cache.Pins();
    if (!pins.ok()) return pins.error();
    std::set<std::string> pinned;
    for (const CachePin& pin : *pins) {
        if (pin.source != source) continue;
        pinned.insert(pin.track_id);
        auto entry = cache.FindEntry(pin.track_id, pin.kbps);
        if (!entry.ok()) return entry.error();
        if (!entry->has_value()) return true;
    }
    return pinned != std::set<std::string>(track_ids.begin(), track_ids.end());
}

}  // namespace tonearm::player
