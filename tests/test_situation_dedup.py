"""Near-duplicate detection: the calibration cases of NEAR_DUPLICATE_THRESHOLD on real texts."""

from __future__ import annotations

import json

import numpy as np
import pytest

from newswatch.situation import dedup

from situation_helpers import reformatted


def _edited(seed: str) -> str:
    """A reprint: chrome dropped, two sentences reworded, the next-to-last paragraph removed."""
    lines = [ln for ln in seed.split("\n") if ln.strip() and ln.strip() not in ("Rate it", "Add comment")
             and not ln.startswith(("Сообщите", "Выделенный"))]
    text = "\n\n".join(lines[3:])
    text = text.replace("Truth be told, the Afghan situation itself is becoming increasingly tense with every "
                        "passing day.", "The situation in Afghanistan is getting tenser every day.")
    text = text.replace("By the way, experts believe", "Experts meanwhile think")
    paras = text.split("\n\n")
    del paras[-2]
    return "\n\n".join(paras)


def test_shingles_ignore_case_punctuation_and_line_breaks() -> None:
    assert (dedup.shingles("The Taliban, now\ncontrol 188 counties!")
            == dedup.shingles("the taliban now control 188 counties"))
    assert dedup.shingles("two words") == {b"two words"}
    assert dedup.shingles("") == set()


