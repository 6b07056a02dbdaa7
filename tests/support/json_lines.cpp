#include "tests/support/json_lines.h"

#include <gtest/gtest.h>

#include "tests/support/process.h"

namespace tonearm::testing {

std::vector<Json> ParseJsonLines(const std::string& out, std::vector<std::string>* bad_lines,
                                 bool complete_lines_only) {
    std::vector<Json> lines;
    size_t begin = 0;
    while (begin < out.size()) {
        size_t end = out.find('\n', begin);
        if (end == std::string::npos) {
            if (complete_lines_only) break;
            end = out.size();
        }
        std::string line = out.substr(begin, end - begin);
        begin = end + 1;
        if (line.empty()) continue;
        Result<Json> json = ParseJson(line);
        if (json.ok()) {
            lines.push_back(std::move(*json));
        } else if (bad_lines != nullptr) {
            bad_lines->push_back(line);
        }
    }
    return lines;
}

std::vector<Json> RunCliJson(const std::string& server_url, const std::string& profile,
                             const std::vector<std::string>& args, int expected_exit) {
    std::vector<std::string> argv = {TONEARM_CLI_BIN, "--server", server_url,
                                     "--profile",     profile,    "--json"};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessResult result = RunProcess(argv, 30000);
    EXPECT_EQ(result.exit_code, expected_exit) << result.out << result.err;
    std::vector<std::string> bad;
    std::vector<Json> lines = ParseJsonLines(result.out, &bad);
    for (const std::string& line : bad)
        ADD_FAILURE() << "not a JSON line: " << line;
    return lines;
}

}  // namespace tonearm::testing
