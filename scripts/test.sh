#!/usr/bin/env bash
# The whole test suite: installs dependencies, builds with warnings as
# errors, fetches the demo music the tests use, and runs ctest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${TONEARM_BUILD_DIR:-$root/build}"

bash "$root/scripts/install-deps.sh"
bash "$root/scripts/fetch-demo-music.sh"
bash "$root/scripts/build.sh" -DTONEARM_WERROR=ON -DBUILD_TESTING=ON

cd "$build"
# Integration tests run one at a time (RUN_SERIAL); unit tests use both cores.
ctest --output-on-failure -j 2 --timeout 900 "$@"
