#!/usr/bin/env bash
# The main job: installs dependencies, builds, fetches and ingests the demo
# music, starts tonearm-server on 127.0.0.1 and opens the GUI logged in.
# Closing the window stops the server.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${TONEARM_BUILD_DIR:-$root/build}"
data="${TONEARM_DEMO_DATA:-$root/.cache/demo-data}"

bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh"
bash "$root/scripts/fetch-demo-music.sh"

echo "demo: ingesting the demo music into $data"
"$build/server-mock/tonearm-server" ingest --data "$data" \
  "$root/.cache/demo-music/usr/share/games/etr/music"

log="$data/server.log"
"$build/server-mock/tonearm-server" serve --data "$data" --port 0 > "$log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true' EXIT

api=""
for _ in $(seq 1 100); do
  api=$(sed -n 's/^api: //p' "$log" | head -n 1)
  [ -n "$api" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$log"; echo "demo: the server did not start"; exit 1; }
  sleep 0.1
done
[ -n "$api" ] || { cat "$log"; echo "demo: the server printed no API URL"; exit 1; }
head -n 6 "$log"

gui=("$build/app/tonearm" --server "$api" --user demo --password demo)
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "demo: no display found; running the window on a virtual X display (xvfb-run)"
  xvfb-run -a -s "-screen 0 1280x800x24" "${gui[@]}"
else
  "${gui[@]}"
fi
