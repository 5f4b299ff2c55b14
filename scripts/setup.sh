#!/usr/bin/env bash
# Create ./.venv (Python 3.11) and install newswatch with every dependency pinned
# (requirements.lock constrains the whole tree). Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
"$PY" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' \
  || { echo "newswatch needs Python 3.11 (found $("$PY" --version 2>&1)); set PYTHON=/path/to/python3.11" >&2; exit 2; }
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.newswatch-installed
want="$(cat pyproject.toml requirements.lock | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "pip==26.0.1"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[dev]"
  echo "$want" > "$stamp"
fi
