// The ABR algorithms behind MakeAbrController, with their parameters exposed
// for tests and experiments. docs/abr.md explains each one and where its
// defaults come from. Every factory returns a fresh controller that owns all
// of its state.
#pragma once

#include <memory>

#include "player/abr/abr_controller.h"

namespace tonearm::player::abr {

// Throughput rule in the manner of Shaka Player's SimpleAbrManager: dual
// EWMA estimate (min of fast and slow), a rung is chosen when the estimate
// lies between its bitrate / downgrade_target and the next rung's bitrate /
// upgrade_target, and switches are at least switch_interval apart.
struct ThroughputRuleConfig {
    double fast_half_life_seconds = 2.0;
    double slow_half_life_seconds = 5.0;
    double downgrade_target = 0.95;
    double upgrade_target = 0.85;
    double switch_interval_seconds = 8.0;
    int64_t min_sample_bytes = 16000;  // smaller downloads say more about latency than rate
    int64_t min_total_bytes = 128000;  // before this much, the estimate is not trusted
};
std::unique_ptr<AbrController> MakeThroughputRule(const ThroughputRuleConfig& config = {});

// BBA-0 (Huang et al., SIGCOMM 2014): the lowest rung inside the reservoir,
// the highest above reservoir + cushion, a linear rate map in between, and a
// switch only when the map passes the next rung up or down. Sizes are
// fractions of the maximum buffer.
struct BbaConfig {
    double reservoir_fraction = 0.2;
    double cushion_fraction = 0.6;
};
std::unique_ptr<AbrController> MakeBba(const BbaConfig& config = {});

// BOLA-BASIC (Spiteri et al., INFOCOM 2016): maximises
// (V * (utility + gamma_p) - buffer) / bitrate with log utilities; V and
// gamma_p are set so the lowest rung is preferred up to minimum_buffer_seconds
// and the highest from the maximum buffer less one chunk.
struct BolaConfig {
    double minimum_buffer_seconds = 10.0;
};
std::unique_ptr<AbrController> MakeBola(const BolaConfig& config = {});

// RobustMPC (Yin et al., SIGCOMM 2015): throughput predicted as the harmonic
// mean of the last samples divided by (1 + the largest recent relative
// prediction error); every rung sequence over the horizon is scored with the
// linear QoE and the first rung of the best one is fetched.
struct RobustMpcConfig {
    int horizon_chunks = 5;
    int history_samples = 5;
    double rebuffer_penalty_per_second = 1280.0;  // kbps units, as in the simulator's QoE
    double switch_penalty_per_kbps = 1.0;
};
std::unique_ptr<AbrController> MakeRobustMpc(const RobustMpcConfig& config = {});

// Tonearm's own controller: a planner over plans with at most one switch
// after the first chunk, scored with the linear QoE and a cost for ending
// the horizon below a reserve; docs/abr.md gives the reasoning.
struct TonearmConfig {
    double fast_half_life_seconds = 2.0;  // of transfer time
    double slow_half_life_seconds = 8.0;
    double latency_half_life_samples = 4.0;
    double safety = 0.95;                  // share of the estimated rate a plan may count on
    double forecast_memory_seconds = 8.0;  // how fast the forecast turns from recent to long-run
    int horizon_chunks = 10;               // 20 s of 2 s chunks
    double reserve_seconds = 8.0;          // buffer a plan should leave at its end
    double reserve_penalty_per_second = 320.0;    // per second short of the reserve
    double rebuffer_penalty_per_second = 2560.0;  // twice the QoE's: forecasts err
    double switch_penalty_per_kbps = 3.0;         // three times the QoE's: the planner's hysteresis
};
std::unique_ptr<AbrController> MakeTonearm(const TonearmConfig& config = {});

// Switches on every chunk, cycling through the ladder: a QA aid that makes
// every chunk boundary a splice. Accepted by MakeAbrController as
// "round-robin" but not listed by AbrAlgorithmNames (it is no policy).
std::unique_ptr<AbrController> MakeRoundRobin();

}  // namespace tonearm::player::abr
