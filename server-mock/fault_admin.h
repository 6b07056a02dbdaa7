// GET / PUT / DELETE /v1/admin/faults: the CDN's fault settings at run time
// (docs/api.md, "Fault injection and network shaping").
//
// Only a request from 127.0.0.1 that carries "Authorization: Bearer
// <admin token>" reaches the settings: another peer gets 403, a missing or
// wrong token 401 (compared in constant time). The admin token is not a user
// token; `serve` prints it at start-up. Handlers run on the API's workers.
#pragma once

#include <memory>
#include <string>

#include "server-mock/api_server.h"
#include "server-mock/cdn_faults.h"

namespace tonearm::server {

// Registers the routes on api.http(); call before api listens. faults is
// shared with the CDN; admin_token must not be empty.
void RegisterFaultAdminRoutes(ApiServer& api, std::shared_ptr<CdnFaults> faults,
                              std::string admin_token);

// The settings and counters as GET answers them: the settings object plus a
// read-only "state" member (see docs/api.md).
Json FaultReport(const CdnFaults& faults);

}  // namespace tonearm::server
