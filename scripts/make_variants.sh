#!/usr/bin/env bash
# Variants of labelled clips, for checking that counts hold on footage the engine was not tuned on:
# the same movements mirrored (filmed from the person's other side), at 15 fps (a laptop webcam in
# dim light), smaller in the frame (the camera further away) and with the camera rolled 8 degrees.
# The counts a physiotherapist would give do not change, so each folder reuses the labels.
#
#   bash scripts/make_variants.sh ../shared/real_clips /tmp/variants
#   formcheck eval /tmp/variants/mirror      # and fps15, small, rolled
#
# The variants are written under DEST only (keep them out of the repository: the clips are not ours).
set -euo pipefail
if [ $# -ne 2 ]; then echo "usage: bash scripts/make_variants.sh SOURCE_FOLDER DEST_FOLDER" >&2; exit 2; fi
src=$1; dest=$2
command -v ffmpeg >/dev/null || { echo "make_variants: ffmpeg is needed" >&2; exit 1; }
labels="$src/labels.json"
[ -f "$labels" ] || { echo "make_variants: $src has no labels.json" >&2; exit 1; }
declare -A filters=(
  [mirror]="hflip"
  [fps15]="fps=15"
  [small]="pad=iw*1.4:ih*1.4:(ow-iw)/2:(oh-ih)*0.8:gray,scale=trunc(iw/1.4/2)*2:trunc(ih/1.4/2)*2"
  [rolled]="rotate=8*PI/180:fillcolor=gray"
)
for variant in "${!filters[@]}"; do
  mkdir -p "$dest/$variant"
  cp "$labels" "$dest/$variant/labels.json"
  for clip in "$src"/*.mp4; do
    out="$dest/$variant/$(basename "$clip")"
    [ -s "$out" ] && continue
    # Written beside, then renamed: an interrupted run leaves no half-written clip behind.
    ffmpeg -v error -y -i "$clip" -vf "${filters[$variant]}" -an -c:v libx264 -crf 18 -preset veryfast \
      -f mp4 "$out.part" && mv "$out.part" "$out"
  done
  echo "$dest/$variant: $(ls "$dest/$variant"/*.mp4 | wc -l) clips"
done
