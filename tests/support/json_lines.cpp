#include "tests/support/json_lines.h"

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

}  // namespace tonearm::testing
