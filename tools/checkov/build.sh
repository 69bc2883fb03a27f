#!/usr/bin/env bash
# Installs checkov 3.3.30 (a Python package) into a virtualenv in $OUT/.venv, from requirements.txt:
# every package at an exact version, installed with --no-deps so nothing else is resolved or
# fetched. Called by tools/build.sh, which links $OUT/checkov (a wrapper running the virtualenv's
# interpreter, so the virtualenv works wherever tools/build.sh moves it) into .tools/bin.
# Needs CPython 3.11 or newer with the venv module (the pins include numpy 2.4, which needs 3.11).
set -euo pipefail
version=3.3.30
python="${PYTHON:-python3}"
if ! "$python" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
  echo "tools/checkov: needs Python 3.11 or newer with the venv module as '$python' (set PYTHON to another interpreter)" >&2
  exit 1
fi
"$python" -m venv "$OUT/.venv"
"$OUT/.venv/bin/python" -m pip install --quiet --no-input --disable-pip-version-check --no-deps --only-binary=:all: -r requirements.txt
# The pins are complete and consistent: pip finds every requirement of every package installed.
"$OUT/.venv/bin/python" -m pip check --disable-pip-version-check
# The licences recorded in licences.txt are the installed packages'.
if ! diff <(grep -v '^#' licences.txt) <("$OUT/.venv/bin/python" licences.py requirements.txt) >&2; then
  echo "tools/checkov: licences.txt differs from the installed packages (above: < recorded, > installed); regenerate it with licences.py" >&2
  exit 1
fi
cat >"$OUT/checkov" <<'WRAPPER'
#!/bin/sh
# checkov, run by its virtualenv's interpreter (isolated from the caller's PYTHON* settings).
venv="$(dirname "$(readlink -f "$0")")/.venv"
exec "$venv/bin/python" -I -W ignore::SyntaxWarning -m checkov.main "$@"
WRAPPER
chmod +x "$OUT/checkov"
got="$("$OUT/checkov" --version)"
if [ "$got" != "$version" ]; then
  echo "tools/checkov: installed checkov reports '$got', expected $version" >&2
  exit 1
fi
echo "checkov $got"
