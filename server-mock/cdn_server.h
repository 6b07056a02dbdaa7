// The CDN: serves variant files under signed, expiring URLs with byte ranges.
//
// GET/HEAD /audio/<id>/v<version>/<kbps>.ogg?kid=&exp=&sig= (docs/api.md).
// Refusals are 403 with a plain-text reason; ranges follow RFC 9110 as
// resolved by core/http_range.h. Handlers run on httplib's worker threads.
#pragma once

#include <httplib.h>

#include <memory>

#include "core/url_signing.h"
#include "server-mock/cdn_faults.h"
#include "server-mock/media_store.h"

namespace tonearm::server {

class CdnServer {
public:
    // store must outlive this object; faults is shared with the admin routes.
    CdnServer(MediaStore* store, std::shared_ptr<const UrlSigner> signer,
              std::shared_ptr<CdnFaults> faults);

    // Binds 127.0.0.1:port (0 picks one); returns the port or kIo.
    Result<int> Bind(int port);
    bool Listen() { return http_.listen_after_bind(); }
    // Thread-safe; ends shaped transfers and fault delays at once, then the
    // server. Has no effect on the accept loop before it runs (see running()).
    void Stop() {
        faults_->Shutdown();
        http_.stop();
    }
    bool running() const { return http_.is_running(); }

private:
    void Serve(const httplib::Request& request, httplib::Response& response);
    // Verifies the signed query of path; on refusal fills a 403 and returns false.
    bool CheckSignature(const httplib::Request& request, const std::string& path,
                        httplib::Response& response) const;

    MediaStore* store_;
    std::shared_ptr<const UrlSigner> signer_;
    const std::shared_ptr<CdnFaults> faults_;
    httplib::Server http_;
};

}  // namespace tonearm::server
