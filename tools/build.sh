#!/usr/bin/env bash
# Builds the project's pinned tools from the Go module proxy, and installs the one Python tool
# (checkov) into a virtualenv from its pinned requirements.
#
#   tools/build.sh NAME [NAME...]
#
# Each tool is a folder tools/NAME/ with its pins (a wrapper go.mod/go.sum, or a requirements.txt
# with every package at an exact version) and a build.sh that builds or installs into "$OUT".
# Results are cached outside the repository, keyed by a hash of the folder's pins and scripts (and,
# for a Python tool, of the interpreter's version), so a repeat run takes well under a second;
# .tools/bin/ in the checkout holds symlinks to the cached executables of exactly the pinned
# versions (the files in "$OUT" whose names do not start with a dot).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
cache="${OBS_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/observability-stack/tools}"
bin="$repo/.tools/bin"

known() { for d in "$here"/*/; do [ -f "$d/build.sh" ] && basename "$d"; done | tr '\n' ' '; }

if [ $# -eq 0 ]; then
  echo "usage: tools/build.sh NAME [NAME...]; known tools: $(known)" >&2
  exit 2
fi
for name in "$@"; do
  if [ -f "$here/$name/go.mod" ] && ! command -v go >/dev/null 2>&1; then
    echo "tools/build.sh: no Go toolchain on PATH. Install Go 1.26.7 or newer (the newest go directive in tools/*/go.mod) and run again." >&2
    exit 1
  fi
done
mkdir -p "$bin" "$cache"

for name in "$@"; do
  dir="$here/$name"
  if [ ! -f "$dir/build.sh" ]; then
    echo "tools/build.sh: unknown tool '$name'; known tools: $(known)" >&2
    exit 2
  fi
  key=$(
    (
      cd "$dir"
      find . -type f \( -name 'go.mod' -o -name 'go.sum' -o -name '*.go' -o -name 'build.sh' -o -name '*.patch' -o -name 'requirements.txt' -o -name '*.py' -o -name 'licences.txt' \) | LC_ALL=C sort | xargs cat
      # A virtualenv runs the interpreter it was made with: a new Python is a new install.
      if [ -f requirements.txt ]; then "${PYTHON:-python3}" -c 'import sys; print(sys.version)' 2>/dev/null || true; fi
    ) | sha256sum | cut -c1-16
  )
  out="$cache/$name/$key"
  (
    flock 9
    if [ ! -f "$out/.complete" ]; then
      echo "tools: building $name (first build for these pins; cached in $out)" >&2
      start=$(date +%s)
      rm -rf "$out.tmp"
      mkdir -p "$out.tmp"
      if ! (cd "$dir" && OUT="$out.tmp" bash ./build.sh); then
        rm -rf "$out.tmp"
        echo "tools/build.sh: building $name failed (see the output above)" >&2
        exit 1
      fi
      touch "$out.tmp/.complete"
      rm -rf "$out"
      mv "$out.tmp" "$out"
      echo "tools: built $name in $(( $(date +%s) - start ))s" >&2
    fi
  ) 9>"$cache/$name.lock"
  for f in "$out"/*; do
    ln -sfn "$f" "$bin/$(basename "$f")"
  done
done
