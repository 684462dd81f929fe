#!/usr/bin/env bash
# Prepares a machine for `make demo` / `make test` / `make bench`: uv, the locked virtualenv,
# and (when running as root on Debian) the system libraries Qt needs plus Xvfb.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[bootstrap] %s\n' "$*" >&2; }

# Qt's xcb platform plugin and offscreen rendering need these; Xvfb gives headless runs a screen;
# wrk drives the hub throughput benchmark (bench_hub_api) without taking the server's CPU as Python would.
QT_PACKAGES=(libegl1 libgl1 libglib2.0-0 libdbus-1-3 libfontconfig1 libxkbcommon0 libxkbcommon-x11-0
  libxcb1 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-render0
  libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-xfixes0 libxcb-xinerama0 libxcb-xkb1 libxcb-cursor0
  fonts-dejavu-core fonts-noto-cjk xvfb xauth wrk)

if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for p in "${QT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      say "installing system packages for Qt: ${missing[*]}"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >/dev/null
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
      say "missing system packages (run as root, or: sudo apt-get install ${missing[*]})"
    fi
  fi
fi

export PATH="$HOME/.local/bin:$PATH"
if ! command -v uv >/dev/null 2>&1; then
  say "installing uv from PyPI"
  if ! python3 -m pip --version >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get update -qq >/dev/null && apt-get install -y -qq python3-pip >/dev/null
  fi
  python3 -m pip install --quiet --user uv 2>/dev/null \
    || python3 -m pip install --quiet --user --break-system-packages uv
fi

# Never let uv fetch an interpreter from outside the package registries: Debian 12 ships 3.11.
export UV_PYTHON_DOWNLOADS=never
uv sync --locked --quiet
