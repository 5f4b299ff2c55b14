"""CI quality gate: newswatch scores on a fast subset of every gold set stay above their floors.

* The gold files must be byte-identical to ``eval/gold-hashes.json`` — a changed gold file
  changes what the floors mean, so the gate stops until someone re-measures.
* Each evaluation in ``eval/floors.toml`` runs newswatch only, on the first ``limit``
  documents of each gold file, and every pinned metric must stay at or above its floor (or at
  or below its ceiling for lower-is-better metrics). A pinned metric with no score (a stage
  went missing) fails too.

Re-measure with ``python -m newswatch.evaluation.gate --measure`` and edit the floors in a
reviewed commit; never lower a floor to make a red build green without saying why.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newswatch.evaluation.gate import FLOORS_FILE, HASHES_FILE, gold_hashes, hash_differences, load_floors
from newswatch.evaluation.runner import folder_of, registry, run
from newswatch.evaluation.systems import Systems

ROOT = Path(__file__).resolve().parent.parent
LIMITS, FLOORS = load_floors(ROOT / FLOORS_FILE)


@pytest.fixture(scope="module")
def eval_root(shared_dir: Path) -> Path:
    return shared_dir / "eval"


@pytest.fixture(scope="module")
def systems() -> Systems:
    return Systems()


def test_floors_file_is_consistent():
    assert LIMITS, "eval/floors.toml pins no evaluation"
    assert set(LIMITS) <= set(registry())
    for f in FLOORS:
        assert f.measured is not None, f"{f.name}/{f.metric}: record the measured value beside the floor"
        bound = f.min if f.min is not None else f.max
        assert bound is not None
        # a floor above what was measured would fail on an unchanged tree
        assert (f.min is None or f.min <= f.measured) and (f.max is None or f.max >= f.measured), f


def test_gold_files_match_pinned_hashes(eval_root: Path):
    pinned = json.loads((ROOT / HASHES_FILE).read_text(encoding="utf-8"))
    names = sorted({key.split("/", 1)[0] for key in pinned})
    # bundled sets (eval/captures/) are versioned with the code, not pinned by hash
    shared_sets = {folder_of(n) for n in LIMITS if not registry()[n].bundled}
    assert set(names) >= shared_sets, "every gated evaluation must have its gold files pinned"
    diffs = hash_differences(pinned, gold_hashes(eval_root, names))
    assert not diffs, (
        "gold files changed, so the pinned floors no longer mean what they did:\n  "
        + "\n  ".join(diffs[:20])
        + "\nRe-measure (python -m newswatch.evaluation.gate --measure), review the new numbers, "
        "then update eval/floors.toml and re-pin eval/gold-hashes.json "
        "(python -m newswatch.evaluation.gate --write-hashes) deliberately in one commit."
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(LIMITS))
def test_scores_stay_above_floors(name: str, eval_root: Path, systems: Systems):
    res = run(name, eval_root / folder_of(name), systems, LIMITS[name], ("newswatch",))
    problems = []
    for f in (f for f in FLOORS if f.name == name):
        try:
            value = res.row(f.slice, f.metric).newswatch
        except KeyError:
            problems.append(f"{name}: the scorer no longer reports {f.slice} / {f.metric}")
            continue
        msg = f.check(value)
        if msg:
            problems.append(msg)
    reason = res.systems["newswatch"].reason
    assert not problems, "\n".join(problems) + (f"\n(newswatch: {reason})" if reason else "")
