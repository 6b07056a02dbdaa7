// Error values for the engine layers (core, player, sync, server-mock).
//
// Engines do not throw across their public interfaces: a fallible call
// returns Result<T> (a value or an Error) and callers add context as the
// error rises ("cannot fetch manifest: HTTP 403 ..."). See docs/errors.md.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace tonearm {

enum class ErrorCode {
    kInvalidArgument,  // the caller passed something malformed
    kNotFound,
    kUnauthorized,  // missing or bad credentials / token (HTTP 401)
    kForbidden,     // signature, expiry or permission refused (HTTP 403)
    kNetwork,       // could not connect, reset, timeout
    kProtocol,      // the peer answered something that breaks the contract
    kCorrupt,       // bytes that fail to parse or to verify
    kIo,            // local file or database failure
    kUnsupported,
    kCancelled,
    kInternal,
};

const char* ErrorCodeName(ErrorCode code);

struct Error {
    ErrorCode code = ErrorCode::kInternal;
    std::string message;
    int http_status = 0;  // set when the error came from an HTTP answer

    // Returns a copy whose message is "context: message".
    Error Wrap(const std::string& context) const {
        Error e = *this;
        e.message = context + ": " + message;
        return e;
    }
};

inline Error MakeError(ErrorCode code, std::string message, int http_status = 0) {
    return Error{code, std::move(message), http_status};
}

// A value of T or an Error. Access value() only after checking ok().
template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
    Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T* operator->() { return &std::get<0>(v_); }
    const T* operator->() const { return &std::get<0>(v_); }
    T& operator*() & { return std::get<0>(v_); }
    const T& operator*() const& { return std::get<0>(v_); }

    const Error& error() const { return std::get<1>(v_); }

private:
    std::variant<T, Error> v_;
};

// Result for calls that return nothing on success.
class [[nodiscard]] Status {
public:
    Status() = default;
    Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

    static Status Ok() { return Status(); }
    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const Error& error() const { return error_; }

private:
    Error error_;
    bool ok_ = true;
};

}  // namespace tonearm
