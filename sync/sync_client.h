// Pushes a replica's outbox to tonearm-server and pulls what it has not seen.
//
// The protocol (docs/sync.md) is one call, POST /v1/sync {ops, cursor} ->
// {acked, rejected, ops, cursor, more, server_time_ms}, repeated until the
// outbox is empty and the server has nothing more, plus a long poll,
// GET /v1/sync/changes?cursor=&wait=, that returns when something changed.
// Every step is idempotent (ops carry ids, the cursor only advances after a
// committed merge), so a sync may be interrupted anywhere and simply re-run.
//
// Use a SyncClient from one thread at a time; the Replica may be edited
// concurrently from other threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/http_client.h"
#include "core/result.h"
#include "sync/model/hlc.h"
#include "sync/replica.h"

namespace tonearm::sync {

struct SyncOptions {
    std::string base_url;     // API base, e.g. "http://127.0.0.1:8080"
    std::string token;        // bearer token of the signed-in user
    size_t batch_size = 200;  // ops per push
    int max_attempts = 4;     // per request, for network errors and 5xx
    int backoff_ms = 200;     // first retry delay; doubles each attempt
    long timeout_ms = 15000;  // per request (long polls add their wait)
    int max_rounds = 1000;    // guard against a server that never settles
};

struct RejectedOp {
    std::string op_id;
    std::string error;
};

struct SyncReport {
    size_t pushed = 0;  // ops sent (retries of the same op count once per round)
    size_t acked = 0;
    size_t pulled = 0;  // ops received from the server
    int rounds = 0;
    std::vector<RejectedOp> rejected;
};

class SyncClient {
public:
    // replica must outlive the client.
    SyncClient(Replica* replica, SyncOptions options);

    // Pushes the whole outbox in batches and pulls until the server has no
    // more. Fails with kUnauthorized / kForbidden on 401 / 403, kNetwork
    // after max_attempts, kProtocol for an answer that breaks the contract;
    // whatever was merged before a failure stays merged.
    Result<SyncReport> Sync();

    // Long poll: returns true once the server reports changes after the
    // replica's cursor, false if wait_seconds passed without any.
    Result<bool> WaitForChanges(int wait_seconds);

    // Aborts a request in progress soon after *flag becomes true.
    void SetCancelFlag(const std::atomic<bool>* flag) { http_.SetCancelFlag(flag); }

private:
    Result<Json> Call(const HttpRequest& request);
    Result<Json> PostRound(const std::vector<Op>& batch);
    Status MergeAnswer(const Json& answer, SyncReport* report, bool* more);

    Replica* replica_;
    SyncOptions options_;
    HttpClient http_;
};

}  // namespace tonearm::sync
