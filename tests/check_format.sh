#!/usr/bin/env bash
# Fails when a tracked C++ file differs from what clang-format makes of it.
set -u
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || exit 2
command -v clang-format >/dev/null || { echo "format: clang-format not installed"; exit 1; }
files=$(git ls-files '*.h' '*.cpp' 2>/dev/null)
[ -n "$files" ] || files=$(find app core player sync ui server-mock tests -name '*.h' -o -name '*.cpp')
bad=0
for f in $files; do
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "format: $f is not clang-formatted (run clang-format -i $f)"
    bad=1
  fi
done
[ $bad -eq 0 ] && echo "format: ok ($(echo "$files" | wc -w) files)"
exit $bad
