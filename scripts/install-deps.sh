#!/usr/bin/env bash
# Installs every Debian 12 package Tonearm needs to build, test and run.
# Safe to run again: apt-get skips what is already installed.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config clang-format git
  qt6-base-dev qt6-base-dev-tools libqt6dbus6 libqt6svg6 libqt6opengl6-dev libgl-dev
  libxkbcommon-dev
  libogg-dev libvorbis-dev portaudio19-dev libasound2-dev libasound2-plugins
  libcurl4-openssl-dev libsqlite3-dev libssl-dev libexpat1-dev
  nlohmann-json3-dev libcpp-httplib-dev libebur128-dev libsoxr-dev
  libgtest-dev libgmock-dev
  fontconfig fonts-dejavu-core
  vorbis-tools curl xvfb xauth dbus dbus-x11 alsa-utils sox
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
