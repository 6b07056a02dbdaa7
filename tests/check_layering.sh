#!/usr/bin/env bash
# Fails when a module includes a header it may not depend on (design.md:
# app -> ui -> {player, sync} -> core; server-mock -> {core, sync/model}) or
# when an engine includes Qt.
set -u
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || exit 2
status=0

# check FOLDER PATTERN WHY: no source under FOLDER may match PATTERN.
check() {
  local folder=$1 pattern=$2 why=$3 hits
  [ -d "$folder" ] || return 0
  hits=$(grep -rnE --include='*.h' --include='*.cpp' "$pattern" "$folder" || true)
  if [ -n "$hits" ]; then
    echo "layering: $why"
    echo "$hits"
    status=1
  fi
}

qt='^\s*#\s*include\s*[<"](Q[A-Za-z]+|Qt[A-Za-z]*/[^>"]*)[>"]'
for engine in core player sync server-mock; do
  check "$engine" "$qt" "$engine must not include Qt headers"
done
check core '^\s*#\s*include\s*"(player|sync|ui|app|server-mock)/' "core depends on nothing above it"
check player '^\s*#\s*include\s*"(sync|ui|app|server-mock)/' "player depends only on core"
check sync '^\s*#\s*include\s*"(player|ui|app|server-mock)/' "sync depends only on core"
check sync/model '^\s*#\s*include\s*[<"](sqlite3\.h|curl/|httplib\.h)' \
  "sync/model is the pure merge model: no SQLite, no HTTP"
check server-mock '^\s*#\s*include\s*"(player|ui|app)/' "server-mock uses only core and sync/model"
check server-mock '^\s*#\s*include\s*"sync/[a-z_]+\.h"' "server-mock uses only sync/model"
check ui '^\s*#\s*include\s*"(app|server-mock)/' "ui must not depend on app or the server"

[ $status -eq 0 ] && echo "layering: ok"
exit $status
