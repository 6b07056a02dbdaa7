// Fractional position keys: strings that order playlist entries and can
// always be generated strictly between two neighbours.
//
// A key is an integer part and a fraction, both in base-62 digits ('0'-'9',
// 'A'-'Z', 'a'-'z', ascending in ASCII, so keys compare as plain byte
// strings). The integer part starts with a head letter giving its length
// ('a' one digit, 'b' two, ...; 'Z', 'Y', ... the same below zero), so
// appends and prepends only step the integer and stay short. A non-empty
// fraction never ends in '0', which leaves room below every key. Entries
// are ordered by (key, entry id): the entry id breaks the rare tie of two
// devices that chose the same key for the same gap.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/result.h"

namespace tonearm::sync {

// True if key is a well-formed position key.
bool IsValidPositionKey(const std::string& key);

// Generates position keys. Each generator owns its random source, seeded by
// the caller (tests pass fixed seeds). Not thread-safe.
class PositionKeyGenerator {
public:
    explicit PositionKeyGenerator(uint64_t seed) : rng_(seed) {}

    // A key k with before < k < after. An empty before means "start of the
    // list", an empty after "end of the list". The choice is jittered within
    // the gap so two devices inserting at the same spot rarely pick the same
    // key; appends and prepends step the integer part so long runs of them
    // stay short.
    // Fails with kInvalidArgument if a bound is malformed or before >= after.
    Result<std::string> Between(const std::string& before, const std::string& after);

    // count keys in ascending order, all strictly between before and after,
    // spread by bisection so their length grows with log(count).
    Result<std::vector<std::string>> ManyBetween(const std::string& before,
                                                 const std::string& after, size_t count);

private:
    int RandomDigit(int first, int last);
    std::string Jitter();
    std::string Midpoint(const std::string& low_digits, const std::string& high_digits);
    void Bisect(const std::string& before, const std::string& after, size_t count,
                std::vector<std::string>* out);

    std::mt19937_64 rng_;
};

}  // namespace tonearm::sync
