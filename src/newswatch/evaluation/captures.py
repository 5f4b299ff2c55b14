"""Plain-text capture scorer: headline choice and page-chrome removal (``eval/captures/``).

The set ships with the repository (``eval/captures/``: one ``.txt`` capture per page layout,
written for newswatch in its own wording, English and Russian, and ``gold.jsonl``). Each gold
record names its capture ``file``, its ``language``, the headline ``title`` and the ``body``
lines (exact lines of the capture, in order); every other non-empty line of the capture is
chrome (site name, menus, share lines, cookie banners, "most read" lists, footers) or a
repetition of the headline.

newswatch = :func:`newswatch.ingest.extract.extract_text` on the capture's text.
baseline = the naive reading with no filter: the first line is the title, every other line
is body (what a reader of the capture without newswatch would get).

Metrics, per language and over all captures:

* title accuracy: share of captures whose title equals the gold headline (whitespace
  collapsed, case folded);
* chrome removal: share of gold chrome lines (headline repetitions included) absent from the
  extracted text;
* body kept: share of gold body lines present, as whole paragraphs, in the extracted text;
* page exact: share of captures with the right title, every body line and no chrome line.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import NewswatchError
from .common import bundled_records, first, new_result, row
from .datasets import DatasetError
from .report import EvalResult
from .systems import Systems, Timer

#: Gold file name inside the dataset folder.
GOLD_FILE = "gold.jsonl"
#: The folder of the set inside the repository (default data of ``newswatch eval captures``).
BUNDLED_DIR = Path(__file__).resolve().parents[3] / "eval" / "captures"


@dataclass(frozen=True, slots=True)
class Capture:
    """One gold capture: its text, language, headline, body lines and chrome lines."""

    key: str
    text: str
    language: str
    title: str
    body: tuple[str, ...]
    chrome: tuple[str, ...]


def _key(line: str) -> str:
    return " ".join(line.split()).casefold()


def load_captures(folder: Path) -> list[Capture]:
    """Read ``gold.jsonl`` and the captures it names.

    Raises:
        DatasetError: the gold file or a capture is missing, or a body line is not a line of
            its capture.
    """

    def parse(rec: dict[str, Any]) -> Capture:
        text = (folder / rec["file"]).read_text(encoding="utf-8")
        body = tuple(rec["body"])
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        missing = [b for b in body if b not in lines]
        if missing:
            raise DatasetError(f"body line not in the capture: {missing[0][:60]!r}")
        chrome = tuple(ln for ln in lines if ln not in body)
        return Capture(rec["file"], text, rec["language"], rec["title"], body, chrome)

    return bundled_records(folder, GOLD_FILE, parse)


@dataclass(slots=True)
class _Tally:
    pages: int = 0
    titles: int = 0
    chrome: int = 0
    chrome_removed: int = 0
    body: int = 0
    body_kept: int = 0
    exact: int = 0

    def add(self, cap: Capture, title: str | None, text: str) -> None:
        paragraphs = {_key(p) for p in text.split("\n\n") if p.strip()}
        body_keys = {_key(b) for b in cap.body}
        extra = [p for p in paragraphs if p not in body_keys]
        ok_title = title is not None and _key(title) == _key(cap.title)
        kept = sum(_key(b) in paragraphs for b in cap.body)
        # a chrome line is left in when it is a paragraph of the output or inside one that is
        # not a gold body line (glued to other lines)
        removed = sum(_key(c) not in paragraphs and not any(_key(c) in p for p in extra)
                      for c in cap.chrome)
        self.pages += 1
        self.titles += ok_title
        self.chrome += len(cap.chrome)
        self.chrome_removed += removed
        self.body += len(cap.body)
        self.body_kept += kept
        self.exact += ok_title and kept == len(cap.body) and removed == len(cap.chrome)

    def scores(self) -> dict[str, float]:
        return {
            "title accuracy": self.titles / self.pages if self.pages else 0.0,
            "chrome removal": self.chrome_removed / self.chrome if self.chrome else 0.0,
            "body kept": self.body_kept / self.body if self.body else 0.0,
            "page exact": self.exact / self.pages if self.pages else 0.0,
        }


METRICS = ("title accuracy", "chrome removal", "body kept", "page exact")


def _newswatch(cap: Capture) -> tuple[str | None, str]:
    from ..ingest.extract import extract_text

    try:
        art = extract_text(cap.text, cap.key)
    except NewswatchError:
        return None, ""
    return art.title, art.text


def _baseline(cap: Capture) -> tuple[str | None, str]:
    lines = [ln.strip() for ln in cap.text.splitlines() if ln.strip()]
    return (lines[0] if lines else None), "\n\n".join(lines[1:])


def evaluate_captures(data: Path, systems: Systems, limit: int | None = None,
                      which: tuple[str, ...] = ("newswatch", "baseline")) -> EvalResult:
    """Score headline choice and chrome removal on plain-text captures.

    Args:
        data: the set's folder; when it has no ``gold.jsonl`` (``--data`` pointing at the
            shared folder of dataset folders), the copy in the repository is used.
        systems: unused (kept for the common scorer signature).
        limit: score only the first N captures.
        which: systems to run.

    Raises:
        DatasetError: missing or malformed gold.
    """
    del systems
    t0 = time.perf_counter()
    folder = Path(data) if (Path(data) / GOLD_FILE).is_file() else BUNDLED_DIR
    caps = load_captures(folder)
    chosen, skipped = first(caps, limit)
    res = new_result("captures", folder, len(caps), limit, "newswatch extract_text (title + chrome filter)",
                     "first line as title, every other line as body", which)
    runners = {"newswatch": _newswatch, "baseline": _baseline}
    tallies: dict[str, dict[str, _Tally]] = {}
    for sysname, fn in runners.items():
        run = res.systems[sysname]
        if not run.available:
            continue
        timer = Timer()
        per = tallies.setdefault(sysname, {})
        for cap in chosen:
            with timer:
                title, text = fn(cap)
            run.scored += 1
            run.errors += sysname == "newswatch" and not text
            for slice_ in ("captures", f"captures/{cap.language}"):
                per.setdefault(slice_, _Tally()).add(cap, title, text)
        run.seconds = timer.seconds
    slices = ["captures"] + sorted({f"captures/{c.language}" for c in chosen})
    for slice_ in slices:
        docs = sum(1 for c in chosen if slice_ == "captures" or slice_ == f"captures/{c.language}")
        for metric in METRICS:
            scores: dict[str, float | None] = {s: t[slice_].scores()[metric] for s, t in tallies.items() if slice_ in t}
            res.rows.append(row(slice_, metric, scores, docs, skipped if slice_ == "captures" else 0, docs))
    res.notes.append("Own set (eval/captures/, invented pages in newswatch's wording); a chrome line "
                     "counts as removed when it is neither a paragraph of the output nor inside one.")
    res.seconds = time.perf_counter() - t0
    return res
