// Seeded property test of the merge model: several replicas (two devices of
// one listener, a collaborator, a follower) edit playlists while a simulated
// server accepts, clamps and rejects ops and the network reorders,
// duplicates and drops pushes and pulls. After a full sync every replica
// must hold the server's state exactly.
//
// TONEARM_CONVERGENCE_SCHEDULES=N runs N schedules (default 500);
// TONEARM_CONVERGENCE_SEED=S starts at seed S (a failure prints its seed).
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sync/model/hlc.h"
#include "sync/model/op.h"
#include "sync/model/position_key.h"
#include "sync/model/sync_state.h"

namespace tonearm::sync {
namespace {

constexpr int64_t kT0 = 1'760'000'000'000;
constexpr int64_t kHourMs = 3'600'000;

using Rng = std::mt19937_64;

int64_t EnvInt(const char* name, int64_t fallback) {
    const char* text = std::getenv(name);
    return text != nullptr ? std::strtoll(text, nullptr, 10) : fallback;
}

bool Chance(Rng& rng, double p) { return std::bernoulli_distribution(p)(rng); }
size_t Below(Rng& rng, size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); }

struct PushAnswer {
    std::vector<Op> acked;  // the server's version (possibly re-stamped)
    std::set<std::string> rejected;
};

// The server: one op log in arrival order, de-duplicated by op id.
struct Server {
    SyncState state;
    std::vector<Op> log;
    std::map<std::string, size_t> index;  // op id -> position in log
    std::set<std::string> rejected;
    HybridClock clamp_clock{"server"};

    PushAnswer Push(const std::vector<Op>& batch, const std::string& user, int64_t now) {
        PushAnswer answer;
        for (Op op : batch) {
            if (auto it = index.find(op.id); it != index.end()) {
                answer.acked.push_back(log[it->second]);
                continue;
            }
            ClampFutureStamp(&op, &clamp_clock, now);
            if (!state.CheckOp(op, user).ok()) {
                rejected.insert(op.id);
                answer.rejected.insert(op.id);
                continue;
            }
            state.Apply(op);
            index[op.id] = log.size();
            log.push_back(op);
            answer.acked.push_back(op);
        }
        return answer;
    }
};

// One device with its own clock (skewed, sometimes jumping), op log and outbox.
struct Replica {
    Replica(std::string user_name, std::string node, uint64_t seed)
        : user(std::move(user_name)), clock(node), keys(seed) {}

    int64_t Physical(int64_t now) const { return now + skew + offset; }

    void Record(const Op& op) {
        log[op.id] = op;
        outbox.push_back(op.id);
        state.Apply(op);
    }

    // Takes the server's version of an op; returns true if it differed.
    bool Learn(const Op& op, int64_t now) {
        clock.Observe(op.stamp, Physical(now));
        auto [it, inserted] = log.try_emplace(op.id, op);
        if (inserted) {
            state.Apply(op);
            return false;
        }
        if (it->second == op) return false;
        it->second = op;
        return true;
    }

    void Rebuild() {
        state = SyncState();
        for (const auto& [id, op] : log)
            state.Apply(op);
    }

    std::string user;
    HybridClock clock;
    PositionKeyGenerator keys;
    int64_t skew = 0;    // how wrong this device's wall clock is
    int64_t offset = 0;  // correction learned from the server at each sync
    std::map<std::string, Op> log;
    std::vector<std::string> outbox;  // op ids not yet acknowledged, oldest first
    size_t cursor = 0;                // server log entries already pulled
    SyncState state;
};

class Schedule {
public:
    explicit Schedule(uint64_t seed) : rng_(seed) {
        const std::vector<std::pair<std::string, std::string>> cast = {
            {"ana", "ana-phone"}, {"ana", "ana-laptop"}, {"bo", "bo-desk"},
            {"cy", "cy-phone"},   {"ana", "ana-tablet"}, {"bo", "bo-phone"}};
        const size_t count = 3 + Below(rng_, 4);
        for (size_t i = 0; i < count; ++i) {
            replicas_.emplace_back(cast[i].first, cast[i].second, rng_());
            replicas_.back().skew = static_cast<int64_t>(Below(rng_, 4 * kHourMs)) - 2 * kHourMs;
        }
    }

    void Run(int steps) {
        for (int i = 0; i < steps; ++i)
            Step();
        FullSync();
    }

    const Server& server() const { return server_; }
    const std::vector<Replica>& replicas() const { return replicas_; }

private:
    void Step() {
        now_ += static_cast<int64_t>(Below(rng_, 5000));
        Replica& r = replicas_[Below(rng_, replicas_.size())];
        const size_t action = Below(rng_, 10);
        if (action < 6) {
            Edit(r);
        } else if (action < 8) {
            Push(r, /*reliable=*/false);
        } else if (action < 9) {
            Pull(r, /*reliable=*/false);
        } else {
            r.skew += static_cast<int64_t>(Below(rng_, 2 * kHourMs)) - kHourMs;  // clock step
        }
    }

