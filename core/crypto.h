// Hashing, MACs and random tokens on top of OpenSSL. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tonearm::crypto {

// Lower-case hex encoding of raw bytes.
std::string ToHex(std::string_view bytes);

// SHA-256 of the bytes, as 64 lower-case hex characters.
std::string Sha256Hex(std::string_view bytes);

// Incremental SHA-256 for data that does not fit in one buffer.
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    void Update(const void* data, size_t size);
    std::string FinishHex();  // the object must not be updated afterwards

private:
    void* ctx_;  // EVP_MD_CTX*
};

// HMAC-SHA256 of message under key, as raw 32 bytes.
std::string HmacSha256(std::string_view key, std::string_view message);

// Compares two strings in time that depends only on their lengths.
bool ConstantTimeEqual(std::string_view a, std::string_view b);

// Cryptographically random bytes, hex encoded (2 * byte_count characters).
std::string RandomHex(size_t byte_count);

// PBKDF2-HMAC-SHA256 of password with salt, hex encoded (32 bytes).
std::string Pbkdf2Hex(std::string_view password, std::string_view salt, int iterations);

}  // namespace tonearm::crypto
