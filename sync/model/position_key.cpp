#include "sync/model/position_key.h"

#include <algorithm>

namespace tonearm::sync {
namespace {

constexpr int kBase = 62;
constexpr char kDigits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// Fewer free digits than this in a fraction gap makes the midpoint descend
// one digit further, where there is room for jitter.
constexpr int kMinChoices = 8;

int DigitValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    if (c >= 'a' && c <= 'z') return c - 'a' + 36;
    return -1;
}

// Digits of the integer part announced by its head: 'a'..'z' carry 1..26
// digits, 'A'..'Z' carry 26..1, so heads sort integers by magnitude.
size_t IntegerLength(char head) {
    if (head >= 'a' && head <= 'z') return static_cast<size_t>(head - 'a' + 1);
    if (head >= 'A' && head <= 'Z') return static_cast<size_t>('Z' - head + 1);
    return 0;
}

std::string IntegerPart(const std::string& key) { return key.substr(0, 1 + IntegerLength(key[0])); }
std::string FractionPart(const std::string& key) { return key.substr(1 + IntegerLength(key[0])); }

// The next integer in key order, or "" past the largest.
std::string Increment(const std::string& integer) {
    std::string next = integer;
    for (size_t i = next.size() - 1; i >= 1; --i) {
        const int d = DigitValue(next[i]);
        if (d < kBase - 1) {
            next[i] = kDigits[d + 1];
            return next;
        }
        next[i] = '0';
    }
    if (integer[0] == 'z') return {};
    const char head = integer[0] == 'Z' ? 'a' : static_cast<char>(integer[0] + 1);
    return head + std::string(IntegerLength(head), '0');
}

// The previous integer in key order, or "" below the smallest.
std::string Decrement(const std::string& integer) {
    std::string prev = integer;
    for (size_t i = prev.size() - 1; i >= 1; --i) {
        const int d = DigitValue(prev[i]);
        if (d > 0) {
            prev[i] = kDigits[d - 1];
            return prev;
        }
        prev[i] = 'z';
    }
    if (integer[0] == 'A') return {};
    const char head = integer[0] == 'a' ? 'Z' : static_cast<char>(integer[0] - 1);
    return head + std::string(IntegerLength(head), 'z');
}

}  // namespace

bool IsValidPositionKey(const std::string& key) {
    if (key.empty()) return false;
    const size_t length = IntegerLength(key[0]);
    if (length == 0 || key.size() < 1 + length) return false;
    if (!std::all_of(key.begin() + 1, key.end(), [](char c) { return DigitValue(c) >= 0; })) {
        return false;
    }
    if (key.size() > 1 + length && key.back() == '0') return false;  // no room below it
    return key != "A" + std::string(26, '0');                        // nothing sorts below
}

int PositionKeyGenerator::RandomDigit(int first, int last) {
    std::uniform_int_distribution<int> pick(first, last);
    return pick(rng_);
}

std::string PositionKeyGenerator::Jitter() {
    return std::string(1, kDigits[RandomDigit(1, kBase - 1)]);
}

std::string PositionKeyGenerator::Midpoint(const std::string& low_digits,
                                           const std::string& high_digits) {
    // Fractions 0.low < result < 0.high (an empty high is 1), never ending in '0'.
    std::string digits;
    bool lower_tight = !low_digits.empty();   // digits so far equal low's prefix
    bool upper_tight = !high_digits.empty();  // digits so far equal high's prefix
    for (size_t i = 0;; ++i) {
        const int low = lower_tight && i < low_digits.size() ? DigitValue(low_digits[i]) : 0;
        const int high =
            upper_tight ? (i < high_digits.size() ? DigitValue(high_digits[i]) : 0) : kBase;
        const int choices = high - low - 1;
        if (choices >= kMinChoices || (choices >= 1 && !lower_tight)) {
            // Stay near the middle so later inserts on either side find room.
            const int mid = (low + high) / 2;
            const int spread = std::max(1, choices / 4);
            digits.push_back(kDigits[RandomDigit(std::max(low + 1, mid - spread),
                                                 std::min(high - 1, mid + spread))]);
            return digits;
        }
        // Too little room here: copy the lower digit and look one digit deeper.
        digits.push_back(kDigits[low]);
        if (low < high) upper_tight = false;
        if (i + 1 >= low_digits.size()) lower_tight = false;
    }
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
    if (before.empty() && after.empty()) return "a0" + Jitter();

    // Appends and prepends step the integer part, so a run of n of them
    // grows keys with log62(n); one jitter digit keeps concurrent runs apart.
    if (after.empty()) {
        const std::string next = Increment(IntegerPart(before));
        if (!next.empty()) return next + Jitter();
        return IntegerPart(before) + Midpoint(FractionPart(before), {});
    }
    const std::string high = IntegerPart(after);
    if (before.empty()) {
        const std::string prev = Decrement(high);
        if (!prev.empty()) return prev + Jitter();
        return high + Midpoint({}, FractionPart(after));
    }

    const std::string low = IntegerPart(before);
    if (low == high) return low + Midpoint(FractionPart(before), FractionPart(after));
    const std::string next = Increment(low);
    if (next < high) return next + Jitter();
    // The integers are neighbours: go into the fraction after before.
    return low + Midpoint(FractionPart(before), {});
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
