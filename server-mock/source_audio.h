// Reading an ingest source: validation, reference decode and tags.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace tonearm::server {

// Interleaved float PCM of a whole track.
struct PcmAudio {
    int sample_rate = 0;
    int channels = 0;
    std::vector<float> samples;  // frames() * channels values

    int64_t frames() const {
        return channels > 0 ? static_cast<int64_t>(samples.size()) / channels : 0;
    }
};

// Tags read from the Vorbis comments; empty / 0 where a tag is absent.
struct SourceTags {
    std::string title;
    std::string artist;
    std::string album;
    int track_number = 0;
};

struct DecodedSource {
    PcmAudio pcm;
    SourceTags tags;
};

// Validates and decodes a complete Ogg Vorbis file held in memory with
// vorbisfile, every sample of every chained link. Fails with kCorrupt and a
// reason a person can act on: "not an Ogg Vorbis file", "truncated: ...",
// "corrupt: ...", or kUnsupported for chained links that change the rate or
// channel count. Thread-safe.
Result<DecodedSource> DecodeSource(const std::string& bytes);

// Looks up a tag (case-insensitive name) among "NAME=value" comments: the
// first non-empty value wins, later repeats are ignored. Returns "" if absent.
std::string FindTag(const std::vector<std::string>& comments, const std::string& name);

// Parses the leading number of a TRACKNUMBER value ("3", "03/12"); 0 if none.
int ParseTrackNumber(const std::string& value);

}  // namespace tonearm::server
