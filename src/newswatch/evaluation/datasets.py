"""Loaders for the evaluation sets under ``shared/eval/<name>/`` (and any folder laid out alike).

Each loader takes the dataset folder and returns plain records; nothing is scored here. File
names are found by pattern (``ground-truth*.json``, ``GWN*.xml`` ...), so the held-out half,
shipped with the same layout, loads unchanged. Every problem with the files raises
:class:`DatasetError` naming the file (and the line or key when there is one).

Formats are described in each dataset's README; the comment above each loader names the
upstream source.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..errors import NewswatchError


class DatasetError(NewswatchError):
    """A dataset file is missing, unreadable or malformed; ``subject`` is the file path."""

    code = "eval-data"


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class GoldSpan:
    """A gold character span: ``text[start:end]`` (end exclusive) with a label."""

    start: int
    end: int
    label: str


@dataclass(slots=True)
class HtmlPage:
    """One HTML page with its gold.

    Attributes:
        key: the page's key in the gold file (an id or a URL).
        url: page address when known.
        html_path: path of the gzip-compressed HTML bytes.
        subset: which gold file it came from (e.g. ``"default"``, ``"mediacloud"``).
        body: gold main text (scrapinghub-aeb), else None.
        with_snippets / without_snippets: snippets that must / must not appear (trafilatura-eval).
        date: gold publication day; None when the gold says there is no reliable date (or,
            for trafilatura-eval metadata, when the gold date is unreadable).
        date_given: False when the gold file has no date field for this page at all.
    """

    key: str
    url: str | None
    html_path: Path
    subset: str = ""
    body: str | None = None
    with_snippets: list[str] = field(default_factory=list)
    without_snippets: list[str] = field(default_factory=list)
    date: dt.date | None = None
    date_given: bool = False

    def read_html(self) -> bytes:
        """The page's raw HTML bytes (the stored file is gzip-compressed).

        Raises:
            DatasetError: the file is missing or is not valid gzip.
        """
        try:
            return gzip.decompress(self.html_path.read_bytes())
        except FileNotFoundError:
            raise DatasetError(f"HTML file for {self.key!r} is missing",
                               subject=str(self.html_path)) from None
        except (OSError, EOFError) as exc:
            raise DatasetError(f"not a readable gzip file ({exc})",
                               subject=str(self.html_path)) from None


@dataclass(slots=True)
class TextDoc:
    """A document with gold spans over its text (NER-style sets).

    Attributes:
        id: document id.
        text: the text the offsets point into.
        language: ISO 639-1 code.
        spans: gold spans (labels in the dataset's own scheme).
        tokens: (start, end) character offsets of the gold tokens, when the set is tokenised.
        meta: anything else worth keeping (e.g. GUM ``dateCreated``).
    """

    id: str
    text: str
    language: str
    spans: list[GoldSpan] = field(default_factory=list)
    tokens: list[tuple[int, int]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GoldToponym:
    """A gold toponym: offsets, pragmatic type (GeoWebNews) and location when resolvable.

    ``lat``/``lon`` are WGS84 degrees or None; ``geonameid`` is a GeoNames id or None;
    ``page`` is the Wikipedia page (GeoVirus) or None.
    """

    start: int
    end: int
    name: str
    type: str = "Literal"
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    page: str | None = None


@dataclass(slots=True)
class GeoDoc:
    """A text with gold toponyms."""

    id: str
    text: str
    toponyms: list[GoldToponym]
    url: str | None = None


@dataclass(slots=True)
class Re3dDoc:
    """A re3d document: text and gold entity spans kept at ``confidence >= 0.5``."""

    id: str
    text: str
    collection: str
    spans: list[GoldSpan]


@dataclass(slots=True)
class PloverRecord:
    """One PLOVER gold-standard record (one sentence, one event).

    ``source_codes``/``target_codes`` are the actors' ``code`` values (ISO 3166-1 alpha-3 or a
    group code such as IGO), as sets.
    """

    id: str
    text: str
    event: str
    mode: str | None
    source_codes: frozenset[str]
    target_codes: frozenset[str]
    context: str | None = None


@dataclass(slots=True)
class Dataset:
    """A loaded dataset: its name, the folder, the gold files read and the records."""

    name: str
    folder: Path
    files: list[Path]
    records: list[Any]

    def __len__(self) -> int:
        return len(self.records)


# --------------------------------------------------------------------------- helpers


def _folder(path: Path | str) -> Path:
    p = Path(path)
    if not p.is_dir():
        raise DatasetError("dataset folder does not exist (pass --data DIR)", subject=str(p))
    return p


def _one(folder: Path, pattern: str, what: str) -> Path:
    """The single file in ``folder`` matching ``pattern``.

    Raises:
        DatasetError: no match, or more than one.
    """
    found = sorted(folder.glob(pattern))
    if not found:
        raise DatasetError(f"missing file: expected {what} matching {pattern!r}",
                           subject=str(folder / pattern))
    if len(found) > 1:
        names = ", ".join(f.name for f in found)
        raise DatasetError(f"several files match {pattern!r} ({names}); keep one per folder",
                           subject=str(folder))
    return found[0]


def _load_json(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        raise DatasetError("missing file", subject=str(path)) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DatasetError(f"malformed JSON: {exc}", subject=str(path)) from None


def _load_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise DatasetError("missing file", subject=str(path)) from None
    except UnicodeDecodeError as exc:
        raise DatasetError(f"not UTF-8: {exc}", subject=str(path)) from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"line {n}: malformed JSON: {exc}", subject=str(path)) from None
        if not isinstance(obj, dict):
            raise DatasetError(f"line {n}: expected a JSON object", subject=str(path))
        yield obj


def _load_xml(path: Path) -> ET.Element:
    try:
        return ET.parse(path).getroot()
    except FileNotFoundError:
        raise DatasetError("missing file", subject=str(path)) from None
    except ET.ParseError as exc:
        raise DatasetError(f"malformed XML: {exc}", subject=str(path)) from None


def _need(obj: dict[str, Any], key: str, path: Path, where: str) -> Any:
    if key not in obj:
        raise DatasetError(f"{where}: missing field {key!r}", subject=str(path))
    return obj[key]


def _int(value: str | None, path: Path, where: str) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise DatasetError(f"{where}: expected an integer offset, got {value!r}",
                           subject=str(path)) from None


def _float_or_none(value: str | None) -> float | None:
    if value is None or not str(value).strip():
        return None
    return float(value)


def _check_span(text: str, start: int, end: int, path: Path, where: str) -> None:
    if not 0 <= start <= end <= len(text):
        raise DatasetError(f"{where}: offsets {start}-{end} fall outside the text "
                           f"({len(text)} characters)", subject=str(path))


# --------------------------------------------------------------------------- extraction


def load_aeb(folder: Path | str) -> Dataset:
    """scrapinghub/article-extraction-benchmark: ``ground-truth*.json`` + ``html/<id>.html.gz``.

    Returns:
        A :class:`Dataset` of :class:`HtmlPage` with ``body`` set.

    Raises:
        DatasetError: missing/malformed gold file, or an entry without ``articleBody``.
    """
    root = _folder(folder)
    gold_path = _one(root, "ground-truth*.json", "the gold article bodies")
    gold = _load_json(gold_path)
    if not isinstance(gold, dict):
        raise DatasetError("expected an object {id: {articleBody, url}}", subject=str(gold_path))
    pages = []
    for key, item in gold.items():
        if not isinstance(item, dict):
            raise DatasetError(f"entry {key!r}: expected an object", subject=str(gold_path))
        body = _need(item, "articleBody", gold_path, f"entry {key!r}")
        pages.append(HtmlPage(key=key, url=item.get("url"), html_path=root / "html" / f"{key}.html.gz",
                              subset="aeb", body=body))
    return Dataset("scrapinghub-aeb", root, [gold_path], pages)


def load_trafilatura_eval(folder: Path | str) -> Dataset:
    """adbar/trafilatura ``tests/evaldata.json``: ``evaldata*.json`` + gzip HTML.

    Returns:
        :class:`HtmlPage` records with ``with_snippets``/``without_snippets`` (and ``date``
        when the gold has one).

    Raises:
        DatasetError: missing/malformed gold file or an entry lacking ``html``/``with``.
    """
    root = _folder(folder)
    gold_path = _one(root, "evaldata*.json", "the snippet gold")
    gold = _load_json(gold_path)
    if not isinstance(gold, dict):
        raise DatasetError("expected an object {url: {...}}", subject=str(gold_path))
    pages = []
    for url, item in gold.items():
        where = f"entry {url!r}"
        if not isinstance(item, dict):
            raise DatasetError(f"{where}: expected an object", subject=str(gold_path))
        html = _need(item, "html", gold_path, where)
        with_ = _need(item, "with", gold_path, where)
        without = item.get("without", [])
        if not isinstance(with_, list) or not isinstance(without, list):
            raise DatasetError(f"{where}: 'with'/'without' must be lists", subject=str(gold_path))
        pages.append(HtmlPage(key=url, url=url, html_path=root / html, subset="trafilatura",
                              with_snippets=with_, without_snippets=without,
                              date=_lenient_date(item.get("date")),
                              date_given="date" in item))
    return Dataset("trafilatura-eval", root, [gold_path], pages)


def _lenient_date(value: Any) -> dt.date | None:
    """Metadata dates in trafilatura-eval are secondary gold (one upstream entry reads
    ``2022-29-11``); an unreadable one is treated as absent rather than failing the load."""
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _gold_date(value: Any, path: Path, where: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` gold date; NaN/None/"" mean "no reliable date" (None)."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str) and value.strip().lower() == "nan":
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise DatasetError(f"{where}: date {value!r} is not YYYY-MM-DD", subject=str(path)) from None


def load_htmldate_eval(folder: Path | str) -> Dataset:
    """adbar/htmldate ``tests/eval_default.json`` and ``eval_mediacloud_2020.json``.

    Both files (``eval_default*.json``, ``eval_mediacloud*.json``) are required. ``html`` paths
    are relative to the folder (some point into ``../trafilatura-eval``). ``NaN`` gold dates
    become ``date=None`` with ``date_given=True``.

    Raises:
        DatasetError: a gold file is missing or malformed, or an entry lacks ``html``/``date``.
    """
    root = _folder(folder)
    files = [(_one(root, "eval_default*.json", "the BBAW date gold"), "default"),
             (_one(root, "eval_mediacloud*.json", "the Media Cloud date gold"), "mediacloud")]
    pages = []
    for path, subset in files:
        gold = _load_json(path)
        if not isinstance(gold, dict):
            raise DatasetError("expected an object {url: {date, file, html}}", subject=str(path))
        for url, item in gold.items():
            where = f"entry {url!r}"
            if not isinstance(item, dict):
                raise DatasetError(f"{where}: expected an object", subject=str(path))
            html = _need(item, "html", path, where)
            raw = _need(item, "date", path, where)
            pages.append(HtmlPage(key=url, url=url, html_path=root / html, subset=subset,
                                  date=_gold_date(raw, path, where), date_given=True))
    return Dataset("htmldate-eval", root, [p for p, _ in files], pages)


# --------------------------------------------------------------------------- geoparsing


def load_geowebnews(folder: Path | str) -> Dataset:
    """GeoWebNews (Gritta et al. 2019), ``GWN*.xml``: articles with typed toponyms.

    Returns:
        :class:`GeoDoc` records; every toponym keeps its pragmatic ``type``; coordinates and
        GeoNames id are None when the gold has none.

    Raises:
        DatasetError: missing/malformed XML, bad offsets, or a span that does not match
        ``extractedName``.
    """
    root = _folder(folder)
    path = _one(root, "GWN*.xml", "the GeoWebNews XML")
    xml = _load_xml(path)
    docs: list[GeoDoc] = []
    for art in xml.iter("article"):
        doc_id = art.get("file") or str(len(docs))
        text = art.findtext("text")
        if text is None:
            raise DatasetError(f"article {doc_id}: no <text>", subject=str(path))
        tops = []
        for t in art.iter("toponym"):
            where = f"article {doc_id}"
            start = _int(t.findtext("start"), path, where)
            end = _int(t.findtext("end"), path, where)
            _check_span(text, start, end, path, where)
            name = t.findtext("extractedName") or ""
            if text[start:end] != name:
                raise DatasetError(f"{where}: span {start}-{end} is {text[start:end]!r}, "
                                   f"not {name!r}", subject=str(path))
            gid = (t.findtext("geonamesID") or "").strip()
            tops.append(GoldToponym(start, end, name, t.findtext("type") or "",
                                    _float_or_none(t.findtext("latitude")),
                                    _float_or_none(t.findtext("longitude")),
                                    int(gid) if gid.isdigit() else None))
        docs.append(GeoDoc(doc_id, text, tops, url=art.findtext("link")))
    if not docs:
        raise DatasetError("no <article> elements", subject=str(path))
    return Dataset("geowebnews", root, [path], docs)


def load_geovirus(folder: Path | str) -> Dataset:
    """GeoVirus (Gritta et al. 2018), ``GeoVirus*.xml``: WikiNews paragraphs with locations.

    The published ``start``/``end`` are one past the real offsets in every record of the
    dev file (``text[start-1:end-1] == name`` for all 1,093 locations), as if counted with a
    leading character the XML text does not have. The loader checks which of the two
    conventions the whole file follows and converts to 0-based offsets; a file mixing
    them is rejected.

    Raises:
        DatasetError: missing/malformed XML, or offsets that match ``name`` under neither
        convention.
    """
    root = _folder(folder)
    path = _one(root, "GeoVirus*.xml", "the GeoVirus XML")
    xml = _load_xml(path)
    raw: list[tuple[str, str | None, list[tuple[int, int, ET.Element]]]] = []
    for n, art in enumerate(xml.iter("article")):
        text = art.findtext("text")
        if text is None:
            raise DatasetError(f"article #{n}: no <text>", subject=str(path))
        locs = []
        for loc in art.iter("location"):
            where = f"article #{n}"
            locs.append((_int(loc.findtext("start"), path, where),
                         _int(loc.findtext("end"), path, where), loc))
        raw.append((text, art.findtext("source"), locs))
    if not raw:
        raise DatasetError("no <article> elements", subject=str(path))
    shift = None
    for candidate in (0, -1):
        if all(text[s + candidate:e + candidate] == (loc.findtext("name") or "")
               for text, _, locs in raw for s, e, loc in locs):
            shift = candidate
            break
    if shift is None:
        for n, (text, _, locs) in enumerate(raw):
            for s, e, loc in locs:
                if text[s:e] != loc.findtext("name") and text[s - 1:e - 1] != loc.findtext("name"):
                    raise DatasetError(f"article #{n}: span {s}-{e} is {text[s:e]!r}, not "
                                       f"{loc.findtext('name')!r} (nor one character earlier)",
                                       subject=str(path))
        raise DatasetError("offsets mix 0-based and 1-based records", subject=str(path))
    docs = []
    for n, (text, source, locs) in enumerate(raw):
        tops = [GoldToponym(s + shift, e + shift, loc.findtext("name") or "", "Literal",
                            _float_or_none(loc.findtext("lat")), _float_or_none(loc.findtext("lon")),
                            None, loc.findtext("page"))
                for s, e, loc in locs]
        docs.append(GeoDoc(f"{n}", text, tops, url=source))
    return Dataset("geovirus", root, [path], docs)


# --------------------------------------------------------------------------- NER


def load_factrueval(folder: Path | str) -> Dataset:
    """factRuEval-2016 (Starostin et al. 2016): ``book_N.{txt,spans,objects}`` (any subfolder).

    A mention (``.objects`` line) covers its name-part spans; its gold extent runs from the
    first span's start to the last span's end. Labels stay factRuEval's (Person, Org,
    Location, LocOrg, Project).

    Raises:
        DatasetError: no ``*.objects`` file, a companion file missing, a malformed line, or
        an object pointing to an unknown span.
    """
    root = _folder(folder)
    objects = sorted(root.rglob("*.objects"), key=lambda p: _natural_key(p.stem))
    if not objects:
        raise DatasetError("missing files: expected book_N.objects/.spans/.txt",
                           subject=str(root / "**" / "*.objects"))
    docs = []
    files: list[Path] = []
    for obj_path in objects:
        txt_path = obj_path.with_suffix(".txt")
        spans_path = obj_path.with_suffix(".spans")
        for p in (txt_path, spans_path):
            if not p.is_file():
                raise DatasetError(f"missing companion file of {obj_path.name}", subject=str(p))
        text = txt_path.read_text(encoding="utf-8")
        spans: dict[str, tuple[int, int]] = {}
        for n, line in enumerate(spans_path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            parts = line.split("#", 1)[0].split()
            if len(parts) < 4:
                raise DatasetError(f"line {n}: expected 'id type start length ...'",
                                   subject=str(spans_path))
            start = _int(parts[2], spans_path, f"line {n}")
            end = start + _int(parts[3], spans_path, f"line {n}")
            _check_span(text, start, end, spans_path, f"line {n}")
            spans[parts[0]] = (start, end)
        gold = []
        for n, line in enumerate(obj_path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            parts = line.split("#", 1)[0].split()
            if len(parts) < 3:
                raise DatasetError(f"line {n}: expected 'id type span_ids...'", subject=str(obj_path))
            try:
                extents = [spans[s] for s in parts[2:]]
            except KeyError as exc:
                raise DatasetError(f"line {n}: unknown span id {exc.args[0]}",
                                   subject=str(obj_path)) from None
            gold.append(GoldSpan(min(s for s, _ in extents), max(e for _, e in extents), parts[1]))
        docs.append(TextDoc(obj_path.stem, text, "ru", gold))
        files += [txt_path, spans_path, obj_path]
    return Dataset("factrueval-2016", root, files, docs)


def _natural_key(stem: str) -> tuple[str, int]:
    m = re.search(r"(\d+)$", stem)
    return (stem[: m.start()] if m else stem, int(m.group(1)) if m else -1)


def load_uner(folder: Path | str, language: str, keep_sentences: bool = False) -> Dataset:
    """Universal NER PUD (Mayhew et al. 2024): ``<lang>_pud*.iob2``.

    Sentences of one ``newdoc`` become one :class:`TextDoc`, joined by single spaces (offsets
    recomputed); ``tokens`` holds each gold token's character offsets. Gold spans carry
    UNER labels (PER, ORG, LOC). With ``keep_sentences`` each document's
    ``meta["sentences"]`` lists its sentence texts.

    Raises:
        DatasetError: missing file, a token that cannot be found in its ``# text`` line, or
        an I- tag with no entity open.
    """
    root = _folder(folder)
    path = _one(root, f"{language}_pud*.iob2", f"the {language} UNER IOB2 file")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise DatasetError(f"not UTF-8: {exc}", subject=str(path)) from None
    docs: list[TextDoc] = []
    cur: TextDoc | None = None
    sent_text: str | None = None
    sent_base = 0
    cursor = 0
    open_ent: list[Any] | None = None  # [start, end, label]

    def close() -> None:
        nonlocal open_ent
        if open_ent is not None and cur is not None:
            cur.spans.append(GoldSpan(open_ent[0], open_ent[1], open_ent[2]))
        open_ent = None

    for n, line in enumerate(lines, 1):
        if line.startswith("# newdoc id"):
            close()
            cur = TextDoc(line.split("=", 1)[1].strip(), "", language)
            docs.append(cur)
        elif line.startswith("# text"):
            if cur is None:
                cur = TextDoc(f"doc{len(docs)}", "", language)
                docs.append(cur)
            sent_text = line.split("=", 1)[1].strip()
            if keep_sentences:
                cur.meta.setdefault("sentences", []).append(sent_text)
            if cur.text:
                cur.text += " "
            sent_base = len(cur.text)
            cur.text += sent_text
            cursor = 0
        elif line.startswith("#"):
            continue
        elif not line.strip():
            close()
        else:
            cols = line.split("\t")
            if len(cols) < 3 or cur is None or sent_text is None:
                raise DatasetError(f"line {n}: expected 'index<TAB>token<TAB>tag' after a "
                                   "'# text' line", subject=str(path))
            form, tag = cols[1], cols[2]
            at = sent_text.find(form, cursor)
            if at < 0:
                raise DatasetError(f"line {n}: token {form!r} not found in its '# text' line",
                                   subject=str(path))
            start, end = sent_base + at, sent_base + at + len(form)
            cursor = at + len(form)
            cur.tokens.append((start, end))
            if tag.startswith("B-"):
                close()
                open_ent = [start, end, tag[2:]]
            elif tag.startswith("I-"):
                if open_ent is None or open_ent[2] != tag[2:]:
                    raise DatasetError(f"line {n}: {tag} without a preceding B-/I-{tag[2:]}",
                                       subject=str(path))
                open_ent[1] = end
            elif tag == "O":
                close()
            else:
                raise DatasetError(f"line {n}: unknown tag {tag!r}", subject=str(path))
    close()
    if not docs:
        raise DatasetError("no sentences found", subject=str(path))
    return Dataset(f"uner-pud/{language}", root, [path], docs)


_GUM_OPEN = re.compile(r"\((\d+)-([^()]*)")
_GUM_CLOSE = re.compile(r"(\d+)\)")


def load_gum(folder: Path | str) -> Dataset:
    """GUM news documents (Zeldes 2017), ``dep/*.conllu`` (or ``*.conllu`` in the folder).

    The text is rebuilt from the token forms (multi-word token lines give the surface form,
    ``SpaceAfter=No`` removes the space, paragraphs (``# newpar``) are separated by a blank
    line). Entities come from the MISC ``Entity=`` brackets
    (``GRP-etype-infstat-salience-centering-minspan-link-identity``). Only *named* mentions are
    kept: those carrying an ``identity`` (a Wikipedia title) or whose syntactic head is a
    PROPN; labels are GUM entity types (person, organization, place, time, ...).
    ``meta["dateCreated"]`` keeps the publication date.

    Raises:
        DatasetError: no CoNLL-U files, a malformed token line, or unbalanced brackets.
    """
    root = _folder(folder)
    paths = sorted((root / "dep").glob("*.conllu")) or sorted(root.glob("*.conllu"))
    if not paths:
        raise DatasetError("missing files: expected GUM CoNLL-U files", subject=str(root / "dep" / "*.conllu"))
    return Dataset("gum-news", root, paths, [_read_gum(p) for p in paths])


def _read_gum(path: Path) -> TextDoc:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise DatasetError(f"not UTF-8: {exc}", subject=str(path)) from None
    doc = TextDoc(path.stem, "", "en")
    parts: list[str] = []
    length = 0
    pending_space = False
    new_par = False
    # per sentence: token id -> (start, end, head id, upos)
    sent: dict[int, tuple[int, int, int, str]] = {}
    mwt_end = 0
    mwt_span: tuple[int, int] | None = None
    mwt_space = True
    stack: dict[str, list[tuple[int, str, str, int]]] = {}  # GRP -> [(first tok, etype, identity, sent#)]
    mentions: list[tuple[int, int, str, str, int]] = []  # first tok, last tok, etype, identity, sent#
    sentences: list[dict[int, tuple[int, int, int, str]]] = []

    def emit(form: str, space_after: bool) -> tuple[int, int]:
        nonlocal length, pending_space, new_par
        sep = ""
        if length:
            sep = "\n\n" if new_par else (" " if pending_space else "")
        new_par = False
        parts.append(sep + form)
        start = length + len(sep)
        length = start + len(form)
        pending_space = space_after
        return start, length

    for n, line in enumerate(lines, 1):
        if line.startswith("# meta::dateCreated"):
            doc.meta["dateCreated"] = line.split("=", 1)[1].strip()
        elif line.startswith("# newpar") and not line.startswith("# newpar_block"):
            new_par = True
        elif line.startswith("#"):
            continue
        elif not line.strip():
            if sent:
                sentences.append(sent)
                sent = {}
            pending_space = True
        else:
            cols = line.split("\t")
            if len(cols) != 10:
                raise DatasetError(f"line {n}: expected 10 tab-separated columns", subject=str(path))
            tid, form, misc = cols[0], cols[1], cols[9]
            space_after = "SpaceAfter=No" not in misc.split("|")
            if "-" in tid:
                a, b = (int(x) for x in tid.split("-"))
                mwt_end = b
                mwt_span = emit(form, space_after)
                mwt_space = space_after
                continue
            if "." in tid:
                continue  # empty node: no surface form
            i = int(tid)
            if mwt_span is not None and i <= mwt_end:
                start, end = mwt_span
                if i == mwt_end:
                    mwt_span = None
                    pending_space = mwt_space
            else:
                start, end = emit(form, space_after)
            head = int(cols[6]) if cols[6].isdigit() else 0
            sent[i] = (start, end, head, cols[3])
            ent = next((m[len("Entity="):] for m in misc.split("|") if m.startswith("Entity=")), "")
            pos = 0
            while pos < len(ent):
                m_open = _GUM_OPEN.match(ent, pos)
                if m_open:
                    fields = m_open.group(2).split("-")
                    etype = fields[0] if fields else ""
                    identity = unquote(fields[6]) if len(fields) > 6 else ""
                    stack.setdefault(m_open.group(1), []).append((i, etype, identity, len(sentences)))
                    pos = m_open.end()
                    if pos < len(ent) and ent[pos] == ")":  # single-token mention
                        grp = m_open.group(1)
                        first, etype, identity, s_no = stack[grp].pop()
                        mentions.append((first, i, etype, identity, s_no))
                        pos += 1
                    continue
                m_close = _GUM_CLOSE.match(ent, pos)
                if m_close:
                    grp = m_close.group(1)
                    if not stack.get(grp):
                        raise DatasetError(f"line {n}: entity {grp} closed but never opened",
                                           subject=str(path))
                    first, etype, identity, s_no = stack[grp].pop()
                    mentions.append((first, i, etype, identity, s_no))
                    pos = m_close.end()
                    continue
                raise DatasetError(f"line {n}: cannot parse Entity={ent!r}", subject=str(path))
    if sent:
        sentences.append(sent)
    if any(stack.values()):
        raise DatasetError("entity brackets left open at the end of the file", subject=str(path))
    doc.text = "".join(parts)
    for s in sentences:
        doc.tokens.extend((a, b) for a, b, _, _ in s.values())
    for first, last, etype, identity, s_no in mentions:
        s = sentences[s_no]
        ids = [k for k in s if first <= k <= last]
        heads = [k for k in ids if not first <= s[k][2] <= last] or ids
        named = bool(identity) or s[heads[0]][3] == "PROPN"
        if named:
            doc.spans.append(GoldSpan(s[first][0], s[last][1], etype))
    doc.spans.sort(key=lambda g: (g.start, -g.end))
    return doc


# --------------------------------------------------------------------------- re3d


#: re3d README: keep a (document, begin, end, type) row when its confidence is at least this.
RE3D_MIN_CONFIDENCE = 0.5


def load_re3d(folder: Path | str) -> Dataset:
    """dstl/re3d: per sub-collection ``documents*.json`` and ``entities*.json`` (JSON Lines).

    Gold spans are the entity rows with ``confidence >= RE3D_MIN_CONFIDENCE``; the same span
    may appear with several types.

    Raises:
        DatasetError: no sub-collection folder, a missing file, malformed JSON, an entity
        pointing to an unknown document, or offsets outside the text.
    """
    root = _folder(folder)
    subdirs = sorted(p for p in root.iterdir() if p.is_dir())
    if not subdirs:
        raise DatasetError("no sub-collection folders (each with documents*.json and "
                           "entities*.json)", subject=str(root))
    docs: dict[str, Re3dDoc] = {}
    files: list[Path] = []
    for sub in subdirs:
        doc_path = _one(sub, "documents*.json", "re3d documents (JSON Lines)")
        ent_path = _one(sub, "entities*.json", "re3d entities (JSON Lines)")
        files += [doc_path, ent_path]
        for n, obj in enumerate(_load_jsonl(doc_path), 1):
            did = _need(obj, "_id", doc_path, f"record {n}")
            docs[did] = Re3dDoc(did, _need(obj, "text", doc_path, f"record {n}"), sub.name, [])
        for n, obj in enumerate(_load_jsonl(ent_path), 1):
            where = f"record {n}"
            did = _need(obj, "documentId", ent_path, where)
            if did not in docs:
                raise DatasetError(f"{where}: unknown documentId {did!r}", subject=str(ent_path))
            if float(obj.get("confidence", 1.0)) < RE3D_MIN_CONFIDENCE:
                continue
            start = _int(_need(obj, "begin", ent_path, where), ent_path, where)
            end = _int(_need(obj, "end", ent_path, where), ent_path, where)
            _check_span(docs[did].text, start, end, ent_path, where)
            docs[did].spans.append(GoldSpan(start, end, _need(obj, "type", ent_path, where)))
    return Dataset("re3d", root, files, sorted(docs.values(), key=lambda d: (d.collection, d.id)))


# --------------------------------------------------------------------------- events


def load_plover_gsr(folder: Path | str) -> Dataset:
    """PLOVER gold-standard records (OEDA), ``PLOVER_GSR_CAMEO*.json`` (a JSON array).

    The ``DOCUMENT`` header record is skipped. Actor codes are collected from ``source`` and
    ``target`` (lists of ``{actorText, code, sector}``; empty strings and None mean none).

    Raises:
        DatasetError: missing/malformed file or a record without ``id``/``event``/``text``.
    """
    root = _folder(folder)
    path = _one(root, "PLOVER_GSR_CAMEO*.json", "the PLOVER gold records")
    data = _load_json(path)
    if not isinstance(data, list):
        raise DatasetError("expected a JSON array of records", subject=str(path))
    records = []
    for n, rec in enumerate(data):
        if not isinstance(rec, dict):
            raise DatasetError(f"record #{n}: expected an object", subject=str(path))
        rid = _need(rec, "id", path, f"record #{n}")
        event = _need(rec, "event", path, f"record {rid}")
        if event == "DOCUMENT":
            continue
        records.append(PloverRecord(rid, _need(rec, "text", path, f"record {rid}"), event,
                                    rec.get("mode") or None,
                                    _codes(rec.get("source")), _codes(rec.get("target")),
                                    rec.get("context") or None))
    return Dataset("plover-gsr", root, [path], records)


def _codes(actors: Any) -> frozenset[str]:
    if not isinstance(actors, list):
        return frozenset()
    return frozenset(a["code"] for a in actors if isinstance(a, dict) and a.get("code"))
