// Loudness normalisation: the gain that brings a track to the listener's target loudness.
//
// The manifest carries each track's EBU R128 integrated loudness, measured once at ingest
// with libebur128 over the whole decoded track (Manifest::loudness.integrated_lufs). The
// player turns it into one fixed gain per track, applied before the limiter; nothing here
// measures audio at playback time.
#pragma once

namespace tonearm::player {

struct NormalisationSettings {
    bool enabled = true;
    double target_lufs = -14.0;  // loudness every track is brought to
    double max_gain_db = 12.0;   // most a quiet track is raised (the limiter catches its peaks)
    double min_gain_db = -30.0;  // most a loud track is lowered
};

// Integrated loudness at or below this is the absolute gate of EBU R128: the measurement
// found no programme, so the track is treated as silence and left alone.
inline constexpr double kSilenceLufs = -70.0;

// Returns the gain in dB for a track measured at integrated_lufs: target_lufs minus the
// measurement, limited to [min_gain_db, max_gain_db]. Returns exactly 0 when normalisation
// is disabled or the measurement is missing, not finite or at or below kSilenceLufs. If
// min_gain_db > max_gain_db the result is max_gain_db. Pure; callable from any thread.
double NormalisationGainDb(double integrated_lufs, const NormalisationSettings& settings);

// Returns the linear amplitude factor for db (10^(db/20)); -inf gives 0. Pure.
float DbToLinear(double db);

}  // namespace tonearm::player
