// ServerDatabase: users and session tokens.
#include <ctime>

#include "core/crypto.h"
#include "server-mock/server_db.h"

namespace tonearm::server {

using sqlite::Statement;
namespace {

constexpr int kPasswordIterations = 100000;

int64_t NowUnix() { return static_cast<int64_t>(std::time(nullptr)); }

AuthUser MakeUser(const std::string& name, const std::string& tier_name) {
    return AuthUser{name, TierFromName(tier_name).value_or(Tier::kFree)};
}

}  // namespace

Status ServerDatabase::CreateUser(const std::string& name, const std::string& password, Tier tier) {
    std::string salt = crypto::RandomHex(16);
    std::string hash = crypto::Pbkdf2Hex(password, salt, kPasswordIterations);
    std::lock_guard<std::mutex> lock(mu_);
    Statement s(db_.get(),
                "INSERT INTO users (name, tier, salt, password_hash, iterations, created_at) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (name) DO NOTHING");
    s.Bind(1, name).Bind(2, std::string(TierName(tier))).Bind(3, salt).Bind(4, hash);
    Status status = s.Bind(5, int64_t{kPasswordIterations}).Bind(6, NowUnix()).Run();
    if (!status.ok()) return status;
    if (db_->Changes() == 0) {
        return MakeError(ErrorCode::kInvalidArgument, "user " + name + " already exists");
    }
    return Status::Ok();
}

Result<bool> ServerDatabase::UserExists(const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    Statement s(db_.get(), "SELECT 1 FROM users WHERE name = ?1");
    s.Bind(1, name);
    bool found = s.Step();
    if (!s.status().ok()) return s.status().error();
    return found;
}

Result<std::optional<AuthUser>> ServerDatabase::CheckPassword(const std::string& name,
                                                              const std::string& password) {
    std::string tier, salt, hash;
    int64_t iterations = 0;
    {
        std::lock_guard<std::mutex> lock(mu_);
        Statement s(db_.get(),
                    "SELECT tier, salt, password_hash, iterations FROM users WHERE name = ?1");
        s.Bind(1, name);
        if (!s.Step()) {
            if (!s.status().ok()) return s.status().error();
            return std::optional<AuthUser>();
        }
        tier = s.Text(0);
        salt = s.Text(1);
        hash = s.Text(2);
        iterations = s.Int(3);
    }
    std::string computed = crypto::Pbkdf2Hex(password, salt, static_cast<int>(iterations));
    if (!crypto::ConstantTimeEqual(computed, hash)) return std::optional<AuthUser>();
    return std::optional<AuthUser>(MakeUser(name, tier));
}

Status ServerDatabase::StoreToken(const std::string& token, const std::string& user,
                                  int64_t expires_unix) {
    std::lock_guard<std::mutex> lock(mu_);
    // Expired tokens are dropped as new ones are issued, so the table stays small.
    Statement prune(db_.get(), "DELETE FROM tokens WHERE expires_at <= ?1");
    Status pruned = prune.Bind(1, NowUnix()).Run();
    if (!pruned.ok()) return pruned;
    Statement s(db_.get(),
                "INSERT INTO tokens (token_sha256, user, created_at, expires_at) "
                "VALUES (?1, ?2, ?3, ?4)");
    s.Bind(1, crypto::Sha256Hex(token)).Bind(2, user).Bind(3, NowUnix()).Bind(4, expires_unix);
    return s.Run();
}

Result<std::optional<AuthUser>> ServerDatabase::UserForToken(const std::string& token,
                                                             int64_t now_unix) {
    std::lock_guard<std::mutex> lock(mu_);
    Statement s(db_.get(),
                "SELECT u.name, u.tier FROM tokens t JOIN users u ON u.name = t.user "
                "WHERE t.token_sha256 = ?1 AND t.expires_at > ?2");
    s.Bind(1, crypto::Sha256Hex(token)).Bind(2, now_unix);
    if (s.Step()) return std::optional<AuthUser>(MakeUser(s.Text(0), s.Text(1)));
    if (!s.status().ok()) return s.status().error();
    return std::optional<AuthUser>();
}

}  // namespace tonearm::server
