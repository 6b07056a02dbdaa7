#include "core/url_signing.h"

#include "core/crypto.h"

namespace tonearm {

UrlSigner::UrlSigner(std::map<std::string, std::string> keys, std::string active_key_id)
    : keys_(std::move(keys)), active_key_id_(std::move(active_key_id)) {}

std::string UrlSigner::Mac(const std::string& key, const std::string& path, int64_t expires,
                           const std::string& key_id) const {
    std::string message = path + "\n" + std::to_string(expires) + "\n" + key_id;
    return crypto::ToHex(crypto::HmacSha256(key, message));
}

std::string UrlSigner::Sign(const std::string& path, int64_t expires_unix) const {
    const std::string& key = keys_.at(active_key_id_);
    return path + "?kid=" + active_key_id_ + "&exp=" + std::to_string(expires_unix) +
           "&sig=" + Mac(key, path, expires_unix, active_key_id_);
}

Status UrlSigner::Verify(const std::string& path, const SignedQuery& query,
                         int64_t now_unix) const {
    auto it = keys_.find(query.key_id);
    if (it == keys_.end()) return MakeError(ErrorCode::kForbidden, "unknown key id", 403);

    // Check the signature before the expiry so a forged expiry learns nothing.
    std::string expected = Mac(it->second, path, query.expires_unix, query.key_id);
    if (!crypto::ConstantTimeEqual(expected, query.signature_hex)) {
        return MakeError(ErrorCode::kForbidden, "bad signature", 403);
    }
    if (now_unix > query.expires_unix) return MakeError(ErrorCode::kForbidden, "url expired", 403);
    return Status::Ok();
}

}  // namespace tonearm
