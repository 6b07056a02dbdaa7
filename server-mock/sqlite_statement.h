// A thin RAII layer over SQLite prepared statements for the server's store.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>

#include "core/result.h"

namespace tonearm::server {

// One prepared statement. Bind indexes start at 1, column indexes at 0.
// Use on the thread that holds the connection's lock.
class Statement {
public:
    Statement(sqlite3* db, const char* sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // kIo with SQLite's message if preparing failed.
    Status status() const { return status_; }

    Statement& Bind(int index, const std::string& value);
    Statement& Bind(int index, int64_t value);

    // Steps once: true with a row to read, false when done. A failure is
    // stored and reported by Done() / status().
    bool Step();
    // Runs a statement that returns no rows; kIo on failure.
    Status Run();

    std::string Text(int column) const;
    int64_t Int(int column) const;

private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
    Status status_;
};

// Runs one or more statements without results; kIo naming the SQL on failure.
Status Exec(sqlite3* db, const char* sql);

}  // namespace tonearm::server
