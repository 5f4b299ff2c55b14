"""The quality gate: pinned score floors on a fast subset, and SHA-256 pins of the gold files.

``eval/floors.toml`` lists, per evaluation, the subset size (``limit``: first N documents of
each gold file) and floors: ``{slice, metric, min}`` (or ``max`` for lower-is-better metrics
such as AUC), each with the value ``measured`` when it was pinned. ``eval/gold-hashes.json``
maps every file of every dataset folder to its SHA-256, so a changed gold file fails the gate
until someone re-measures and updates both files on purpose.

Command line (from the repository root)::

    python -m newswatch.evaluation.gate --measure      # print the gate metrics on the subsets
    python -m newswatch.evaluation.gate --write-hashes # re-pin eval/gold-hashes.json

Raising or lowering a floor is a reviewed edit of ``eval/floors.toml``; nothing here writes it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .report import EvalResult
from .runner import default_data_root, folder_of, registry, run
from .systems import Systems

#: Where the gate files live, relative to the repository root.
FLOORS_FILE = Path("eval") / "floors.toml"
HASHES_FILE = Path("eval") / "gold-hashes.json"


@dataclass(frozen=True, slots=True)
class Floor:
    """One pinned bound: ``slice``/``metric`` of evaluation ``name`` must stay >= ``min`` (or
    <= ``max``)."""

    name: str
    slice: str
    metric: str
    min: float | None
    max: float | None
    measured: float | None

    def check(self, value: float | None) -> str | None:
        """None when ``value`` satisfies the bound, else a sentence saying what is wrong."""
        what = f"{self.name}: {self.slice} / {self.metric}"
        if value is None:
            return f"{what}: no newswatch score (stage not available?) but a floor is pinned"
        if self.min is not None and value < self.min:
            return f"{what} = {value:.4f} fell below its floor {self.min} (pinned when it measured {self.measured})"
        if self.max is not None and value > self.max:
            return f"{what} = {value:.4f} rose above its ceiling {self.max} (pinned when it measured {self.measured})"
        return None


def load_floors(path: Path) -> tuple[dict[str, int | None], list[Floor]]:
    """Read ``floors.toml``.

    Returns:
        ``({evaluation: limit}, [Floor, ...])``.

    Raises:
        ValueError: a malformed entry (names the evaluation and the entry).
    """
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    limits: dict[str, int | None] = {}
    floors: list[Floor] = []
    known = registry()
    for name, section in raw.items():
        if not isinstance(section, dict) or name == "gate":
            continue
        if name not in known:
            raise ValueError(f"{path}: [{name}] is not a known evaluation")
        limits[name] = section.get("limit")
        for i, f in enumerate(section.get("floors", [])):
            if "slice" not in f or "metric" not in f or ("min" in f) == ("max" in f):
                raise ValueError(f"{path}: [{name}] floor #{i} needs slice, metric and one of min/max")
            floors.append(Floor(name, f["slice"], f["metric"], f.get("min"), f.get("max"), f.get("measured")))
    return limits, floors


def sha256(path: Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def gold_hashes(root: Path, names: list[str]) -> dict[str, str]:
    """``{"<dataset>/<relative path>": sha256}`` for every file under ``root/<name>``."""
    out: dict[str, str] = {}
    for name in names:
        base = root / name
        for p in sorted(base.rglob("*")):
            if p.is_file():
                out[f"{name}/{p.relative_to(base).as_posix()}"] = sha256(p)
    return out


def hash_differences(pinned: dict[str, str], current: dict[str, str]) -> list[str]:
    """Human-readable differences between pinned and current hashes (empty when equal)."""
    diffs = []
    for key in sorted(set(pinned) | set(current)):
        if key not in current:
            diffs.append(f"{key}: pinned but missing now")
        elif key not in pinned:
            diffs.append(f"{key}: new file, not pinned")
        elif pinned[key] != current[key]:
            diffs.append(f"{key}: SHA-256 {current[key][:12]}… differs from pinned {pinned[key][:12]}…")
    return diffs


def measure(root: Path, limits: dict[str, int | None], systems: Systems | None = None,
            which: tuple[str, ...] = ("newswatch",)) -> dict[str, EvalResult]:
    """Run each gated evaluation on its subset (newswatch only by default)."""
    systems = systems or Systems()
    return {name: run(name, root / folder_of(name), systems, limit, which) for name, limit in limits.items()}


def _repo_root() -> Path:
    return Path(__file__).resolve().parents[3]


def main(argv: list[str] | None = None) -> int:
    """``--measure`` prints subset scores next to the floors; ``--write-hashes`` re-pins hashes."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--measure", action="store_true")
    ap.add_argument("--write-hashes", action="store_true")
    args = ap.parse_args(argv)
    data = args.data or default_data_root()
    if data is None:
        print("no --data and no ../shared/eval", file=sys.stderr)
        return 2
    repo = _repo_root()
    if args.write_hashes:
        hashes = gold_hashes(data, sorted({e.data_folder for e in registry().values() if not e.bundled}))
        (repo / HASHES_FILE).write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"pinned {len(hashes)} files in {repo / HASHES_FILE}")
    if args.measure:
        limits, floors = load_floors(repo / FLOORS_FILE)
        results = measure(data, limits)
        report: list[dict[str, Any]] = []
        for name, res in results.items():
            for r in res.rows:
                pinned = [f for f in floors if f.name == name and f.slice == r.dataset and f.metric == r.metric]
                report.append({"evaluation": name, "slice": r.dataset, "metric": r.metric,
                               "newswatch": r.newswatch, "limit": limits[name],
                               "floor": (pinned[0].min if pinned[0].min is not None else pinned[0].max)
                               if pinned else None,
                               "seconds": round(res.seconds, 1)})
        print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
