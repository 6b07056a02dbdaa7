// Playlist sync figures, each at size N and 2N with the ratio:
//   - initial sync: a fresh device pulls P playlists of E entries (one op per
//     added track, as a listener builds them) from the real tonearm-server
//     over loopback, into a real SQLite replica;
//   - bytes on the wire per operation (HTTP bodies) for that push and pull;
//   - merge: K operations (adds, moves, removes, renames from three devices,
//     shuffled) applied to the pure model.
//
//   sync_bench [--playlists P] [--entries E] [--ops K] [--smoke]
//
// Defaults P=1000, E=100, K=100000; --smoke runs 10 x 10 and 2000 ops.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "core/api_client.h"
#include "core/http_client.h"
#include "core/wire.h"
#include "sync/model/sync_state.h"
#include "sync/replica.h"
#include "sync/sync_client.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

using namespace tonearm;

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// P playlists, each built by E single-track adds.
std::vector<sync::Op> ListenerOps(int playlists, int entries, const std::string& user) {
    sync::HybridClock clock("benchdevice");
    sync::PositionKeyGenerator keys(7);
    const int64_t now = sync::SystemWallMs();
    std::vector<sync::Op> ops;
    for (int p = 0; p < playlists; ++p) {
        sync::Op create = sync::StartOp(sync::OpKind::kCreatePlaylist, user, &clock, now);
        create.playlist_id = "pl-" + create.id;
        create.name = "Playlist " + std::to_string(p);
        ops.push_back(create);
        std::string last;
        for (int e = 0; e < entries; ++e) {
            sync::Op add = sync::StartOp(sync::OpKind::kAddEntries, user, &clock, now);
            add.playlist_id = create.playlist_id;
            last = *keys.Between(last, "");
            add.entries.push_back({sync::EntryIdFor(add, 0), "track-" + std::to_string(e), last});
            ops.push_back(std::move(add));
        }
    }
    return ops;
}

struct WireFigures {
    double push_seconds = 0, pull_seconds = 0;
    double raw_pull_seconds = 0;  // the server's part: the same pull without a replica
    double push_bytes_per_op = 0, pull_bytes_per_op = 0;
    int rounds = 0;
    size_t ops = 0;
};

Result<HttpResponse> PostSync(HttpClient& http, const std::string& url, const std::string& token,
                              const Json& body) {
    HttpRequest request;
    request.method = "POST";
    request.url = url + "/v1/sync";
    request.headers = {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
    request.body = body.dump();
    request.timeout_ms = 120000;
    return http.Perform(request);
}

// Pushes ops in batches of 500 (the server's limit); counts request bytes.
Status PushAll(const std::string& url, const std::string& token, const std::vector<sync::Op>& ops,
               WireFigures* figures) {
    HttpClient http;
    const auto start = Clock::now();
    size_t bytes = 0;
    std::string cursor;  // follows the log so answers stay small
    for (size_t at = 0; at < ops.size(); at += 500) {
        Json batch = Json::array();
        for (size_t i = at; i < std::min(ops.size(), at + 500); ++i)
            batch.push_back(sync::ToJson(ops[i]));
        const Json body{{"ops", std::move(batch)}, {"cursor", cursor}};
        bytes += body.dump().size();
        Result<HttpResponse> answer = PostSync(http, url, token, body);
        if (!answer.ok()) return answer.error();
        if (answer->status != 200) return MakeError(ErrorCode::kProtocol, answer->body);
        Result<Json> json = ParseJson(answer->body);
        if (!json.ok()) return json.error();
        cursor = (*json)["cursor"];
    }
    figures->push_seconds = SecondsSince(start);
    figures->push_bytes_per_op = static_cast<double>(bytes) / static_cast<double>(ops.size());
    return Status::Ok();
}

// Pulls everything with empty pushes, as a fresh device does; counts answer bytes.
Status MeasurePullBytes(const std::string& url, const std::string& token, WireFigures* figures) {
    HttpClient http;
    std::string cursor;
    size_t bytes = 0, ops = 0;
    const auto start = Clock::now();
    for (bool more = true; more;) {
        Result<HttpResponse> answer =
            PostSync(http, url, token, Json{{"ops", Json::array()}, {"cursor", cursor}});
        if (!answer.ok()) return answer.error();
        Result<Json> json = ParseJson(answer->body);
        if (!json.ok()) return json.error();
        bytes += answer->body.size();
        ops += (*json)["ops"].size();
        cursor = (*json)["cursor"];
        more = (*json)["more"];
    }
    figures->pull_bytes_per_op = static_cast<double>(bytes) / static_cast<double>(ops);
    figures->raw_pull_seconds = SecondsSince(start);
    return Status::Ok();
}

// Server with P x E playlists; then a fresh replica's first sync.
Result<WireFigures> InitialSync(int playlists, int entries) {
    testing::TempDir dir;
    auto server = testing::ServerProcess::Start(dir.Join("data"));
    if (!server.ok()) return server.error();
    const std::string url = (*server)->api_url();
    ApiClient api(url);
    Result<LoginResult> login = api.Login("demo", "demo");
    if (!login.ok()) return login.error();

    WireFigures figures;
    const std::vector<sync::Op> ops = ListenerOps(playlists, entries, "demo");
    Status pushed = PushAll(url, login->token, ops, &figures);
    if (!pushed) return pushed.error();
    Status measured = MeasurePullBytes(url, login->token, &figures);
    if (!measured) return measured.error();

    Result<std::unique_ptr<sync::Replica>> replica =
        sync::Replica::Open({dir.Join("replica.db"), "demo"});
    if (!replica.ok()) return replica.error();
    sync::SyncClient client(replica->get(), {url, login->token});
    const auto start = Clock::now();
    Result<sync::SyncReport> report = client.Sync();
    if (!report.ok()) return report.error();
    figures.pull_seconds = SecondsSince(start);
    figures.rounds = report->rounds;
    figures.ops = report->pulled;
    if (report->pulled != ops.size()) {
        return MakeError(ErrorCode::kProtocol, "pulled " + std::to_string(report->pulled) + " of " +
                                                   std::to_string(ops.size()) + " ops");
    }
    return figures;
}

// count ops from three devices over 100 playlists, shuffled; then the time
// to merge them into one state, in seconds.
double MergeSeconds(size_t count) {
    std::mt19937_64 rng(42);
    std::vector<sync::HybridClock> clocks = {sync::HybridClock("a"), sync::HybridClock("b"),
                                             sync::HybridClock("c")};
    sync::PositionKeyGenerator keys(3);
    std::vector<sync::Op> ops;
    std::vector<std::vector<std::string>> entries(100);
    int64_t ms = 1'760'000'000'000;
    for (size_t p = 0; p < 100; ++p) {
        sync::Op c = sync::StartOp(sync::OpKind::kCreatePlaylist, "u", &clocks[0], ms);
        c.playlist_id = "p" + std::to_string(p);
        ops.push_back(c);
    }
    while (ops.size() < count) {
        const size_t p = rng() % 100;
        sync::Op op = sync::StartOp(sync::OpKind::kAddEntries, "u", &clocks[rng() % 3], ms += 3);
        op.playlist_id = "p" + std::to_string(p);
        const int kind = static_cast<int>(rng() % 10);
        if (kind < 6 || entries[p].empty()) {
            op.entries.push_back({sync::EntryIdFor(op, 0), "t", *keys.Between("", "")});
            entries[p].push_back(op.entries[0].entry_id);
        } else {
            op.kind = kind < 8 ? sync::OpKind::kMoveEntry
                               : (kind == 8 ? sync::OpKind::kRemoveEntry : sync::OpKind::kRename);
            op.entry_id = entries[p][rng() % entries[p].size()];
            op.position_key = *keys.Between("", "");
            op.name = "n";
        }
        ops.push_back(std::move(op));
    }
    std::shuffle(ops.begin(), ops.end(), rng);
    const auto start = Clock::now();
    sync::SyncState state;
    for (const sync::Op& op : ops)
        state.Apply(op);
    return SecondsSince(start);
}

}  // namespace

