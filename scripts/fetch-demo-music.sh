#!/usr/bin/env bash
# Fetches the CC-licensed demo music (Debian's extremetuxracer-data) into
# .cache/demo-music without installing the game. Safe to run again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/.cache/demo-music"
music="$dest/usr/share/games/etr/music"
if compgen -G "$music/*.ogg" > /dev/null; then
  echo "fetch-demo-music: $(ls "$music"/*.ogg | wc -l) tracks in $music"
  exit 0
fi
mkdir -p "$dest/debs"
cd "$dest/debs"
if ! compgen -G "extremetuxracer-data_*.deb" > /dev/null; then
  apt-get download extremetuxracer-data 2>/dev/null || {
    apt-get update -qq && apt-get download extremetuxracer-data
  }
fi
dpkg -x extremetuxracer-data_*.deb "$dest"
rm -rf "$dest/usr/share/games/etr/"{textures,terrains,courses,fonts,translations} 2>/dev/null || true
echo "fetch-demo-music: $(ls "$music"/*.ogg | wc -l) tracks in $music"