    void FullSync() {
        for (int round = 0; round < 2; ++round) {
            for (Replica& r : replicas_)
                Push(r, true);
            for (Replica& r : replicas_)
                Pull(r, true);
        }
    }

    void Push(Replica& r, bool reliable) {
        if (r.outbox.empty()) return;
        if (!reliable && Chance(rng_, 0.2)) return;  // request lost
        const size_t count = reliable ? r.outbox.size() : 1 + Below(rng_, r.outbox.size());
        std::vector<Op> batch;
        for (size_t i = 0; i < count; ++i)
            batch.push_back(r.log.at(r.outbox[i]));
        PushAnswer answer = server_.Push(batch, r.user, now_);
        if (!reliable && Chance(rng_, 0.2)) return;  // answer lost: retried later

        r.offset = now_ - (now_ + r.skew);
        bool changed = false;
        for (const Op& op : answer.acked)
            changed |= r.Learn(op, now_);
        for (const std::string& id : answer.rejected)
            changed |= r.log.erase(id) > 0;
        std::erase_if(r.outbox, [&](const std::string& id) {
            return answer.rejected.count(id) > 0 ||
                   std::any_of(answer.acked.begin(), answer.acked.end(),
                               [&](const Op& op) { return op.id == id; });
        });
        if (changed) r.Rebuild();
    }

    void Pull(Replica& r, bool reliable) {
        std::vector<Op> batch(server_.log.begin() + static_cast<std::ptrdiff_t>(r.cursor),
                              server_.log.end());
        if (!reliable) {
            if (Chance(rng_, 0.2)) return;  // dropped: the cursor stays
            std::shuffle(batch.begin(), batch.end(), rng_);
            for (size_t i = 0, n = batch.size(); i < n; ++i) {
                if (Chance(rng_, 0.2)) batch.push_back(batch[i]);  // duplicated
            }
        }
        bool changed = false;
        for (const Op& op : batch)
            changed |= r.Learn(op, now_);
        if (changed) r.Rebuild();
        r.cursor = server_.log.size();
        r.offset = -r.skew;
    }

    void Edit(Replica& r) {
        Op op = MakeEdit(r);
        if (op.id.empty() || !r.state.CheckOp(op, r.user).ok()) return;
        r.Record(op);
    }

    Op Start(Replica& r, OpKind kind, const std::string& playlist) {
        Op op = StartOp(kind, r.user, &r.clock, r.Physical(now_));
        op.playlist_id = playlist;
        return op;
    }

    Op MakeEdit(Replica& r);
    Op EditPlaylist(Replica& r, const Playlist& p);

