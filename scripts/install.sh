#!/usr/bin/env bash
# Set up formcheck on a fresh machine, then run the main job on a sample clip.
#   bash scripts/install.sh
# - installs the system tools the tests use (ffmpeg, Chromium) when apt-get is
#   available and we are root (skipped otherwise: those tests then skip);
# - installs formcheck with its test and cluster (Ray) extras into the current Python
#   (activate a virtualenv first if you want one);
# - makes the pose model ready offline (`formcheck model path`);
# - analyses a bundled sample clip into ./out/demo (report.json, reps.csv, angles.csv, annotated.mp4).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"

need_apt=()
command -v ffmpeg >/dev/null 2>&1 || need_apt+=(ffmpeg)
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing ${need_apt[*]} (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "== note: ${need_apt[*]} not installed (need root + apt-get); browser/rotation tests will skip"
  fi
fi

echo "== installing formcheck (pip)"
"$PY" -m pip install -q --disable-pip-version-check -e ".[dev,cluster]"

echo "== pose model"
"$PY" -m formcheck model path

echo "== demo: analysing sample_videos/glute_bridge_side.mp4"
mkdir -p out/demo
"$PY" -m formcheck analyze sample_videos/glute_bridge_side.mp4 --exercise glute_bridge --out out/demo
