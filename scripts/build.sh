#!/usr/bin/env bash
# Configures and builds Tonearm into build/ (Release with debug info, -j2).
# Extra arguments go to cmake, e.g. -DTONEARM_WERROR=ON.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${TONEARM_BUILD_DIR:-$root/build}"
jobs="${TONEARM_JOBS:-2}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
cmake --build "$build" -j "$jobs"
