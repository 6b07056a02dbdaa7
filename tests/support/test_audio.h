// Generated test signals, a libvorbisenc writer and a vorbisfile reference
// decoder, so tests can assert exact sample counts and values.
//
// All functions are thread-safe (they share no state).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace tonearm::testing {

// Interleaved float PCM in [-1, 1].
struct PcmBuffer {
    int sample_rate = 0;
    int channels = 0;
    std::vector<float> samples;  // interleaved, frames() * channels values

    int64_t frames() const {
        return channels > 0 ? static_cast<int64_t>(samples.size()) / channels : 0;
    }
};

// A sine of freq_hz on every channel (same phase), round(seconds * rate) frames.
PcmBuffer MakeSine(double freq_hz, double seconds, int rate, int channels, float amplitude = 0.5f);

// Single-sample impulses of amplitude 0.9 on every channel, the first at
// frame 0 and then every round(interval_s * rate) frames; silence between.
PcmBuffer MakeClickTrain(double interval_s, double seconds, int rate, int channels);

// round(seconds * rate) frames of digital silence.
PcmBuffer MakeSilence(double seconds, int rate, int channels);

// Encodes pcm as Ogg Vorbis with libvorbisenc's VBR mode at quality
// (-0.1 .. 1.0) into path, with the given comments ("TITLE=x", repeats
// allowed) and a fixed stream serial number, so the same input gives the same
// bytes. Fails with kInvalidArgument for a rate/channel count libvorbisenc
// refuses and kIo if the file cannot be written.
Status WriteOggVorbis(const std::string& path, const PcmBuffer& pcm, float quality,
                      const std::vector<std::string>& comments = {});

// Decodes a whole Ogg Vorbis file with vorbisfile: every sample, exactly as
// many frames as the stream's granule positions say. Fails with kIo if the
// file cannot be opened and kCorrupt if it is not a valid Vorbis stream, has
// a hole, or changes rate/channel count between chained links.
Result<PcmBuffer> DecodeOggVorbisFile(const std::string& path);

// As DecodeOggVorbisFile, for a complete file held in memory.
Result<PcmBuffer> DecodeOggVorbisBytes(const std::string& bytes);

// Writes the samples as raw little-endian 32-bit floats, interleaved (for
// oggenc --raw --raw-format=3 style inputs). Fails with kIo.
Status WriteRawFloat(const std::string& path, const PcmBuffer& pcm);

// Writes a 16-bit PCM RIFF/WAVE file (clipped, rounded to nearest). Fails with kIo.
Status WriteWav16(const std::string& path, const PcmBuffer& pcm);

// Reads a whole file into memory; kIo if it cannot be read.
Result<std::string> ReadFileBytes(const std::string& path);

// Writes bytes to path, replacing it; kIo on failure.
Status WriteFileBytes(const std::string& path, const std::string& bytes);

}  // namespace tonearm::testing
