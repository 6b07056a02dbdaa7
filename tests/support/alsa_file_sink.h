// Captures what PortAudio plays on a machine without a sound card: ALSA's
// default PCM becomes a plug (fixed S16_LE format, rate, channels) over a
// file plugin (raw frames into a file) over the null plugin.
//
// ALSA reads ~/.asoundrc when PortAudio initialises, so a test installs the
// sink, points HOME at home_dir (setenv) and only then starts PortAudio. The
// null plugin does not pace: playback through it runs faster than real time.
#pragma once

#include <functional>
#include <string>

#include "core/result.h"
#include "tests/support/test_audio.h"

namespace tonearm::testing {

// Writes home_dir/.asoundrc as described above, replacing any earlier one.
// The file plugin truncates raw_path whenever a stream is opened. Fails with
// kIo if the file cannot be written.
Status InstallAlsaFileSink(const std::string& home_dir, const std::string& raw_path,
                           int rate = 44100, int channels = 2);

// Reads a raw interleaved S16_LE capture back as floats (value / 32768).
// Fails with kIo if unreadable and kCorrupt if it does not hold whole frames.
Result<PcmBuffer> ReadRawS16(const std::string& raw_path, int rate, int channels);

// Removes the silence PortAudio's ALSA backend writes when a stream starts
// (it fills the device buffer with zeros before the first callback) by
// dropping exactly the leading zero frames; returns how many were dropped.
// Only meaningful when the played audio itself starts with a non-zero sample.
int64_t StripLeadingSilence(PcmBuffer* pcm);

// True for the lines PortAudio's ALSA and JACK probing prints on a machine
// without those servers and cards (unknown PCMs of the default configuration,
// "jack server is not running", ...). Anything else is not noise.
bool IsAudioBackendNoise(const std::string& line);

// Runs body with this process's stderr captured, then writes every captured
// line that is not backend noise back to stderr. Lines other threads write in
// the meantime are kept too. Call from one thread at a time.
void RunWithAudioNoiseFiltered(const std::function<void()>& body);

}  // namespace tonearm::testing
