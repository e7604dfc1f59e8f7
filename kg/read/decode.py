"""Bytes of a working-paper text file → one clean Python string.

Papers arrive as text extracted from PDF by whatever tool a user had at hand, so the
encoding varies (UTF-8 with or without BOM, UTF-16 from Windows tools, GBK/GB18030 from
Chinese tools). Everything downstream counts lines of the source file, so the
normalisations here never add or remove a line break.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import unicodedata
from pathlib import Path

from kg.errors import PaperError

#: A working paper is a few dozen kilobytes; anything this large is a mistake, not a paper.
MAX_BYTES = 20 * 1024 * 1024

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Controls that have no business in extracted text (tab, LF, CR, FF and VT are handled apart).
_BAD_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# Form feeds mark PDF page breaks; vertical tabs come from some extractors. Neither is a line.
_DROP = re.compile(r"[\f\v\ufeff\u200b\u200c\u200d\u2060\u00ad]")
_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u2028\u2029]")
# Fullwidth digits and Latin letters are the same characters in another width; the
# fullwidth punctuation that Chinese text uses (，：；（）) is left alone.
_FULLWIDTH_ALNUM = {c: c - 0xFEE0 for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
                    for c in range(r[0], r[1] + 1)}
_FULLWIDTH_ALNUM_RE = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
# Kangxi and CJK radical code points that some PDF fonts emit instead of ideographs ("⼀" for "一").
_RADICALS = re.compile(r"[\u2e80-\u2fdf]")


def read_text(path: Path) -> tuple[str, str]:
    """Read a paper file: (normalised text, sha256 hex of the raw bytes)."""
    path = Path(path)
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        raise PaperError(path, "file not found") from None
    except OSError as exc:
        raise PaperError(path, f"cannot read file: {exc.strerror or exc}") from None
    if path.is_dir():
        raise PaperError(path, "is a directory, not a paper file")
    if size > MAX_BYTES:
        raise PaperError(path, f"file is {size / 1024 / 1024:.1f} MB, over the {MAX_BYTES // 1024 // 1024} MB "
                               "limit for one working paper")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PaperError(path, f"cannot read file: {exc.strerror or exc}") from None
    digest = hashlib.sha256(raw).hexdigest()
    return decode_bytes(raw, path), digest


def decode_bytes(raw: bytes, path: Path | str = "<text>") -> str:
    """Decode and normalise the bytes of a paper, or raise PaperError saying why not."""
    path = Path(path)
    if not raw.strip():
        raise PaperError(path, "file is empty")
    if raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"%PDF-"):
        raise PaperError(path, "this is a PDF file, not text: name it .pdf to read it as a PDF")
    encoding, body = _detect(raw, path)
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1 if "16" not in encoding and "32" not in encoding else None
        raise PaperError(path, f"not valid {encoding} text (bad bytes at offset {exc.start})", line) from None
    _refuse_binary(text, path, checked_utf8=encoding == "utf-8")
    text = normalise(text)
    if not text.strip():
        raise PaperError(path, "file is empty (only white space)")
    return text


def _detect(raw: bytes, path: Path) -> tuple[str, bytes]:
    """Pick the codec: BOM first, then the NUL-byte pattern of UTF-16, then UTF-8, then GB18030."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return name, raw[len(bom):]
    if b"\x00" in raw:
        guess = _utf16_by_nuls(raw)
        if guess is None:
            raise PaperError(path, "binary file (NUL bytes), not a text paper",
                             raw[: raw.index(b"\x00")].count(b"\n") + 1)
        return guess, raw
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc.start
    else:
        return "utf-8", raw
    if _cut_utf8(raw, utf8_error):
        raise PaperError(path, f"UTF-8 text cut off in the middle of a character at byte offset {utf8_error} "
                               "(the file looks truncated)", raw[:utf8_error].count(b"\n") + 1)
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        # Report the bad bytes of whichever encoding read further: that is most likely the intended one.
        where = max(utf8_error, exc.start)
        raise PaperError(path, f"not UTF-8, UTF-16 or GB18030/GBK text (undecodable bytes at offset {where})",
                         raw[:where].count(b"\n") + 1) from None
    return "gb18030", raw


def _cut_utf8(raw: bytes, start: int) -> bool:
    """The only bad bytes are an incomplete multi-byte sequence at the very end: a file cut short."""
    try:
        raw[start:].decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.reason == "unexpected end of data" and exc.end == len(raw) - start
    return False


def _utf16_by_nuls(raw: bytes) -> str | None:
    """UTF-16 without BOM: the NULs of ASCII characters all fall on one side of each byte pair."""
    if len(raw) % 2:
        return None
    even = raw[0::2].count(0)
    odd = raw[1::2].count(0)
    pairs = len(raw) // 2
    # Newlines and spaces alone put a NUL in a good share of the pairs of any real paper.
    # Ideographs such as 一 (U+4E00) or 最 (U+6700) put a NUL on the other side, but far more rarely.
    if odd >= pairs * 0.03 and even * 2 <= odd:
        return "utf-16-le"
    if even >= pairs * 0.03 and odd * 2 <= even:
        return "utf-16-be"
    return None


def _refuse_binary(text: str, path: Path, checked_utf8: bool) -> None:
    """Text that decoded but is mostly controls or unassigned code points is binary data.

    Strict UTF-8 rarely decodes binary data by chance; the multi-byte Chinese encodings do, into
    private-use and unassigned code points, so those are counted too.
    """
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise PaperError(path, "binary file (NUL characters), not a text paper", line)
    sample = text[:200_000]
    bad = len(_BAD_CONTROLS.findall(sample))
    odd = 0 if checked_utf8 else sum(
        1 for ch in sample if ord(ch) > 0x2FFF and unicodedata.category(ch) in ("Co", "Cn"))
    if bad + odd > max(3, len(sample) // 100):
        raise PaperError(path, "binary file (control bytes), not a text paper")


def normalise(text: str) -> str:
    """Unify newlines and harmless width/compatibility quirks without changing the line count."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _DROP.sub("", text)
    text = _BAD_CONTROLS.sub("", text)
    text = _SPACES.sub(" ", text)
    text = unicodedata.normalize("NFC", text)
    if _FULLWIDTH_ALNUM_RE.search(text):  # str.translate with a dict goes character by character: only if needed
        text = text.translate(_FULLWIDTH_ALNUM)
    if _RADICALS.search(text):
        text = _RADICALS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return text
