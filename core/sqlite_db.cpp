#include "core/sqlite_db.h"

#include <sqlite3.h>

namespace tonearm::sqlite {

Statement::Statement(Database* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db->handle(), sql, -1, &stmt_, nullptr) != SQLITE_OK) {
        status_ = db->LastError(std::string("cannot prepare '") + sql + "'");
    }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Bind(int index, const std::string& value) {
    if (stmt_ != nullptr) {
        sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                          SQLITE_TRANSIENT);
    }
    return *this;
}

Statement& Statement::Bind(int index, int64_t value) {
    if (stmt_ != nullptr) sqlite3_bind_int64(stmt_, index, value);
    return *this;
}

bool Statement::Step() {
    if (!status_.ok()) return false;
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) {
        status_ = db_->LastError(std::string("cannot run '") + sqlite3_sql(stmt_) + "'");
    }
    return false;
}

Status Statement::Run() {
    Step();
    return status_;
}

std::string Statement::Text(int column) const {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    if (text == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(text),
                       static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, int busy_timeout_ms) {
    sqlite3* handle = nullptr;
    const int rc =
        sqlite3_open_v2(path.c_str(), &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    std::unique_ptr<Database> db(new Database(handle));
    if (rc != SQLITE_OK) return db->LastError("cannot open database '" + path + "'");
    sqlite3_busy_timeout(handle, busy_timeout_ms);
    // The outbox must survive power loss, not only a crash: synchronous=FULL.
    Status pragmas =
        db->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
    if (!pragmas) return pragmas.error().Wrap("cannot configure database '" + path + "'");
    return db;
}

Database::~Database() { sqlite3_close(db_); }

Status Database::Exec(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string text = message != nullptr ? message : sqlite3_errmsg(db_);
        sqlite3_free(message);
        return MakeError(ErrorCode::kIo, "SQL failed: " + text + " in '" + sql + "'");
    }
    return Status::Ok();
}

Result<int64_t> Database::UserVersion() {
    Statement query(this, "PRAGMA user_version");
    if (!query.Step())
        return query.status().ok() ? MakeError(ErrorCode::kIo, "no user_version")
                                   : query.status().error();
    return query.Int(0);
}

int64_t Database::Changes() { return sqlite3_changes(db_); }

Error Database::LastError(const std::string& what) {
    const char* message = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
    return MakeError(ErrorCode::kIo, what + ": " + message);
}

Transaction::Transaction(Database* db) : db_(db) {
    status_ = db->Exec("BEGIN IMMEDIATE");
    open_ = status_.ok();
}

Transaction::~Transaction() { Rollback(); }

void Transaction::Rollback() {
    if (open_) (void)db_->Exec("ROLLBACK");
    open_ = false;
}

Status Transaction::Commit() {
    if (!open_) return status_.ok() ? MakeError(ErrorCode::kInternal, "no transaction") : status_;
    Status s = db_->Exec("COMMIT");
    if (s.ok()) open_ = false;
    return s;
}

}  // namespace tonearm::sqlite