def test_seed_variants_are_near_duplicates_and_other_articles_are_not(seed_raw: str, shared_dir) -> None:
    seed = dedup.signature(seed_raw)
    assert dedup.similarity(seed, dedup.signature(reformatted(seed_raw))) >= 0.98
    edited = dedup.similarity(seed, dedup.signature(_edited(seed_raw)))
    assert 0.8 <= edited < 1.0
    half = dedup.similarity(seed, dedup.signature(seed_raw[: len(seed_raw) // 2]))
    assert dedup.NEAR_DUPLICATE_THRESHOLD <= half < 0.7
    path = shared_dir / "corpus" / "wh_afghanistan_2021" / "articles.jsonl"
    others = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()[:20]]
    assert max(dedup.similarity(seed, dedup.signature(t)) for t in others) < 0.1


def test_signatures_round_trip_and_bands_follow_datasketch() -> None:
    sig = dedup.signature("Moscow is ready to support the countries in the region amid the situation")
    assert sig.dtype == np.uint32 and len(sig) == dedup.NUM_PERM
    assert np.array_equal(dedup.from_bytes(dedup.to_bytes(sig)), sig)
    b, r = dedup.band_shape()
    assert b * r <= dedup.NUM_PERM
    assert len(dedup.bands(sig)) == b
    with pytest.raises(ValueError, match="signatures of different lengths"):
        dedup.similarity(sig, sig[:10])


def test_signatures_and_bands_are_datasketchs_without_importing_it(shared_dir) -> None:
    """The numpy signature equals datasketch's MinHash over the same shingles (English and
    Russian corpus texts, a text of fewer than 5 words, an empty one); the fixed band shape is
    the one MinHashLSH picks; and computing a signature and its bands imports neither."""
    import subprocess
    import sys

    from datasketch import MinHash

    texts = ["", "Kabul falls", "Moscow is ready to support the countries in the region"]
    for name in ("wh_statements_2021", "nerel_ru_wikinews"):
        path = shared_dir / "corpus" / name / "articles.jsonl"
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()[:40]]
    for text in texts:
        ref = MinHash(num_perm=dedup.NUM_PERM, seed=dedup.MINHASH_SEED)
        if dedup.shingles(text):
            ref.update_batch(list(dedup.shingles(text)))
        sig = dedup.signature(text)
        assert sig.dtype == np.uint32 and np.array_equal(sig, np.asarray(ref.hashvalues, dtype=np.uint32))
    assert dedup.band_shape() == (dedup.LSH_BANDS, dedup.LSH_ROWS)
    probe = ("import sys; from newswatch.situation import dedup; "
             "dedup.bands(dedup.signature('one two three four five six')); "
             "print(sorted(m for m in ('datasketch', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_shingles_are_the_folded_words_joined_by_spaces_in_utf8() -> None:
    # five-word windows of the folded words (ё as е), each joined by one space, UTF-8 encoded
    assert dedup.shingles("Ёж ел ЁЛКУ, в лесу\nсегодня.") == {
        "еж ел елку в лесу".encode(), "ел елку в лесу сегодня".encode()}
    assert dedup.shingles("Ära één deux trois quatre") == {"ära één deux trois quatre".encode()}
    assert dedup.shingles("Один два три четыре") == {"один два три четыре".encode()}  # < 5 words
    text = " ".join(f"w{i % 7}" for i in range(40))
    words = text.split()
    assert dedup.shingles(text) == {" ".join(words[i:i + 5]).encode() for i in range(36)}
    assert len(dedup.shingles(text)) == 7  # the windows repeat with the period of 7


def _bands_by_array(sig: np.ndarray) -> list[str]:
    """The LSH buckets as the store computed them before it worked on bytes: hex SHA-1 of each
    band of the uint32 array written little-endian."""
    import hashlib

    r = dedup.LSH_ROWS
    return [hashlib.sha1(sig[i * r:(i + 1) * r].astype("<u4").tobytes()).hexdigest()[:16]
            for i in range(dedup.LSH_BANDS)]


def test_the_byte_forms_equal_the_array_forms(shared_dir) -> None:
    """``signature_bytes``, ``bands_of`` and ``similarity_of`` (what the store uses, on the
    bytes it keeps) give what ``signature``, ``bands`` and ``similarity`` give on arrays, for
    corpus texts, a short and an empty one."""
    texts = ["", "Kabul falls", "Moscow is ready to support the countries in the region"]
    path = shared_dir / "corpus" / "wh_statements_2021" / "articles.jsonl"
    texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()[:30]]
    sigs = [dedup.signature(t) for t in texts]
    raws = [dedup.signature_bytes(t) for t in texts]
    for sig, raw in zip(sigs, raws, strict=True):
        assert raw == sig.astype("<u4").tobytes() and len(raw) == 4 * dedup.NUM_PERM
        assert dedup.bands_of(raw) == dedup.bands(sig) == _bands_by_array(sig)
        assert len(dedup.bands_of(raw)) == dedup.LSH_BANDS
    sims = set()
    for i in range(len(texts)):
        for j in (0, 1, i, (i + 1) % len(texts)):
            sim = dedup.similarity_of(raws[i], raws[j])
            assert sim == dedup.similarity(sigs[i], sigs[j])
            sims.add(sim)
    assert 1.0 in sims and len(sims) > 2  # equal, and partly equal, pairs were compared
    # a pair with some but not all values equal
    half = np.concatenate([sigs[5][:64], sigs[6][64:]])
    assert dedup.similarity_of(raws[5], dedup.to_bytes(half)) == dedup.similarity(sigs[5], half) >= 0.5
    with pytest.raises(ValueError, match="signatures of different lengths"):
        dedup.similarity_of(raws[3], raws[3][:40])


def test_the_store_side_of_dedup_does_not_import_numpy() -> None:
    """Bands and similarities of stored signatures need no numpy (a storing process whose
    articles carry their signature never imports it); computing one does."""
    import subprocess
    import sys

    raw = dedup.signature_bytes("one two three four five six seven")
    probe = ("import sys; from newswatch.situation import dedup; "
             f"raw = {raw!r}; b = dedup.bands_of(raw); s = dedup.similarity_of(raw, raw); "
             "t = dedup.text_similarity('one two three four five six', 'one two three four five'); "
             "print('numpy' in sys.modules, len(b), s); dedup.signature_bytes('a b c d e f'); "
             "print('numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["False 25 1.0", "True"]
