#!/usr/bin/env bash
# Replays every Oboe bandwidth trace through each ABR algorithm at the scales
# docs/benchmarks.md reports (0.1, 0.2, 0.3) and prints, per scale, the
# markdown table of mean QoE, rebuffering and bitrate per algorithm.
#
# usage: tests/bench/abr_traces.sh [BUILD_DIR] [TRACE_DIR] [--smoke]
#   BUILD_DIR defaults to ./build; TRACE_DIR to the Oboe traces in the shared data
#   folder beside the checkout (../shared/data/bandwidth-traces/oboe).
#   --smoke runs one scale over the first five traces (a quick check).
set -euo pipefail

build_dir=${1:-build}
root=$(cd "$(dirname "$0")/../.." && pwd)
trace_dir=${2:-$root/../shared/data/bandwidth-traces/oboe}
cli="$build_dir/app/tonearm-cli"
scales=(0.1 0.2 0.3)
traces=("$trace_dir")
if [[ "${3:-}" == "--smoke" ]]; then
  scales=(0.2)
  mapfile -t traces < <(ls "$trace_dir"/*.txt | sort | head -n 5)
fi

[[ -x "$cli" ]] || { echo "abr_traces: $cli not built (ninja -C $build_dir tonearm-cli)" >&2; exit 1; }
[[ -d "$trace_dir" ]] || { echo "abr_traces: no trace folder $trace_dir" >&2; exit 1; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for scale in "${scales[@]}"; do
  "$cli" abr-sim --trace "${traces[@]}" --scale "$scale" --json \
    --summary "$out/summary-$scale.md" > "$out/results-$scale.jsonl"
  echo "## scale $scale"
  echo
  sed -n '/^|/p' "$out/summary-$scale.md"
  echo
done
