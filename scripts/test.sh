#!/usr/bin/env bash
# Quick start, command 2 (and what CI runs): set up, then lint (ruff), type-check (mypy) and run
# the whole test suite (pytest). Each step is announced; the first that fails stops the run and
# is named on the last line. Extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "test.sh: FAILED at step setup (scripts/setup.sh)" >&2; exit 1; }

step() {  # step NAME COMMAND...: run one step, stop the script if it fails
  local name=$1; shift
  echo "== test.sh: $name: $*"
  "$@"
  local rc=$?
  if [ $rc -ne 0 ]; then
    echo "test.sh: FAILED at step $name (exit $rc)" >&2
    exit $rc
  fi
}

step lint .venv/bin/ruff check src tests scripts benchmarks
step types .venv/bin/mypy
# pytest last, so its summary line closes the output
step tests .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
