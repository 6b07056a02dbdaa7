// Turns decoded Vorbis channels into the interleaved stereo the device plays.
#pragma once

namespace tonearm::player {

// Writes frames interleaved stereo frames to out from planar pcm[channel].
// Mono is duplicated; more than two channels (Vorbis channel order) are
// folded down with centre and surround at -3 dB, LFE dropped, and scaled so
// a full-scale input cannot clip. Thread-safe; does not allocate.
void MixToStereo(const float* const* pcm, int channels, int frames, float* out);

}  // namespace tonearm::player
