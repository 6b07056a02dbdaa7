// Reading what `tonearm-cli --json` prints: one JSON object per line.
#pragma once

#include <string>
#include <vector>

#include "core/wire.h"

namespace tonearm::testing {

// The lines of out that parse as JSON, in order. Lines that do not parse
// (a line cut by a kill, stray text) are skipped; when bad_lines is given
// they are appended there so a test can assert there were none. A last line
// without '\n' counts only when complete_lines_only is false.
std::vector<Json> ParseJsonLines(const std::string& out,
                                 std::vector<std::string>* bad_lines = nullptr,
                                 bool complete_lines_only = false);

// Runs `tonearm-cli --server server_url --profile profile --json args...`
// (at most 30 s), expects exit code expected_exit and nothing but JSON lines
// on stdout (gtest failures otherwise), and returns the lines.
std::vector<Json> RunCliJson(const std::string& server_url, const std::string& profile,
                             const std::vector<std::string>& args, int expected_exit = 0);

}  // namespace tonearm::testing
