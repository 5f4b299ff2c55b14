"""Story threads: articles about the same happening, across days and across English and Russian.

An article is seen as a :class:`Sketch`: the identities it names (entity identity roots, the
same id for "Sergei Lavrov" and "Сергей Лавров", so the comparison crosses languages), the
GeoNames places it names (ids, language-free), the happenings its events belong to
(:mod:`newswatch.situation.happenings`), its near-duplicate cluster, its title words and its
publication day.

**How alike two articles are** (:func:`similarity`, 0 … 1):

* 1 when they are near-duplicates (one reprint cluster) or share a happening reported in
  both;
* 0 when they share fewer than :data:`MIN_SHARED` features;
* else the weight of what they share over the weight of the smaller sketch, each feature
  weighted by its rarity in the collection (``log(1 + N / df)``: "Afghanistan" in every
  article of an Afghanistan corpus counts little, "Tokayev" a lot); title words count
  :data:`WORD_WEIGHT` of an identity (wording is cheap and language-bound, so it only helps).

**Grouping.** Articles are taken by publication day (then id). Each joins the story whose
members published within :data:`WINDOW_DAYS` before it are, on average, at least
:data:`THRESHOLD` alike to it (the best such story), else starts a story — EMM links daily
clusters into stories over a 7-day window in the same spirit. An article with no publication
date joins a story only through a reprint or a shared happening. The result depends only on
the set of articles. A story's id is the first 12 hex digits of the SHA-1 of its first
article's id, so re-running over the same articles gives the same ids (an older article
stored later can found the story anew, and the id changes with it).

**Known limit.** The window is checked at each join, so a story can grow for as long as
articles keep coming: on a one-topic collection (612 articles on Afghanistan, July–September
2021, and Kremlin texts) the largest story held 27 articles over 42 days, while the median
story of several articles spanned 6 days (``benchmarks/bench_threads.py`` database).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: Days a story looks back from each new article (EMM's story window).
WINDOW_DAYS = 7
#: Least average similarity to a story's recent members for an article to join it; chosen
#: on the bundled gold ``eval/threads/`` (see its README for the sweep).
THRESHOLD = 0.2
#: Fewest features (identities, places, title words) two articles must share to be alike at
#: all: one name in common ("Putin") is no evidence of one happening.
MIN_SHARED = 2
#: Weight of a title word relative to an identity or a place of the same rarity.
WORD_WEIGHT = 0.5

__all__ = ["MIN_SHARED", "THRESHOLD", "WINDOW_DAYS", "Sketch", "Weights", "cluster", "similarity", "story_id"]


@dataclass(frozen=True, slots=True)
class Sketch:
    """What the story rule knows of one article.

    Attributes:
        article: the article id.
        published: publication day, or None.
        identities: ``"e<root id>"`` of the people, organisations and places-as-actors it names.
        places: place keys (``"geonames:<id>"``) it names.
        words: folded title words of four letters or more.
        happenings: keys of the happenings its events belong to that other articles report too.
        near_dup: its near-duplicate cluster id, or None.
    """

    article: str
    published: dt.date | None
    identities: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()
    happenings: frozenset[str] = frozenset()
    near_dup: int | None = None

    def features(self) -> set[str]:
        """Every weighted feature (identities, places, ``w:`` title words)."""
        return {*self.identities, *self.places, *(f"w:{w}" for w in self.words)}


class Weights:
    """Rarity weights of features over a collection of sketches (``log(1 + N / df)``).

    It also remembers, for the sketches :func:`similarity` is asked about, each one's feature
    set and total weight (:meth:`profile`), and each feature's weight: :func:`cluster` compares
    an article with every recent member of every active story, so a sketch is compared
    hundreds of times, and rebuilding its features and re-summing their logarithms each time
    was most of the threads pass (331,000 weight calls for 6,700 comparisons over 250 White
    House statements). The remembered values are those the computation would give again: the
    same set, summed in the same order.
    """

    def __init__(self, sketches: Iterable[Sketch]) -> None:
        df: Counter[str] = Counter()
        n = 0
        for s in sketches:
            n += 1
            df.update(s.features())
        self._df, self._n = df, max(n, 1)
        self._weights: dict[str, float] = {}
        #: id(sketch) -> (the sketch, kept so that its id is not reused; features; their weight)
        self._profiles: dict[int, tuple[Sketch, set[str], float]] = {}

    def __call__(self, feature: str) -> float:
        """The weight of ``feature`` (title words scaled by :data:`WORD_WEIGHT`)."""
        w = self._weights.get(feature)
        if w is None:
            w = math.log(1 + self._n / max(self._df.get(feature, 0), 1))
            if feature.startswith("w:"):
                w *= WORD_WEIGHT
            self._weights[feature] = w
        return w

    def profile(self, sketch: Sketch) -> tuple[set[str], float]:
        """``sketch``'s features (:meth:`Sketch.features`; the caller must not change the set)
        and the sum of their weights, computed on the first call for that sketch and
        remembered."""
        hit = self._profiles.get(id(sketch))
        if hit is None or hit[0] is not sketch:
            features = sketch.features()
            hit = (sketch, features, sum(self(x) for x in features))
            self._profiles[id(sketch)] = hit
        return hit[1], hit[2]


def similarity(a: Sketch, b: Sketch, weight: Weights) -> float:
    """How alike two articles are, 0 … 1 (see the module docstring)."""
    if a.near_dup is not None and a.near_dup == b.near_dup:
        return 1.0
    if a.happenings & b.happenings:
        return 1.0
    (fa, total_a), (fb, total_b) = weight.profile(a), weight.profile(b)
    common = fa & fb
    if len(common) < MIN_SHARED:
        return 0.0
    shared = sum(weight(x) for x in common)
    return shared / min(total_a, total_b)


def story_id(first_article: str) -> str:
    """The id of a story founded by ``first_article`` (12 hex digits)."""
    return hashlib.sha1(first_article.encode("utf-8")).hexdigest()[:12]


def _order(s: Sketch) -> tuple[int, str, str]:
    return (s.published is None, s.published.isoformat() if s.published else "", s.article)


def cluster(sketches: Iterable[Sketch], threshold: float = THRESHOLD
            ) -> dict[str, tuple[str, float]]:
    """Group articles into stories (see the module docstring).

    Returns:
        ``{article id: (story id, similarity to the story when it joined)}``; the founding
        article has similarity 1.
    """
    items = sorted(sketches, key=_order)
    weight = Weights(items)
    stories: list[tuple[str, list[Sketch]]] = []
    active: list[int] = []  # stories with a member inside the window of the current day
    linked: dict[str, int] = {}  # "d<near-dup cluster>" / happening key -> story
    out: dict[str, tuple[str, float]] = {}
    for s in items:
        best: tuple[float, int] | None = None
        if s.published is None:
            # undated: only a reprint or a shared happening places it
            keys = [*(f"d{s.near_dup}" for _ in (1,) if s.near_dup is not None), *sorted(s.happenings)]
            hits = sorted({linked[k] for k in keys if k in linked})
            if hits:
                best = (1.0, hits[0])
        else:
            active = [i for i in active if any(
                m.published is not None and (s.published - m.published).days <= WINDOW_DAYS
                for m in stories[i][1])]
            for i in active:
                recent = [m for m in stories[i][1] if m.published is not None
                          and 0 <= (s.published - m.published).days <= WINDOW_DAYS]
                score = sum(similarity(s, m, weight) for m in recent) / len(recent)
                if score >= threshold and (best is None or score > best[0]):
                    best = (score, i)
        if best is None:
            stories.append((story_id(s.article), [s]))
            chosen, score = len(stories) - 1, 1.0
            if s.published is not None:
                active.append(chosen)
        else:
            score, chosen = best
            stories[chosen][1].append(s)
        out[s.article] = (stories[chosen][0], round(score, 4))
        if s.near_dup is not None:
            linked.setdefault(f"d{s.near_dup}", chosen)
        for h in s.happenings:
            linked.setdefault(h, chosen)
    return out


def members(assignment: Mapping[str, tuple[str, float]]) -> dict[str, list[str]]:
    """``{story id: [article ids]}`` of an assignment from :func:`cluster`."""
    out: dict[str, list[str]] = {}
    for article, (story, _) in sorted(assignment.items()):
        out.setdefault(story, []).append(article)
    return out
