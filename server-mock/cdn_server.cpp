#include "server-mock/cdn_server.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <ctime>

#include "core/http_range.h"
#include "core/log.h"
#include "server-mock/http_common.h"

namespace tonearm::server {
namespace {

constexpr const char* kLog = "cdn";
constexpr size_t kChunkBytes = 64 * 1024;

void SendText(httplib::Response& response, int status, const std::string& text) {
    response.status = status;
    response.set_content(text + "\n", "text/plain; charset=utf-8");
}

// An open variant file shared by the content provider of one response.
struct OpenFile {
    explicit OpenFile(int descriptor) : fd(descriptor) {}
    ~OpenFile() { close(fd); }
    OpenFile(const OpenFile&) = delete;
    OpenFile& operator=(const OpenFile&) = delete;
    const int fd;
};

// Streams [first, first + length) of file in chunks paced by the faults'
// shaped link; httplib calls this with offsets relative to the start of the
// body it announced. When cut >= 0 the body ends there and the connection
// closes, as an injected reset. faults outlives every transfer (Stop()).
void ProvideRange(httplib::Response& response, std::shared_ptr<OpenFile> file, int64_t first,
                  int64_t length, CdnFaults* faults, int64_t cut) {
    response.set_content_provider(
        static_cast<size_t>(length), "audio/ogg",
        [file, first, faults, cut](size_t offset, size_t remaining, httplib::DataSink& sink) {
            if (cut >= 0 && static_cast<int64_t>(offset) >= cut) {
                faults->NoteCutBody();
                return false;
            }
            char buffer[kChunkBytes];
            size_t want = faults->link().ChunkBytes(std::min(remaining, sizeof buffer));
            if (cut >= 0) want = std::min(want, static_cast<size_t>(cut) - offset);
            if (!faults->link().Acquire(want)) return false;
            ssize_t got = pread(file->fd, buffer, want,
                                static_cast<off_t>(first) + static_cast<off_t>(offset));
            if (got <= 0) return false;
            return sink.write(buffer, static_cast<size_t>(got));
        });
}

}  // namespace

CdnServer::CdnServer(MediaStore* store, std::shared_ptr<const UrlSigner> signer,
                     std::shared_ptr<CdnFaults> faults)
    : store_(store), signer_(std::move(signer)), faults_(std::move(faults)) {
    ConfigureHttpServer(http_);
    http_.set_error_handler(httplib::Server::HandlerWithResponse(
        [](const httplib::Request&, httplib::Response& response) {
            if (!response.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
            SendText(response, response.status, response.status == 404 ? "not found" : "refused");
            return httplib::Server::HandlerResponse::Handled;
        }));
    http_.Get("/audio/.*",
              [this](const httplib::Request& q, httplib::Response& r) { Serve(q, r); });
}

Result<int> CdnServer::Bind(int port) {
    int bound = port == 0 ? http_.bind_to_any_port("127.0.0.1")
                          : (http_.bind_to_port("127.0.0.1", port) ? port : -1);
    if (bound <= 0) {
        return MakeError(ErrorCode::kIo,
                         "cannot bind the CDN to 127.0.0.1:" + std::to_string(port));
    }
    return bound;
}

bool CdnServer::CheckSignature(const httplib::Request& request, const std::string& path,
                               httplib::Response& response) const {
    if (!request.has_param("kid") || !request.has_param("exp") || !request.has_param("sig")) {
        SendText(response, 403, "missing signature");
        return false;
    }
    SignedQuery query;
    query.key_id = request.get_param_value("kid");
    query.signature_hex = request.get_param_value("sig");
    const std::string exp = request.get_param_value("exp");
    auto [ptr, ec] = std::from_chars(exp.data(), exp.data() + exp.size(), query.expires_unix);
    if (ec != std::errc() || ptr != exp.data() + exp.size()) {
        SendText(response, 403, "malformed expiry");
        return false;
    }
    const auto now = static_cast<int64_t>(std::time(nullptr));
    Status verified = signer_->Verify(path, query, now);
    if (!verified.ok()) {
        SendText(response, 403, verified.error().message);
        return false;
    }
    if (faults_->UrlCountsAsExpired(query.expires_unix, now)) {
        SendText(response, 403, "url expired");  // forced early expiry
        return false;
    }
    return true;
}

void CdnServer::Serve(const httplib::Request& request, httplib::Response& response) {
    TakeOverRangeHandling(request);
    FaultAction fault = faults_->Decide();
    if (fault.delay.count() > 0 && !faults_->Sleep(fault.delay)) {
        return SendText(response, 503, "server stopping");
    }
    if (fault.fail_status != 0) return SendText(response, fault.fail_status, "injected failure");

    std::optional<VariantLocation> where = MediaStore::ParseUrlPath(request.path);
    if (!where) return SendText(response, 404, "not found");
    if (!CheckSignature(request, request.path, response)) return;
    auto stored = store_->LoadManifest(where->track_id, where->version);
    const Variant* variant = stored.ok() ? (*stored)->manifest.FindVariant(where->kbps) : nullptr;
    if (variant == nullptr) return SendText(response, 404, "not found");

    const std::string file_path = store_->VariantPath(*where);
    int fd = open(file_path.c_str(), O_RDONLY | O_CLOEXEC);
    auto file = std::make_shared<OpenFile>(fd);
    struct stat info {};
    if (fd < 0 || fstat(fd, &info) != 0 || info.st_size != variant->size) {
        LOG_ERROR(kLog, "variant file " << log::Quote(file_path) << " is missing or changed");
        return SendText(response, 500, "variant file unavailable");
    }

    const std::string etag = "\"" + variant->sha256 + "\"";
    const int64_t size = variant->size;
    response.set_header("Accept-Ranges", "bytes");
    response.set_header("ETag", etag);
    response.set_header("Cache-Control", "private, max-age=31536000, immutable");

    ByteRange range{0, size - 1};
    bool partial = false;
    bool if_range_holds =
        !request.has_header("If-Range") || request.get_header_value("If-Range") == etag;
    if (request.has_header("Range") && if_range_holds) {
        switch (ResolveRangeHeader(request.get_header_value("Range"), size, &range)) {
            case RangeParse::kNone: range = {0, size - 1}; break;
            case RangeParse::kSatisfiable: partial = true; break;
            case RangeParse::kUnsatisfiable:
                response.set_header("Content-Range", "bytes */" + std::to_string(size));
                return SendText(response, 416, "range not satisfiable");
        }
    }
    response.status = partial ? 206 : 200;
    if (partial) {
        response.set_header("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                                 std::to_string(range.last) + "/" +
                                                 std::to_string(size));
    }
    ProvideRange(response, std::move(file), range.first, range.Length(), faults_.get(),
                 fault.CutPoint(range.Length()));
}

}  // namespace tonearm::server
