#!/usr/bin/env bash
# Quick start, command 1: set up, ingest the bundled sample (the founding Inforos article plus
# open-licence demo articles, see samples/README.md) into out/demo.sqlite, print the report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p out
DB=out/demo.sqlite
NW=.venv/bin/newswatch
# The founding article is a plain-text page capture with no date in it: supply the date.
$NW ingest --db "$DB" --published 2021-07-08 --source "Inforos (inforos.ru)" \
  samples/inforos_2021-07-08_russia-wont-leave-its-allies.txt
$NW ingest --db "$DB" samples/wh_afghanistan_2021_sample.jsonl samples/kremlin_en_sample.jsonl \
  samples/nerel_ru_sample.jsonl
$NW report --db "$DB"
echo
echo "Database: $DB   (JSON: $NW report --db $DB --format json; claims: $NW claims --db $DB)"
echo "Dashboard: run  $NW serve --db $DB  then open http://127.0.0.1:8000/"
