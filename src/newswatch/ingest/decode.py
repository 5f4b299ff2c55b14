"""Bytes to text for inputs: binary detection, UTF-8, declared charsets, legacy Cyrillic.

Order of decisions (:func:`decode_bytes`):

1. A known binary signature (PNG, JPEG, PDF, ZIP...) or a NUL byte in the first
   ``SNIFF_BYTES`` -> :class:`~newswatch.errors.BinaryInput` (UTF-16/32 with a byte-order
   mark are decoded instead).
2. UTF-8 (an optional BOM is removed).
3. A charset declared by the caller (HTTP ``Content-Type``, HTML ``<meta charset>``).
4. Legacy Cyrillic code pages (cp1251, koi8-r, cp866, iso8859-5, mac-cyrillic), chosen by
   charset-normalizer 3.x (its byte-frequency "coherence" check; installed with trafilatura)
   and accepted only if the result reads as Cyrillic words (:func:`plausible_cyrillic`).
5. Otherwise :class:`~newswatch.errors.EncodingError`, naming the first bad byte.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from ..errors import BinaryInput, EncodingError

#: How many leading bytes are checked for NULs and signatures.
SNIFF_BYTES = 8192
#: Legacy Cyrillic code pages tried when the bytes are not UTF-8 (Python codec names).
LEGACY_CYRILLIC = ("cp1251", "koi8_r", "cp866", "iso8859_5", "mac_cyrillic")
#: Decoded text with more than this share of control characters (other than tab, newline,
#: carriage return, form feed) is binary. Text files in shared/corpus and shared/eval have
#: none; random bytes decoded as cp1251 have about 11%.
CONTROL_MAX_RATIO = 0.01
#: A legacy decode is accepted when at least this share of the words with Cyrillic letters
#: are all-Cyrillic ("Москва"), not mixed with Latin ("cafй" from Latin-1 "café"). Over the
#: 828 nerel_ru_wikinews texts the share is at least 0.986 (median 1.0).
CYRILLIC_PURE_WORD_MIN_RATIO = 0.9
#: ... and at least this share of the non-ASCII characters must be Cyrillic letters or the
#: punctuation used with them (« » — – … № “ ” „); nerel_ru_wikinews: min 0.985, median
#: 0.999. With both checks, 100 of 100 sampled nerel texts encoded as cp1251 and 100 of 100
#: as koi8-r are decoded with the right code page.
CYRILLIC_NONASCII_MIN_RATIO = 0.85

#: Leading bytes of common binary formats (file-format specifications: PNG, JFIF, GIF,
#: PDF, ZIP/OOXML, OLE2, ELF, RIFF, Ogg, bzip2, xz, 7z, SQLite, WOFF/WOFF2).
BINARY_SIGNATURES: tuple[bytes, ...] = (
    b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"%PDF-", b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x7fELF", b"RIFF", b"OggS", b"BZh", b"\xfd7zXZ\x00",
    b"7z\xbc\xaf\x27\x1c", b"SQLite format 3\x00", b"wOFF", b"wOF2",
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_CYRILLIC_PUNCT = set("«»—–…№“”„‘’•·")
_CYRILLIC_LETTER = re.compile(r"[\u0400-\u04ff]")
_WORD = re.compile(r"[^\W\d_]+")


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(1 for ch in text if ch not in "\t\n\r\f" and unicodedata.category(ch) == "Cc")
    return bad / len(text)


def check_binary(data: bytes, subject: str) -> None:
    """Raise if ``data`` looks binary.

    Raises:
        BinaryInput: a known signature, or a NUL byte in the first ``SNIFF_BYTES``.
    """
    for sig in BINARY_SIGNATURES:
        if data.startswith(sig):
            raise BinaryInput(f"binary data (starts with signature {sig[:8]!r})",
                              subject=subject)
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return
    nul = data.find(b"\x00", 0, SNIFF_BYTES)
    if nul >= 0:
        raise BinaryInput(f"binary data (NUL byte at offset {nul})", subject=subject)


#: A legacy decode must also make Cyrillic the text's main script: at least this share of its
#: letters, unless it has CYRILLIC_MIN_LETTERS of them. Without it, "Hello \xff\xfe world" (a
#: few stray bytes in Latin text) read as cp1251 "Hello яю world" passed the checks above.
CYRILLIC_MIN_LETTER_SHARE = 0.5
CYRILLIC_MIN_LETTERS = 40

_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def mostly_utf8(data: bytes) -> bool:
    """True when ``data`` holds more well-formed UTF-8 multi-byte sequences than bad bytes.

    Such input is UTF-8 with a few corrupt bytes, not a legacy code page: decoding all of it as
    cp1251 would turn every correct non-ASCII character into mojibake (a stray 0xE9 in the
    founding article's capture did that to its dashes and its Russian footer).
    """
    good = len(_UTF8_MULTIBYTE.findall(data))
    bad = data.decode("utf-8", errors="replace").count("\ufffd")
    return good > bad


def plausible_cyrillic(text: str) -> bool:
    """True when ``text`` reads as Cyrillic-script prose (see the ratio constants)."""
    words = [w for w in _WORD.findall(text) if _CYRILLIC_LETTER.search(w)]
    if not words:
        return False
    letters = [c for c in text if c.isalpha()]
    cyr = sum(1 for c in letters if _CYRILLIC_LETTER.match(c))
    if cyr < CYRILLIC_MIN_LETTERS and cyr < CYRILLIC_MIN_LETTER_SHARE * len(letters):
        return False
    pure = sum(1 for w in words if all(_CYRILLIC_LETTER.match(c) for c in w))
    non_ascii = [c for c in text if ord(c) > 127]
    ok = sum(1 for c in non_ascii if _CYRILLIC_LETTER.match(c) or c in _CYRILLIC_PUNCT)
    return (pure / len(words) >= CYRILLIC_PURE_WORD_MIN_RATIO
            and ok / len(non_ascii) >= CYRILLIC_NONASCII_MIN_RATIO)


def _codec_name(label: str) -> str | None:
    try:
        return codecs.lookup(label.strip().strip("'\"")).name
    except LookupError:
        return None


def _legacy_cyrillic(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(LEGACY_CYRILLIC)).best()
    if best is None:
        return None
    text = str(best)
    if _control_ratio(text) > CONTROL_MAX_RATIO or not plausible_cyrillic(text):
        return None
    return text, codecs.lookup(best.encoding).name


def decode_bytes(data: bytes, subject: str, declared: str | None = None) -> tuple[str, str]:
    """Decode an input's bytes.

    Args:
        data: the raw bytes (already decompressed).
        subject: input name for error messages.
        declared: a charset label from the HTTP header or the HTML ``<meta>``, if any.

    Returns:
        ``(text, encoding)`` where ``encoding`` is the Python codec name used
        (``"utf-8"``, ``"cp1251"``, ``"koi8-r"``...).

    Raises:
        BinaryInput: see :func:`check_binary`, or too many control characters.
        EncodingError: not UTF-8, not the declared charset, not legacy Cyrillic.
    """
    check_binary(data, subject)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError as exc:
                raise EncodingError(f"invalid {codec} after byte-order mark: {exc.reason}",
                                    subject=subject) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first_bad = exc
    else:
        if _control_ratio(text) > CONTROL_MAX_RATIO:
            raise BinaryInput("binary data (control characters)", subject=subject)
        return text, "utf-8"
    declared_codec = _codec_name(declared) if declared else None
    if declared_codec and declared_codec != "utf-8":
        try:
            text = data.decode(declared_codec)
        except UnicodeDecodeError:
            pass
        else:
            if _control_ratio(text) <= CONTROL_MAX_RATIO:
                return text, declared_codec
    bad = data[first_bad.start:first_bad.start + 1]
    if mostly_utf8(data):
        raise EncodingError(
            f"corrupt UTF-8: byte 0x{bad.hex()} at offset {first_bad.start} is invalid in text that "
            "is otherwise UTF-8 (repair or re-save the file as UTF-8)", subject=subject)
    legacy = _legacy_cyrillic(data)
    if legacy is not None:
        return legacy
    raise EncodingError(
        f"not valid UTF-8 (byte 0x{bad.hex()} at offset {first_bad.start})"
        + (f", nor the declared charset {declared!r}" if declared else "")
        + ", and not a legacy Cyrillic encoding (cp1251, koi8-r, cp866, iso8859-5)",
        subject=subject,
    )
