"""Near-duplicate articles (reprints, wire copies): MinHash over word shingles, LSH bands.

A revision's text is reduced to the set of its word :data:`SHINGLE_WORDS`-grams (words are
runs of letters and digits, case-folded, ``ё`` → ``е``, so reformatting — line breaks,
punctuation, quotation marks — does not change the set). A MinHash signature of
:data:`NUM_PERM` permutations (the values of ``datasketch.MinHash``, seed :data:`MINHASH_SEED`,
computed with numpy alone: :func:`signature`) estimates
the Jaccard similarity of two such sets (Broder 1997, "On the resemblance and containment of
documents"). For lookup in the store the signature is cut into LSH bands whose number and
width datasketch chooses for :data:`NEAR_DUPLICATE_THRESHOLD`
(``MinHashLSH(threshold, num_perm).b`` / ``.r``, kept as :data:`LSH_BANDS` and
:data:`LSH_ROWS`); two revisions sharing any band bucket are
candidates, and a candidate is a near-duplicate when the estimated similarity of the full
signatures is at least :data:`NEAR_DUPLICATE_THRESHOLD`.

Computing a signature needs numpy (imported on first use, not with this module); what the store
does with one (:func:`bands_of`, :func:`similarity_of`, on its stored bytes) does not, so a
storing process whose articles arrive with their signature (``Article.minhash``, set by the
analysis worker: :func:`signature_bytes`) never imports numpy.
"""

from __future__ import annotations

import hashlib
import operator
import re
from functools import cache
from typing import TYPE_CHECKING

from ..text import fold

if TYPE_CHECKING:
    import numpy as np

#: Words per shingle. Five-word shingles (Broder's w-shingling uses w = 4..10 for web pages)
#: are rare enough across unrelated news that shared boilerplate phrases do not dominate.
SHINGLE_WORDS = 5
#: MinHash permutations; the standard error of the Jaccard estimate is about
#: sqrt(J(1-J)/NUM_PERM) ≈ 0.044 at J = 0.5.
NUM_PERM = 128
#: Seed of the MinHash permutations (fixed: stored signatures must stay comparable).
MINHASH_SEED = 1
#: Estimated Jaccard similarity of word 5-gram sets at or above which two revisions are
#: near-duplicates. Calibrated on the seed (tests/test_situation_dedup.py checks the same
#: cases): a re-formatted copy scores 1.0; a reprint without the page chrome, with two
#: sentences reworded and one paragraph dropped 0.89; a copy of the first half only 0.54. The
#: most similar other articles are far below: 0.008 for the seed against all of
#: wh_afghanistan_2021 and kremlin_en_central_asia_2021_2022, and at most 0.11 between two
#: Kremlin readouts sharing their boilerplate. 0.5 keeps reprints and truncated wire copies.
NEAR_DUPLICATE_THRESHOLD = 0.5

_WORD_RE = re.compile(r"\w+")


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[bytes]:
    """The set of ``k``-word shingles of ``text`` (UTF-8 bytes, words folded).

    A text shorter than ``k`` words gives one shingle of all its words (or none when empty).
    """
    raw = _WORD_RE.findall(text)
    # each distinct word folded and encoded once; UTF-8 of words joined by a space is the
    # words' UTF-8 joined by b" "
    encoded = {w: fold(w).encode("utf-8") for w in set(raw)}
    words = [encoded[w] for w in raw]
    if len(words) < k:
        return {b" ".join(words)} if words else set()
    return set(map(b" ".join, zip(*[words[i:] for i in range(k)], strict=False)))  # k - 1 fewer windows


#: The bands and rows per band of the LSH index: what datasketch's ``MinHashLSH`` picks for
#: :data:`NEAR_DUPLICATE_THRESHOLD` and :data:`NUM_PERM` (its weighting of false positives
#: and negatives, 0.5 each), fixed here so that storing never imports datasketch and SciPy
#: (about 0.4 CPU s a process); tests/test_situation_dedup.py checks them against it.
LSH_BANDS, LSH_ROWS = 25, 5


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The :data:`NUM_PERM` permutations ``h -> (a * h + b) mod 2**32`` (``a`` odd, so each is
    a bijection), drawn from ``numpy.random.RandomState(MINHASH_SEED)``: ``a`` as 2 * U[0,
    2**31) + 1, then ``b`` as U[0, 2**32), as datasketch 2.0's ``MinHash`` draws its default
    ("affine32") permutations, so signatures are those of ``datasketch.MinHash(NUM_PERM,
    MINHASH_SEED)``."""
    import numpy as np

    gen = np.random.RandomState(MINHASH_SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _mix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer over uint32 values (wrapping products): a bijection
    that spreads every input bit over the output, applied to each shingle hash before the
    permutations."""
    import numpy as np

    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return np.asarray(h ^ (h >> np.uint32(16)), dtype=np.uint32)


