#include "sync/model/position_key.h"

#include <algorithm>

namespace tonearm::sync {
namespace {

constexpr int kBase = 62;
constexpr char kDigits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// Fewer free digits than this in a gap makes Between descend one digit
// further, where there is room for jitter.
constexpr int kMinChoices = 8;

int DigitValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    if (c >= 'a' && c <= 'z') return c - 'a' + 36;
    return -1;
}

}  // namespace

bool IsValidPositionKey(const std::string& key) {
    if (key.empty() || key.back() == '0') return false;
    return std::all_of(key.begin(), key.end(), [](char c) { return DigitValue(c) >= 0; });
}

int PositionKeyGenerator::RandomDigit(int first, int last) {
    std::uniform_int_distribution<int> pick(first, last);
    return pick(rng_);
}

Result<std::string> PositionKeyGenerator::Between(const std::string& before,
                                                  const std::string& after) {
    if ((!before.empty() && !IsValidPositionKey(before)) ||
        (!after.empty() && !IsValidPositionKey(after))) {
        return MakeError(ErrorCode::kInvalidArgument, "malformed position key bound");
    }
    if (!before.empty() && !after.empty() && before >= after) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "position key bounds out of order: '" + before + "' >= '" + after + "'");
    }

    // Appends and prepends step one digit away from their neighbour and put
    // the jitter in one extra digit, so a run of n appends costs ~n/61 digits.
    const bool appending = !before.empty() && after.empty();
    const bool prepending = before.empty() && !after.empty();

    std::string key;
    bool lower_tight = !before.empty();  // key so far equals before's prefix
    bool upper_tight = !after.empty();   // key so far equals after's prefix
    for (size_t i = 0;; ++i) {
        const int low = lower_tight && i < before.size() ? DigitValue(before[i]) : 0;
        const int high = upper_tight ? (i < after.size() ? DigitValue(after[i]) : 0) : kBase;
        const int choices = high - low - 1;
        if ((appending || prepending) && choices >= 1) {
            key.push_back(kDigits[appending ? low + 1 : high - 1]);
            key.push_back(kDigits[RandomDigit(1, kBase - 1)]);
            return key;
        }
        if (choices >= kMinChoices || (choices >= 1 && !lower_tight)) {
            // Stay near the middle so later inserts on either side find room.
            const int mid = (low + high) / 2;
            const int spread = std::max(1, choices / 4);
            key.push_back(kDigits[RandomDigit(std::max(low + 1, mid - spread),
                                              std::min(high - 1, mid + spread))]);
            return key;
        }
        // Too little room here: copy the lower digit and look one digit deeper.
        key.push_back(kDigits[low]);
        if (low < high) upper_tight = false;
        if (i + 1 >= before.size()) lower_tight = false;
    }
}

void PositionKeyGenerator::Bisect(const std::string& before, const std::string& after, size_t count,
                                  std::vector<std::string>* out) {
    if (count == 0) return;
    // Bounds were validated by ManyBetween and every generated key lies
    // strictly between its bounds, so Between cannot fail here.
    std::string mid = Between(before, after).value();
    const size_t left = count / 2;
    Bisect(before, mid, left, out);
    out->push_back(mid);
    Bisect(mid, after, count - left - 1, out);
}

Result<std::vector<std::string>> PositionKeyGenerator::ManyBetween(const std::string& before,
                                                                   const std::string& after,
                                                                   size_t count) {
    Result<std::string> probe = Between(before, after);
    if (!probe.ok()) return probe.error();
    std::vector<std::string> keys;
    keys.reserve(count);
    Bisect(before, after, count, &keys);
    return keys;
}

}  // namespace tonearm::sync
