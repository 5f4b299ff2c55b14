"""The analysis worker's stages one by one: CPU seconds per stage over N corpus records, with
spaCy's own ``nlp.pipe`` separated from the nlp stage's conversion of its output, and an
optional cProfile of the stages after spaCy.

Usage (from the repository root; put the code tree to measure first on ``PYTHONPATH``)::

    PYTHONPATH=src .venv/bin/python benchmarks/profile_stages.py --limit 250 \\
        [--corpus ../shared/corpus/wh_statements_2021/articles.jsonl] [--profile out.prof] \\
        [--json out.json] [--outputs out.pickle] [--stream]

The records are read as ``ingest`` reads them (``read_inputs``); the default pipeline is built
as the analysis worker builds it (``recording_pipeline``) and its English model loaded before
any clock starts. Then each stage runs over the whole list before the next one starts (the
runner's own ``_stream``, so the field checks and error policy are counted with the stage),
timed with ``time.process_time`` (user + system CPU of this process: robust to other jobs on
the machine, unlike wall clock). The nlp stage is split: ``spacy`` is ``nlp.pipe`` over the
texts (the same batches the stage uses), ``nlp_convert`` the stage's own copy of the docs into
tokens, sentences and spans. The collector runs as in the worker (threshold
``GC_YOUNG_THRESHOLD``, the loaded heap frozen). ``--outputs`` pickles every analysed article
(tokens dropped as for the parent) to compare two code trees' outputs byte for byte.
``--stream`` runs the stages after nlp as the worker's pipeline does, each article through all
of them before the next article (per-stage CPU summed over the articles), so that what one
stage leaves for the next (the shared parse view, :meth:`newswatch.text.syntax.DocView.shared`)
counts as in the worker. pytest never collects this file.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import pickle
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "wh_statements_2021" / "articles.jsonl"


def _read(corpus: Path, limit: int) -> list[Any]:
    """The first ``limit`` records of ``corpus`` as Articles, read as ``ingest`` reads them."""
    from newswatch.ingest.readers import read_inputs
    from newswatch.model import Article
    from newswatch.settings import load as load_settings

    lines = corpus.read_text(encoding="utf-8").splitlines()[:limit]
    # a fixed file name, so that the articles' origins (and the --outputs pickles) are the same
    # from run to run
    subset = Path(tempfile.gettempdir()) / "newswatch_profile_stages" / corpus.name
    subset.parent.mkdir(exist_ok=True)
    subset.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_inputs([str(subset)], published=None, source=None, language=None,
                             settings=load_settings()))
    return [a for a in items if isinstance(a, Article)]


def main() -> int:
    """Run the stages over the records; print and optionally write the per-stage CPU seconds."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=250)
    ap.add_argument("--profile", type=Path, default=None, help="cProfile of the stages after nlp")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--outputs", type=Path, default=None)
    ap.add_argument("--note", default="")
    ap.add_argument("--stream", action="store_true",
                    help="after nlp, run every stage on an article before the next article (as the "
                         "worker's pipeline does) instead of each stage over all the articles")
    args = ap.parse_args()

    from newswatch.ingest.budget import GC_YOUNG_THRESHOLD, _for_parent, recording_pipeline, settle_heap
    from newswatch.pipeline import _snapshot
    from newswatch.stages.nlp import MAX_ANALYSED_CHARS, SPACY_BATCH, _fill_from_spacy

    t0 = time.process_time()
    gc.disable()
    pipeline: Any = recording_pipeline()
    nlp_stage = next(st for st in pipeline.stages if st.name == "nlp")
    english = nlp_stage._english()
    build = time.process_time() - t0
    t0 = time.process_time()
    articles = _read(args.corpus, args.limit)
    read = time.process_time() - t0
    settle_heap()
    gc.enable()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])

    seconds: dict[str, float] = {}
    prof = cProfile.Profile(time.process_time) if args.profile else None
    stream: list[Any] = articles
    for st in pipeline.stages:
        if st.name == "nlp" and all(a.language == "en" for a in stream):
            t0 = time.process_time()
            docs = list(english.pipe([a.text[:MAX_ANALYSED_CHARS] for a in stream], batch_size=SPACY_BATCH))
            seconds["spacy"] = time.process_time() - t0
            t0 = time.process_time()
            for a, doc in zip(stream, docs, strict=True):
                before = _snapshot(a)
                _fill_from_spacy(a, doc)
                pipeline._finish(st, a, before)
            seconds["nlp_convert"] = time.process_time() - t0
            del docs
            continue
        if args.stream and st.name not in ("language", "nlp"):
            continue
        if prof is not None:
            prof.enable()
        t0 = time.process_time()
        stream = list(pipeline._stream(st, stream))
        seconds[st.name] = time.process_time() - t0
        if prof is not None:
            prof.disable()
    if args.stream:  # each article through every stage after nlp, then the next article
        after = [st for st in pipeline.stages if st.name not in ("language", "nlp")]
        if prof is not None:
            prof.enable()
        for a in stream:
            for st in after:
                t0 = time.process_time()
                pipeline._run_one(st, a)
                seconds[st.name] = seconds.get(st.name, 0.0) + time.process_time() - t0
        if prof is not None:
            prof.disable()
    own = sum(v for k, v in seconds.items() if k != "spacy")
    errors = sum(len(a.errors) for a in stream)
    result = {
        "note": args.note, "stream": args.stream, "articles": len(stream), "chars": sum(len(a.text) for a in stream),
        "build_and_load_cpu_s": round(build, 3), "read_cpu_s": round(read, 3),
        "stage_cpu_s": {k: round(v, 3) for k, v in seconds.items()},
        "own_stages_cpu_s": round(own, 3), "stage_errors": errors,
    }
    if prof is not None:
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(45)
        prof.dump_stats(str(args.profile))
        result["profile_top_tottime"] = buf.getvalue().splitlines()[:70]
    if args.outputs:
        args.outputs.write_bytes(pickle.dumps([_for_parent(a) for a in stream], protocol=pickle.HIGHEST_PROTOCOL))
    print(json.dumps({k: v for k, v in result.items() if k != "profile_top_tottime"}, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
