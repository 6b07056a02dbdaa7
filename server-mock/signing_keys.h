// The CDN URL signing keys of a data folder: DATA/keys.json.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "core/url_signing.h"

namespace tonearm::server {

// Loads DATA/keys.json ({"active": "k1", "keys": {"k1": "<64 hex>"}}) or, on
// first start, creates it with one random 256-bit key "k1" (mode 0600).
// Older keys stay listed so URLs they signed verify until they expire; a
// rotation adds a key and changes "active". Fails with kIo or kCorrupt.
Result<std::shared_ptr<const UrlSigner>> LoadOrCreateSigningKeys(const std::string& data_dir);

}  // namespace tonearm::server
