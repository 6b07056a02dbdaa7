// A small RAII layer over SQLite shared by every store of the project (the
// playlist replica, the audio cache index, the server's databases): one
// connection, prepared statements and immediate transactions.
//
// Use a Database from one thread at a time (the owner's lock guards it).
// Every failure is a kIo Error carrying SQLite's message and the SQL.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace tonearm::sqlite {

class Database;

// One prepared statement. Bind indexes start at 1, column indexes at 0.
class Statement {
public:
    Statement(Database* db, const char* sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& Bind(int index, const std::string& value);
    Statement& Bind(int index, int64_t value);

    // Steps once: true with a row to read, false when done or failed (the
    // failure is then in status()).
    bool Step();
    // Steps a statement that returns no rows.
    Status Run();
    Status status() const { return status_; }

    std::string Text(int column) const;
    int64_t Int(int column) const;

private:
    Database* db_;
    sqlite3_stmt* stmt_ = nullptr;
    Status status_;
};

class Database {
public:
    // Opens (creating if needed) the file at path in WAL mode with
    // synchronous=FULL (a committed write survives power loss, which every
    // store here promises its callers), foreign keys on and busy_timeout_ms
    // for locks. Fails with kIo naming the file.
    static Result<std::unique_ptr<Database>> Open(const std::string& path, int busy_timeout_ms);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Runs statements without results.
    Status Exec(const std::string& sql);

    // PRAGMA user_version.
    Result<int64_t> UserVersion();
    // Rows changed by the last INSERT, UPDATE or DELETE.
    int64_t Changes();

    sqlite3* handle() { return db_; }
    Error LastError(const std::string& what);

private:
    explicit Database(sqlite3* db) : db_(db) {}
    sqlite3* db_;
};

// BEGIN IMMEDIATE on construction (check status()); rolls back on
// destruction unless Commit() succeeded.
class Transaction {
public:
    explicit Transaction(Database* db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    Status status() const { return status_; }
    Status Commit();
    // Rolls back now (a no-op once committed or rolled back).
    void Rollback();

private:
    Database* db_;
    Status status_;
    bool open_ = false;
};

}  // namespace tonearm::sqlite