def signature(text: str) -> np.ndarray:
    """The MinHash signature of ``text``: :data:`NUM_PERM` unsigned 32-bit values.

    Each of :func:`shingles` is hashed to the first 4 bytes of its SHA-1 digest (little-endian),
    mixed (:func:`_mix32`) and put through every permutation (:func:`_permutations`); value
    ``i`` is the smallest image under permutation ``i`` (all ones for a text without
    shingles). The values equal ``datasketch.MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED)``
    updated with the shingles (datasketch 2.0, which the tests compare with); computed here
    with numpy alone, so storing does not import datasketch.
    """
    import numpy as np

    sh = shingles(text)
    if not sh:
        return np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
    sha1 = hashlib.sha1
    # whole 20-byte digests joined, their first 4 bytes read as one field of each record
    # (a SHA-1 digest, 20 bytes, read as its first 4 bytes, little-endian, and the rest)
    hv = np.frombuffer(b"".join([sha1(s).digest() for s in sh]),
                       dtype=np.dtype([("head", "<u4"), ("tail", "V16")]))["head"]
    a, b = _permutations()
    return np.asarray((_mix32(hv.astype(np.uint32)).reshape(-1, 1) * a + b).min(axis=0), dtype=np.uint32)


def signature_bytes(text: str) -> bytes:
    """:func:`signature` of ``text`` serialised (:func:`to_bytes`): ``4 * NUM_PERM`` bytes,
    the form the store keeps and ``Article.minhash`` carries."""
    return to_bytes(signature(text))


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures (share of equal values).

    Raises:
        ValueError: signatures of different lengths.
    """
    import numpy as np

    if len(a) != len(b):
        raise ValueError("signatures of different lengths")
    return float(np.count_nonzero(a == b)) / len(a)


def similarity_of(a: bytes, b: bytes) -> float:
    """:func:`similarity` of two serialised signatures (:func:`to_bytes`), without numpy: the
    share of equal 4-byte values, in [0, 1].

    Raises:
        ValueError: signatures of different lengths (or a length not a multiple of 4).
    """
    if len(a) != len(b) or len(a) % 4:
        raise ValueError("signatures of different lengths")
    # equal uint32 values are equal 4-byte groups whatever the machine's byte order
    equal: int = sum(map(operator.eq, memoryview(a).cast("I"), memoryview(b).cast("I")))
    return equal / (len(a) // 4)


@cache
def band_shape(threshold: float = NEAR_DUPLICATE_THRESHOLD, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """``(bands, rows)`` that datasketch's ``MinHashLSH`` picks for ``threshold`` (imports
    datasketch and SciPy; :data:`LSH_BANDS` and :data:`LSH_ROWS` hold its answer for the
    defaults)."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return int(lsh.b), int(lsh.r)


def bands(sig: np.ndarray) -> list[str]:
    """The LSH bucket of each of the :data:`LSH_BANDS` bands of :data:`LSH_ROWS` values of
    ``sig`` (hex SHA-1 of the band's little-endian bytes, 16 chars): :func:`bands_of` its
    :func:`to_bytes`."""
    return bands_of(to_bytes(sig))


def bands_of(raw: bytes) -> list[str]:
    """:func:`bands` of a serialised signature (:func:`to_bytes`), without numpy: the hex SHA-1
    (16 chars) of each of the :data:`LSH_BANDS` runs of ``4 * LSH_ROWS`` bytes."""
    w = 4 * LSH_ROWS
    sha1 = hashlib.sha1
    return [sha1(raw[i * w:(i + 1) * w]).hexdigest()[:16] for i in range(LSH_BANDS)]


def to_bytes(sig: np.ndarray) -> bytes:
    """Serialise a signature (little-endian uint32): ``4 * len(sig)`` bytes."""
    return sig.astype("<u4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    """Read a signature written by :func:`to_bytes`."""
    import numpy as np

    return np.frombuffer(data, dtype="<u4").astype(np.uint32)


#: A capture (an article identified by its content, without URL or input id) with the same
#: outlet, site and headline as a stored one is a *revision* of it when the exact Jaccard
#: similarity of their :func:`shingles` is at least this. One corrected word or figure in a
#: 60-word text leaves about 0.84 (five 5-word shingles of 56 change), two corrections about
#: 0.7; two different reports of a series sharing a headline ("Weather for Monday") share
#: few 5-word runs (under 0.3 in tests/test_capture_revisions.py).
REVISION_MIN_SIMILARITY = 0.6


def text_similarity(a: str, b: str) -> float:
    """Exact Jaccard similarity of the 5-word shingle sets of two texts, in [0, 1] (1.0 for
    two empty texts)."""
    sa, sb = shingles(a), shingles(b)
    if not sa and not sb:
        return 1.0
    return len(sa & sb) / len(sa | sb)
