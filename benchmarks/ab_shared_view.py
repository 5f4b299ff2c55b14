"""In-process A/B of round nine's two stage changes: the stages after nlp run over the same
analysed articles, streamed as the worker runs them (each article through every stage), in
alternating rounds with the old behaviour (a parse view built by each stage that reads one,
``fold`` without its memo) and the new one; CPU seconds per stage per round.

Usage (from the repository root)::

    PYTHONPATH=src .venv/bin/python benchmarks/ab_shared_view.py --limit 250 --rounds 4 --json out.json

One process, one set of articles, alternating rounds: the comparison is not at the mercy of
other jobs' load as much as separate runs are. The first round of each kind warms caches and
is reported but left out of the medians. pytest never collects this file.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _set_fold(func: Any) -> None:
    """Bind ``func`` as ``fold`` in every loaded newswatch module that imported ``fold``."""
    import newswatch.text as text_mod

    for name, mod in list(sys.modules.items()):
        if name.startswith("newswatch") and getattr(mod, "fold", None) in (text_mod.fold, text_mod.fold_text, func):
            mod.fold = func  # type: ignore[attr-defined]


def main() -> int:
    """Run the alternating rounds and print (optionally write) the per-stage CPU seconds."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=250)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()

    from profile_stages import DEFAULT_CORPUS, _read

    import newswatch.text as text_mod
    from newswatch.ingest.budget import recording_pipeline
    from newswatch.text.syntax import DocView

    pipeline: Any = recording_pipeline()
    articles = _read(DEFAULT_CORPUS, args.limit)
    for st in pipeline.stages:
        if st.name in ("language", "nlp"):
            articles = list(pipeline._stream(st, articles))
    after = [st for st in pipeline.stages if st.name not in ("language", "nlp")]
    cached_fold, plain_fold = text_mod.fold, text_mod.fold_text
    shared = DocView.__dict__["shared"]
    built = classmethod(lambda cls, article: cls.build(article))
    rounds: list[dict[str, Any]] = []
    for r in range(2 * args.rounds):
        kind = "old" if r % 2 == 0 else "new"
        _set_fold(plain_fold if kind == "old" else cached_fold)
        DocView.shared = built if kind == "old" else shared  # type: ignore[method-assign,assignment]
        cached_fold.cache_clear()
        sec: dict[str, float] = {}
        for a in articles:
            for st in after:
                t0 = time.process_time()
                pipeline._run_one(st, a)
                sec[st.name] = sec.get(st.name, 0.0) + time.process_time() - t0
        rounds.append({"kind": kind, "stage_cpu_s": {k: round(v, 3) for k, v in sec.items()},
                       "total": round(sum(sec.values()), 3)})
        print(kind, rounds[-1]["total"], rounds[-1]["stage_cpu_s"], flush=True)
    _set_fold(cached_fold)
    DocView.shared = shared  # type: ignore[method-assign]
    med = {kind: {"total": statistics.median(x["total"] for x in rounds[2:] if x["kind"] == kind),
                  "stage_cpu_s": {s: statistics.median(x["stage_cpu_s"][s] for x in rounds[2:] if x["kind"] == kind)
                                  for s in rounds[0]["stage_cpu_s"]}}
           for kind in ("old", "new")}
    result = {"articles": len(articles), "rounds": rounds, "median_after_first": med}
    print(json.dumps(med, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