int main(int argc, char** argv) {
    int playlists = 1000, entries = 100;
    size_t merge_ops = 100000;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--smoke") playlists = 10, entries = 10, merge_ops = 2000;
        if (arg == "--playlists" && i + 1 < argc) playlists = std::stoi(argv[++i]);
        if (arg == "--entries" && i + 1 < argc) entries = std::stoi(argv[++i]);
        if (arg == "--ops" && i + 1 < argc) merge_ops = std::stoul(argv[++i]);
    }

    WireFigures at[2];
    for (int k = 0; k < 2; ++k) {
        const int p = playlists * (k + 1);
        Result<WireFigures> figures = InitialSync(p, entries);
        if (!figures.ok()) {
            std::fprintf(stderr, "sync_bench: %s\n", figures.error().message.c_str());
            return 1;
        }
        at[k] = *figures;
        std::printf(
            "initial sync %d x %d: %zu ops in %.2f s (%d rounds, %.0f ops/s); "
            "server alone %.2f s; push took %.2f s; wire: %.0f B/op pushed, %.0f B/op pulled\n",
            p, entries, at[k].ops, at[k].pull_seconds, at[k].rounds,
            static_cast<double>(at[k].ops) / at[k].pull_seconds, at[k].raw_pull_seconds,
            at[k].push_seconds, at[k].push_bytes_per_op, at[k].pull_bytes_per_op);
    }
    std::printf("doubling the playlists: initial sync x%.2f, bytes/op pulled x%.2f\n",
                at[1].pull_seconds / at[0].pull_seconds,
                at[1].pull_bytes_per_op / at[0].pull_bytes_per_op);

    double merge[2];
    for (int k = 0; k < 2; ++k) {  // best of three, the first run warms up
        merge[k] = MergeSeconds(merge_ops * (k + 1));
        for (int run = 0; run < 2; ++run)
            merge[k] = std::min(merge[k], MergeSeconds(merge_ops * (k + 1)));
    }
    for (int k = 0; k < 2; ++k) {
        const size_t n = merge_ops * (k + 1);
        std::printf("merge %zu ops: %.3f s (%.0f ops/s)\n", n, merge[k],
                    static_cast<double>(n) / merge[k]);
    }
    std::printf("doubling the ops: merge x%.2f\n", merge[1] / merge[0]);
    return 0;
}
