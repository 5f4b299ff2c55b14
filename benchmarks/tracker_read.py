"""How long the casualty tracker takes beside the whole claims ledger (issue 9).

Builds the web test database plus many damage reports (``tests/web_samples.build_claims_db``:
400 articles over 120 claim groups, 28,800 claims, none of them a casualty figure) and prints,
in one run, the time of the whole ledger (``read.situation.claim_groups``) and of the tracker
(``read.tracker.tracker``, which reads only the casualty groups), best of three, and their
ratio. Run it with the sources to measure first:

    PYTHONPATH=src:tests .venv/bin/python benchmarks/tracker_read.py [DB_PATH]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from newswatch.read.situation import claim_groups  # noqa: E402
from newswatch.read.tracker import tracker  # noqa: E402
from newswatch.storage import Store  # noqa: E402

from web_samples import build_claims_db  # noqa: E402  (after the path)


def _best(fn: object, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    """Build the database (or reuse the one given) and time both reads."""
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()) / "claims.sqlite"
    url = f"sqlite:///{path}" if path.exists() else build_claims_db(path, articles=400, groups=120)
    with Store.open(url) as store, store.read() as conn:
        claims = sum(len(g.claims) for g in claim_groups(conn))
        ledger = _best(lambda: claim_groups(conn))
        tracked = _best(lambda: tracker(conn))
    print(f"{claims:,} claims: ledger {ledger * 1000:.0f} ms, tracker {tracked * 1000:.1f} ms "
          f"(ledger/tracker {ledger / tracked:.0f}x) ({path})")


if __name__ == "__main__":
    main()