    Rng rng_;
    int64_t now_ = kT0;
    int next_playlist_ = 0;
    Server server_;
    std::vector<Replica> replicas_;
};

Op Schedule::MakeEdit(Replica& r) {
    std::vector<const Playlist*> visible = r.state.PlaylistsVisibleTo(r.user);
    const size_t pick = Below(rng_, 20);
    if (pick == 0 || (visible.empty() && r.user != "cy")) {
        Op op =
            Start(r, OpKind::kCreatePlaylist, r.user + "-pl" + std::to_string(next_playlist_++));
        op.name = "new";
        return op;
    }
    if (pick == 1) {
        Op op = StartOp(Chance(rng_, 0.7) ? OpKind::kSaveTrack : OpKind::kUnsaveTrack, r.user,
                        &r.clock, r.Physical(now_));
        op.track_id = "t" + std::to_string(Below(rng_, 8));
        return op;
    }
    if (pick == 2 || visible.empty()) {
        // Follow whatever the server knows about (the id travels by link).
        std::vector<const Playlist*> all = server_.state.PlaylistsVisibleTo("ana");
        if (all.empty() || r.state.FindPlaylist(all[0]->id()) == nullptr) return Op();
        Op op = Start(r, Chance(rng_, 0.8) ? OpKind::kFollow : OpKind::kUnfollow, all[0]->id());
        op.user = r.user;
        return op;
    }
    return EditPlaylist(r, *visible[Below(rng_, visible.size())]);
}

Op Schedule::EditPlaylist(Replica& r, const Playlist& p) {
    const std::vector<EntryView> entries = p.Entries();
    const size_t action = Below(rng_, 10);
    if (action < 3 || (entries.empty() && action < 7)) {
        Op op = Start(r, OpKind::kAddEntries, p.id());
        const size_t count = action == 0 ? 2 + Below(rng_, 7) : 1;
        auto keys = PositionsForIndex(p, Below(rng_, entries.size() + 1), count, &r.keys);
        for (size_t i = 0; i < count; ++i) {
            op.entries.push_back(
                {EntryIdFor(op, i), "t" + std::to_string(Below(rng_, 8)), keys.value()[i]});
        }
        return op;
    }
    if (action < 5 && !entries.empty()) {
        const EntryView& e = entries[Below(rng_, entries.size())];
        Op op = Start(r, OpKind::kMoveEntry, p.id());
        op.entry_id = e.entry_id;
        op.position_key = *PositionForIndex(p, Below(rng_, entries.size()), &r.keys, e.entry_id);
        return op;
    }
    if (action < 7 && !entries.empty()) {
        Op op = Start(r, OpKind::kRemoveEntry, p.id());
        op.entry_id = entries[Below(rng_, entries.size())].entry_id;
        return op;
    }
    if (action < 8) {
        const bool rename = Chance(rng_, 0.6);
        Op op = Start(r, rename ? OpKind::kRename : OpKind::kDescribe, p.id());
        (rename ? op.name : op.description) = r.user + " wrote " + std::to_string(Below(rng_, 100));
        return op;
    }
    if (action < 9) {
        Op op = Start(r, Chance(rng_, 0.8) ? OpKind::kShare : OpKind::kUnshare, p.id());
        op.user = "bo";
        return op;
    }
    Op op = Start(r, OpKind::kSetCollaborative, p.id());
    op.collaborative = Chance(rng_, 0.8);
    return op;
}

// Checks the properties of a finished schedule; returns "" or what failed.
std::string CheckConverged(const Schedule& s) {
    const std::string expected = s.server().state.CanonicalJson().dump();
    for (const Replica& r : s.replicas()) {
        if (r.state.CanonicalJson().dump() != expected)
            return "replica " + r.clock.node() + " differs";
        if (!r.outbox.empty()) return "replica " + r.clock.node() + " kept an outbox";
    }
    std::set<std::string> removed;
    for (const Op& op : s.server().log) {
        if (op.kind == OpKind::kRemoveEntry) removed.insert(op.entry_id);
    }
    for (const Op& op : s.server().log) {
        if (op.kind != OpKind::kAddEntries) continue;
        const Playlist* p = s.server().state.FindPlaylist(op.playlist_id);
        for (const NewEntry& e : op.entries) {
            const Entry* entry = p->FindEntry(e.entry_id);
            if (entry == nullptr) return "acknowledged entry " + e.entry_id + " lost";
            if (entry->visible() == (removed.count(e.entry_id) > 0)) {
                return "entry " + e.entry_id + " visibility disagrees with its removes";
            }
        }
    }
    for (const Playlist* p : s.server().state.PlaylistsVisibleTo("ana")) {
        std::vector<EntryView> entries = p->Entries();
        std::set<std::string> ids;
        for (size_t i = 0; i < entries.size(); ++i) {
            if (!IsValidPositionKey(entries[i].position_key)) return "invalid key";
            if (!ids.insert(entries[i].entry_id).second) return "duplicate entry";
            if (i > 0 && entries[i].position_key < entries[i - 1].position_key) return "unsorted";
        }
    }
    return "";
}

TEST(SyncConvergence, RandomSchedulesConvergeWithoutLossOrDuplicates) {
    const int64_t schedules = EnvInt("TONEARM_CONVERGENCE_SCHEDULES", 500);
    const uint64_t first_seed = static_cast<uint64_t>(EnvInt("TONEARM_CONVERGENCE_SEED", 1));
    size_t total_ops = 0, total_rejected = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < schedules; ++i) {
        const uint64_t seed = first_seed + static_cast<uint64_t>(i);
        Schedule schedule(seed);
        schedule.Run(120);
        const std::string failure = CheckConverged(schedule);
        ASSERT_EQ(failure, "") << "schedule seed " << seed << " (rerun with "
                               << "TONEARM_CONVERGENCE_SEED=" << seed
                               << " TONEARM_CONVERGENCE_SCHEDULES=1)";
        total_ops += schedule.server().log.size();
        total_rejected += schedule.server().rejected.size();
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%lld schedules, %zu accepted ops, %zu rejected, %.0f schedules/s\n",
                static_cast<long long>(schedules), total_ops, total_rejected,
                static_cast<double>(schedules) / seconds);
    // The generator must actually exercise the merge: plenty of accepted ops.
    EXPECT_GT(total_ops, static_cast<size_t>(schedules) * 20);
}

}  // namespace
}  // namespace tonearm::sync
