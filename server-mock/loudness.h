// EBU R128 loudness of a decoded track (libebur128).
#pragma once

#include "core/result.h"
#include "core/wire.h"
#include "server-mock/source_audio.h"

namespace tonearm::server {

// Lowest values reported, for silence (whose loudness and peak are -infinity,
// which JSON cannot carry): the R128 absolute gate and a peak far below 16-bit.
inline constexpr double kSilenceLufs = -70.0;
inline constexpr double kSilencePeakDbfs = -120.0;

// Integrated loudness (LUFS) and true peak (dBFS, 4x oversampled) of pcm.
// Channels follow the Vorbis channel order; mono counts as dual mono (a mono
// track played on two speakers), so it compares with stereo tracks. Fails
// with kInternal if libebur128 refuses the layout. Thread-safe.
Result<Loudness> MeasureLoudness(const PcmAudio& pcm);

}  // namespace tonearm::server
