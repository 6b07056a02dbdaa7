#include "sync/sync_client.h"

#include <chrono>
#include <random>
#include <thread>
#include <utility>

#include "core/log.h"
#include "core/wire.h"

namespace tonearm::sync {
namespace {

constexpr const char* kLog = "sync";

bool Retryable(const Error& e) {
    return e.code == ErrorCode::kNetwork || e.http_status >= 500 || e.http_status == 429;
}

Error StatusError(const HttpResponse& response) {
    std::string message = "HTTP " + std::to_string(response.status);
    Result<Json> body = ParseJson(response.body);
    if (body.ok() && body->is_object()) {
        auto it = body->find("error");
        if (it != body->end() && it->is_string()) message += ": " + it->get<std::string>();
    }
    ErrorCode code = ErrorCode::kProtocol;
    if (response.status == 401) code = ErrorCode::kUnauthorized;
    if (response.status == 403) code = ErrorCode::kForbidden;
    if (response.status == 404) code = ErrorCode::kNotFound;
    if (response.status >= 500 || response.status == 429) code = ErrorCode::kNetwork;
    return MakeError(code, message, response.status);
}

Result<std::vector<std::string>> StringList(const Json& answer, const char* key) {
    auto it = answer.find(key);
    if (it == answer.end() || !it->is_array()) {
        return MakeError(ErrorCode::kProtocol, std::string("answer lacks '") + key + "'");
    }
    std::vector<std::string> items;
    for (const Json& item : *it) {
        if (!item.is_string()) return MakeError(ErrorCode::kProtocol, "non-string op id");
        items.push_back(item.get<std::string>());
    }
    return items;
}

// json[key] when it is a string, otherwise fallback; never throws.
std::string StringOr(const Json& json, const char* key, const std::string& fallback) {
    auto it = json.find(key);
    return it != json.end() && it->is_string() ? it->get<std::string>() : fallback;
}

bool BoolOr(const Json& json, const char* key, bool fallback) {
    auto it = json.find(key);
    return it != json.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

}  // namespace

SyncClient::SyncClient(Replica* replica, SyncOptions options)
    : replica_(replica), options_(std::move(options)) {}

Result<Json> SyncClient::Call(const HttpRequest& request) {
    std::mt19937 jitter(std::random_device{}());
    int delay_ms = options_.backoff_ms;
    for (int attempt = 1;; ++attempt) {
        Result<HttpResponse> response = http_.Perform(request);
        Error error = response.ok() ? Error{} : response.error();
        if (response.ok() && response->status == 200) {
            Result<Json> json = ParseJson(response->body);
            if (json.ok() && json->is_object()) return json;
            return MakeError(ErrorCode::kProtocol, "sync answer is not a JSON object");
        }
        if (response.ok()) error = StatusError(*response);
        if (!Retryable(error) || attempt >= options_.max_attempts) {
            return error.Wrap(request.method + " " + request.url);
        }
        LOG_INFO(kLog, "sync request failed (" << error.message << "), retry " << attempt);
        const int wait = delay_ms + std::uniform_int_distribution<int>(0, delay_ms / 2)(jitter);
        std::this_thread::sleep_for(std::chrono::milliseconds(wait));
        delay_ms *= 2;
    }
}

Result<Json> SyncClient::PostRound(const std::vector<Op>& batch) {
    Json ops = Json::array();
    for (const Op& op : batch)
        ops.push_back(ToJson(op));
    HttpRequest request;
    request.method = "POST";
    request.url = JoinUrl(options_.base_url, "/v1/sync");
    request.headers = {{"Authorization", "Bearer " + options_.token},
                       {"Content-Type", "application/json"}};
    request.body = Json{{"ops", std::move(ops)}, {"cursor", replica_->cursor()}}.dump();
    request.timeout_ms = options_.timeout_ms;
    return Call(request);
}

Status SyncClient::MergeAnswer(const Json& answer, SyncReport* report, bool* more) {
    Result<std::vector<std::string>> acked = StringList(answer, "acked");
    if (!acked.ok()) return acked.error();
    std::vector<std::string> rejected_ids;
    auto rejected = answer.find("rejected");
    if (rejected != answer.end() && rejected->is_array()) {
        for (const Json& item : *rejected) {
            if (!item.is_object() || !item.contains("op") || !item["op"].is_string()) {
                return MakeError(ErrorCode::kProtocol, "malformed rejected entry");
            }
            rejected_ids.push_back(item["op"].get<std::string>());
            report->rejected.push_back({rejected_ids.back(), StringOr(item, "error", "rejected")});
        }
    }
    Status pushed = replica_->ApplyPushAnswer(*acked, rejected_ids);
    if (!pushed) return pushed;
    report->acked += acked->size();

    std::vector<Op> ops;
    auto pulled = answer.find("ops");
    if (pulled == answer.end() || !pulled->is_array()) {
        return MakeError(ErrorCode::kProtocol, "answer lacks 'ops'");
    }
    for (const Json& item : *pulled) {
        Result<Op> op = OpFromJson(item);
        if (!op.ok()) return op.error().Wrap("pulled op");
        ops.push_back(std::move(*op));
    }
    auto cursor = answer.find("cursor");
    if (cursor == answer.end() || !cursor->is_string()) {
        return MakeError(ErrorCode::kProtocol, "answer lacks 'cursor'");
    }
    Status merged = replica_->ApplyRemote(ops, cursor->get<std::string>());
    if (!merged) return merged;
    report->pulled += ops.size();
    *more = BoolOr(answer, "more", false);
    return Status::Ok();
}

Result<SyncReport> SyncClient::Sync() {
    SyncReport report;
    for (bool more = true; report.rounds < options_.max_rounds;) {
        Result<std::vector<Op>> batch = replica_->PendingOps(options_.batch_size);
        if (!batch.ok()) return batch.error().Wrap("cannot read outbox");
        if (batch->empty() && !more) return report;

        const int64_t sent_at = replica_->WallMs();
        Result<Json> answer = PostRound(*batch);
        if (!answer.ok()) return answer.error().Wrap("sync failed");
        ++report.rounds;
        report.pushed += batch->size();

        auto server_time = answer->find("server_time_ms");
        if (server_time != answer->end() && server_time->is_number_integer()) {
            const int64_t midpoint = (sent_at + replica_->WallMs()) / 2;
            (void)replica_->SetClockOffset(server_time->get<int64_t>() - midpoint);
        }
        Status merged = MergeAnswer(*answer, &report, &more);
        if (!merged) return merged.error().Wrap("cannot merge sync answer");
    }
    return MakeError(ErrorCode::kProtocol,
                     "server still had changes after " + std::to_string(report.rounds) + " rounds");
}

Result<bool> SyncClient::WaitForChanges(int wait_seconds) {
    HttpRequest request;
    request.url =
        JoinUrl(options_.base_url, "/v1/sync/changes?cursor=" + UrlEncode(replica_->cursor()) +
                                       "&wait=" + std::to_string(wait_seconds));
    request.headers = {{"Authorization", "Bearer " + options_.token}};
    request.timeout_ms = options_.timeout_ms + wait_seconds * 1000L;
    Result<Json> answer = Call(request);
    if (!answer.ok()) return answer.error();
    return BoolOr(*answer, "changed", false);
}

}  // namespace tonearm::sync
