#include "server-mock/fault_admin.h"

#include <mutex>

#include "core/crypto.h"
#include "core/log.h"
#include "server-mock/http_common.h"

namespace tonearm::server {
namespace {

constexpr const char* kLog = "faults";
constexpr const char* kRoute = "/v1/admin/faults";

struct Admin {
    std::shared_ptr<CdnFaults> faults;
    std::string token;
    std::mutex update_mu;  // makes each PUT's read, patch and write one step
};

// Answers the refusal itself and returns false unless the request may
// administer the faults.
bool Admitted(const httplib::Request& request, const std::string& admin_token,
              httplib::Response& response) {
    if (request.remote_addr != "127.0.0.1") {
        SendJsonError(response, 403, "the fault settings are only open to 127.0.0.1");
        return false;
    }
    const std::string header = request.get_header_value("Authorization");
    const std::string scheme = "Bearer ";
    const bool bearer = header.compare(0, scheme.size(), scheme) == 0;
    if (!bearer || !crypto::ConstantTimeEqual(header.substr(scheme.size()), admin_token)) {
        SendJsonError(response, 401, "missing or wrong admin token (printed by serve at start)");
        return false;
    }
    return true;
}

void Put(const httplib::Request& request, httplib::Response& response, Admin& admin) {
    Result<Json> body = ParseJson(request.body);
    if (!body.ok()) {
        return SendJsonError(response, 400, "malformed JSON body: " + body.error().message);
    }
    // One step, so concurrent PUTs do not lose each other's members.
    std::lock_guard<std::mutex> lock(admin.update_mu);
    FaultSettings settings = admin.faults->Current();
    FaultChanges changes;
    Status applied = ApplyFaultJson(*body, &settings, &changes);
    if (!applied.ok()) return SendJsonError(response, 400, applied.error().message);
    admin.faults->Update(settings, changes);
    LOG_INFO(kLog, "fault settings changed by " << log::Quote(request.remote_addr));
    SendJson(response, FaultReport(*admin.faults));
}

void Clear(httplib::Response& response, Admin& admin) {
    std::lock_guard<std::mutex> lock(admin.update_mu);
    admin.faults->Update(FaultSettings{}, FaultChanges{true, true, true});
    LOG_INFO(kLog, "fault settings cleared");
    SendJson(response, FaultReport(*admin.faults));
}

}  // namespace

Json FaultReport(const CdnFaults& faults) {
    Json report = FaultSettingsToJson(faults.Current());
    const FaultCounters counters = faults.Counters();
    const std::optional<double> rate = faults.link().RateNow();
    report["state"] = Json{
        {"cdn_requests", counters.requests},
        {"injected_errors", counters.injected_errors},
        {"cut_bodies", counters.cut_bodies},
        {"bandwidth_bytes_per_s", rate ? Json(*rate) : Json(nullptr)},
    };
    return report;
}

void RegisterFaultAdminRoutes(ApiServer& api, std::shared_ptr<CdnFaults> faults,
                              std::string admin_token) {
    using httplib::Request;
    using httplib::Response;
    auto admin = std::make_shared<Admin>();
    admin->faults = std::move(faults);
    admin->token = std::move(admin_token);
    api.http().Get(kRoute, [admin](const Request& q, Response& r) {
        if (Admitted(q, admin->token, r)) SendJson(r, FaultReport(*admin->faults));
    });
    api.http().Put(kRoute, [admin](const Request& q, Response& r) {
        if (Admitted(q, admin->token, r)) Put(q, r, *admin);
    });
    api.http().Delete(kRoute, [admin](const Request& q, Response& r) {
        if (Admitted(q, admin->token, r)) Clear(r, *admin);
    });
}

}  // namespace tonearm::server
