#include "server-mock/sqlite_statement.h"

namespace tonearm::server {

Statement::Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) {
        status_ =
            MakeError(ErrorCode::kIo, std::string("cannot prepare SQL: ") + sqlite3_errmsg(db));
    }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Bind(int index, const std::string& value) {
    if (stmt_)
        sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                          SQLITE_TRANSIENT);
    return *this;
}

Statement& Statement::Bind(int index, int64_t value) {
    if (stmt_) sqlite3_bind_int64(stmt_, index, value);
    return *this;
}

bool Statement::Step() {
    if (!status_.ok()) return false;
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) {
        status_ = MakeError(ErrorCode::kIo, std::string("SQL step failed: ") + sqlite3_errmsg(db_));
    }
    return false;
}

Status Statement::Run() {
    while (Step()) {
    }
    return status_;
}

std::string Statement::Text(int column) const {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    int size = sqlite3_column_bytes(stmt_, column);
    return text ? std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size)) : "";
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

Status Exec(sqlite3* db, const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
        std::string text = message ? message : "unknown error";
        sqlite3_free(message);
        return MakeError(ErrorCode::kIo, "SQL failed (" + text + "): " + sql);
    }
    return Status::Ok();
}

}  // namespace tonearm::server
