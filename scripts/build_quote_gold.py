#!/usr/bin/env python
"""Build eval/quotes/gold.jsonl (character offsets) from eval/quotes/annotations.jsonl.

Usage (from the repository root):

    .venv/bin/python scripts/build_quote_gold.py [--corpus ../shared/corpus]

An annotation names the quote by the exact text where it begins (``start``) and ends (``end``,
included) in the document ``doc`` of ``../shared/corpus/``; the first occurrence of ``start``
(after the first occurrence of ``after`` when given) and the first ``end`` at or after it. This
script turns that into offsets in the record's ``text`` (the text newswatch reads from a JSON
Lines record, end exclusive), adds the passage scored for precision (see eval/quotes/README.md)
and the SHA-256 of the document text, and fails loudly when a string is not found.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = ROOT / "eval" / "quotes"
#: A sentence ends at a line break or at . ! ? … (with a closing quotation mark) before a space.
_SENT_END = re.compile(r"\n|[.!?…][\"”»’)]*[ \t\u00a0]+(?=[\"“«„(]?[A-ZА-ЯЁ0-9])")


def _docs(corpus: Path, wanted: set[str]) -> dict[str, tuple[str, dict[str, object]]]:
    out: dict[str, tuple[str, dict[str, object]]] = {}
    for path in sorted(corpus.glob("*/*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                if rec.get("id") in wanted:
                    out[str(rec["id"])] = (path.parent.name, rec)
    return out


def _find(text: str, words: str, at: int) -> re.Match[str] | None:
    """First occurrence of ``words`` at or after ``at``; any run of white space (no-break
    spaces of the White House texts included) matches a space of the annotation."""
    rx = re.compile(r"\s+".join(re.escape(w) for w in words.split()))
    return rx.search(text, at)


def _passage(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentences holding [start, end): from the last sentence end before ``start`` to the
    first one at or after ``end``."""
    a = 0
    for m in _SENT_END.finditer(text, 0, start):
        a = m.end()
    m = _SENT_END.search(text, end)
    b = m.start() + (1 if m and text[m.start()] != "\n" else 0) if m else len(text)
    return a, max(b, end)


def build(corpus: Path) -> list[dict[str, object]]:
    """Gold records in annotation order (raises SystemExit naming the first bad annotation)."""
    lines = (GOLD_DIR / "annotations.jsonl").read_text(encoding="utf-8").splitlines()
    notes = [json.loads(x) for x in lines if x.strip()]
    docs = _docs(corpus, {n["doc"] for n in notes})
    out = []
    for n, note in enumerate(notes, start=1):
        if note["doc"] not in docs:
            raise SystemExit(f"annotation {n}: document {note['doc']} not in {corpus}")
        folder, rec = docs[note["doc"]]
        text = str(rec["text"])
        anchor = _find(text, note["after"], 0) if note.get("after") else None
        m_start = _find(text, note["start"], anchor.start() if anchor else 0)
        if m_start is None:
            raise SystemExit(f"annotation {n}: start {note['start']!r} not in {note['doc']}")
        start = m_start.start()
        m_end = _find(text, note["end"], start)
        if m_end is None:
            raise SystemExit(f"annotation {n}: end {note['end']!r} not after the start in {note['doc']}")
        end = m_end.end()
        if note["kind"] == "turn":
            pa, pb = start, end
        else:
            pa, pb = _passage(text, start, end)
        out.append({
            "id": f"q{n:03d}", "corpus": folder, "doc": note["doc"], "language": rec["language"],
            "published": rec.get("published"), "kind": note["kind"], "start": start, "end": end,
            "speaker": note["speaker"], "passage": [pa, pb], "text": text[start:end],
            "doc_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        })
    return out


def main(argv: list[str] | None = None) -> int:
    """Write eval/quotes/gold.jsonl; print its composition."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = ap.parse_args(argv)
    recs = build(args.corpus)
    with (GOLD_DIR / "gold.jsonl").open("w", encoding="utf-8") as fh:
        for r in recs:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    by: dict[str, int] = {}
    for r in recs:
        for key in (str(r["language"]), str(r["kind"]), str(r["corpus"])):
            by[key] = by.get(key, 0) + 1
    print(f"{len(recs)} quotes in {len({r['doc'] for r in recs})} documents: "
          + ", ".join(f"{k} {v}" for k, v in sorted(by.items())), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
