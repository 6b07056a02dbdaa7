// Signed, expiring CDN URLs.
//
// A signed URL is "<path>?kid=<key id>&exp=<unix seconds>&sig=<hex>", where
// sig = HMAC-SHA256(key[kid], "<path>\n<exp>\n<kid>"). The signature binds
// the path, the expiry and the key id, so changing any of them invalidates it.
// Verification compares in constant time. Objects are immutable after
// construction and safe to share between threads.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/result.h"

namespace tonearm {

struct SignedQuery {
    std::string key_id;
    int64_t expires_unix = 0;
    std::string signature_hex;
};

class UrlSigner {
public:
    // keys: key id -> secret. active_key_id must be one of them.
    UrlSigner(std::map<std::string, std::string> keys, std::string active_key_id);

    // Returns "path?kid=..&exp=..&sig=.." signed with the active key.
    std::string Sign(const std::string& path, int64_t expires_unix) const;

    // Checks a request for path with the given query at time now_unix.
    // Fails with kForbidden and a reason: unknown key id, bad signature, expired.
    Status Verify(const std::string& path, const SignedQuery& query, int64_t now_unix) const;

private:
    std::string Mac(const std::string& key, const std::string& path, int64_t expires,
                    const std::string& key_id) const;

    std::map<std::string, std::string> keys_;
    std::string active_key_id_;
};

}  // namespace tonearm
