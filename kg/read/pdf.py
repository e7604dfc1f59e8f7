"""A working paper as PDF → text laid out like the seeds' .txt files, for `kg.read.paper.parse_text`.

Flattened PDF text loses what a reader of the page sees: which lines are page furniture,
where the footnotes start, which digits are raised footnote marks. This module keeps what
the PDF knows (page boundaries, each text run's font size and baseline, the footnote rule
drawn as a path) and decides by it. pypdfium2 was chosen by measurement (bench/README.md):
it is the only library fast enough (PDFium in C) that also reports per-object font sizes,
baselines with text rise, and drawn paths.

The text it returns:

* the cover block lines, then body lines in reading order, one PDF line per text line;
  a blank line where the page shows a paragraph gap;
* running headers, footer job numbers and page numbers are dropped;
* footnote marks in body text are Unicode superscript digits glued to the preceding text
  (``有多近。¹ 在``, ``Treaty.¹ Its``); a raised ``*`` stays ``*``;
* after each page's body, that page's footnotes: a line ``__________________`` and each
  footnote as ``" N text"`` (plain digits), its continuation lines as they are;
* English words hyphenated at a line end are rejoined onto the first line; real
  hyphens (``nuclear-weapon``) are kept;
* pages are separated by a line holding a form feed (``\\f``), which the text reader drops.

The layout analysis is written here, not taken from a library: the libraries that do
layout analysis (pdfminer.six, pdfplumber) are 10-20 times too slow for a build of
thousands of papers, and none knows the UN page (furniture bands, the footnote rule).
"""

from __future__ import annotations

import ctypes
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from kg.errors import PaperError
from kg.read.hyphens import dehyphenate, vocabulary

__all__ = ["PageRuns", "PdfReadError", "Run", "extract_runs", "is_pdf", "layout", "read_pdf"]

RULE_LINE = "__________________"
SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_FURNITURE = re.compile(
    r"^(?:\d{2}-\d{5}\s*\([A-Z]\)(?:\s+\d{6})*|\d{1,3}(?:\s*/\s*\d{1,3})?|[A-Z]{2,6}/\S+|[-–—]\s*\d{1,3}\s*[-–—])$"
)
#: pdfium reports a line-end hyphen as \x02 or U+FFFE; a soft hyphen may be U+00AD.
_HYPHENS = str.maketrans({"\x02": "-", "\ufffe": "-", "\u00ad": "-"})


class PdfReadError(PaperError):
    """A PDF that cannot be read as text (a scan, encrypted, corrupt, empty); says what to do."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(path, reason)
        self.reason = reason


def is_pdf(path: Path) -> bool:
    """A file to read as PDF: one named .pdf (a .txt holding PDF bytes is refused by the text reader)."""
    return path.suffix.lower() == ".pdf"


@dataclass(slots=True)
class Run:
    """One text-showing operation: its text, horizontal extent, baseline and font size."""

    text: str
    x0: float
    x1: float
    y: float
    size: float
    mark: bool = False  # set by layout: a raised, smaller footnote mark


@dataclass(slots=True)
class PageRuns:
    """What layout needs of a page: its size, its text runs and its short horizontal rules."""

    width: float
    height: float
    runs: list[Run]
    rules: list[tuple[float, float, float]]  # (x0, x1, y)


@dataclass(slots=True)
class Line:
    """Runs on one baseline of one column, in x order."""

    runs: list[Run]
    y: float
    size: float
    x0: float
    x1: float
    gap_before: float = 0.0
    text: str = ""

    def compose(self) -> str:
        parts: list[str] = []
        prev: Run | None = None
        for r in self.runs:
            t = r.text
            if r.mark:
                mark = t.strip().translate(SUP)
                if parts:
                    parts[-1] = parts[-1].rstrip()
                parts.append(mark)
            else:
                if prev is not None and parts and not parts[-1].endswith(" ") and not t.startswith(" "):
                    gap = r.x0 - prev.x1
                    if (gap > 0.2 * r.size and not prev.mark) or (prev.mark and _latin(t[:1]) and gap > 0.1 * r.size):
                        parts.append(" ")
                parts.append(t)
            prev = r
        self.text = " ".join("".join(parts).split()) if parts else ""
        return self.text


def _latin(ch: str) -> bool:
    return bool(ch) and ch.isascii() and ch.isalnum()


# ---- extraction with pdfium ----------------------------------------------------------------


def _check_file(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise PdfReadError(path, f"cannot read file ({e.strerror})") from e
    if not data:
        raise PdfReadError(path, "empty file (0 bytes), not a PDF")
    if b"%PDF-" not in data[:1024]:
        raise PdfReadError(path, "not a PDF (no %PDF- header)")
    if b"%%EOF" not in data[-2048:]:
        raise PdfReadError(path, "corrupt PDF (truncated: no %%EOF at the end)")
    return data


def _open(path: Path, data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if getattr(e, "err_code", None) == raw.FPDF_ERR_PASSWORD:
            raise PdfReadError(path, "encrypted PDF; decrypt it first") from e
        raise PdfReadError(path, f"corrupt PDF ({e})") from e


def _obj_text(obj: ctypes.c_void_p, textpage: ctypes.c_void_p) -> str:
    n = raw.FPDFTextObj_GetText(obj, textpage, None, 0)
    if n <= 2:
        return ""
    buf = (ctypes.c_ushort * (n // 2))()
    raw.FPDFTextObj_GetText(obj, textpage, buf, n)
    return bytes(buf)[: n - 2].decode("utf-16-le", "replace")


def _page_runs(page: pdfium.PdfPage) -> PageRuns:
    """Text runs and rules of one page, read from its page objects (one run per text object)."""
    textpage = page.get_textpage()
    tp = textpage.raw
    runs: list[Run] = []
    rules: list[tuple[float, float, float]] = []
    size = ctypes.c_float()
    m = raw.FS_MATRIX()
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    bounds = (ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top))
    for i in range(raw.FPDFPage_CountObjects(page.raw)):
        obj = raw.FPDFPage_GetObject(page.raw, i)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_TEXT:
            text = _obj_text(obj, tp).translate(_HYPHENS)
            if not text.strip():
                continue
            raw.FPDFTextObj_GetFontSize(obj, size)
            raw.FPDFPageObj_GetMatrix(obj, m)
            raw.FPDFPageObj_GetBounds(obj, *bounds)
            scale = abs(m.a * m.d - m.b * m.c) ** 0.5
            runs.append(Run(text, left.value, right.value, m.f, round(size.value * scale, 2)))
        elif kind == raw.FPDF_PAGEOBJ_PATH:
            raw.FPDFPageObj_GetBounds(obj, *bounds)
            w, h = right.value - left.value, top.value - bottom.value
            if h < 2.0 and 20.0 < w < 260.0:
                rules.append((left.value, right.value, (top.value + bottom.value) / 2))
    textpage.close()
    w, h = page.get_size()
    return PageRuns(w, h, runs, rules)


def extract_runs(path: Path) -> list[PageRuns]:
    """Runs of every page; raises PdfReadError for files that are not readable PDFs."""
    path = Path(path)
    return _pages(path, _check_file(path))


def _pages(path: Path, data: bytes) -> list[PageRuns]:
    doc = _open(path, data)
    try:
        pages = []
        for k in range(len(doc)):
            page = doc[k]
            pages.append(_page_runs(page))
            page.close()
        return pages
    except pdfium.PdfiumError as e:
        raise PdfReadError(path, f"corrupt PDF (page {k + 1}: {e})") from e
    finally:
        doc.close()


# ---- layout --------------------------------------------------------------------------------


def _body_size(pages: list[PageRuns]) -> float:
    """The font size carrying most characters: the body text's."""
    c: Counter[float] = Counter()
    for p in pages:
        for r in p.runs:
            c[round(r.size * 2) / 2] += len(r.text)
    return c.most_common(1)[0][0] if c else 10.0


def _lines(runs: list[Run]) -> list[Line]:
    """Group runs into lines: same baseline, split at wide gaps (columns); raised small runs
    just above a line's baseline become that line's footnote marks."""
    rows: list[list[Run]] = []
    for r in sorted(runs, key=lambda r: (-r.y, r.x0)):
        if rows and abs(rows[-1][0].y - r.y) <= 0.2 * max(r.size, rows[-1][0].size):
            rows[-1].append(r)
        else:
            rows.append([r])
    segs: list[Line] = []
    for row in rows:
        row.sort(key=lambda r: r.x0)
        cur = [row[0]]
        for r in row[1:]:
            gap, prev = r.x0 - cur[-1].x1, cur[-1]
            if gap > 2.5 * max(r.size, prev.size) or (gap > 0.8 * r.size and abs(r.size - prev.size) > 0.1 * r.size
                                                      and not _is_mark_text(_mk_line([r]))):
                segs.append(_mk_line(cur))
                cur = [r]
            else:
                cur.append(r)
        segs.append(_mk_line(cur))
    # Attach raised marks: a segment of small runs whose baseline sits a little above another's.
    out: list[Line] = []
    biggest = max((t.size for t in segs), default=0.0)
    for s in segs:
        if s.size < 0.85 * biggest and _is_mark_text(s):
            host = next((t for t in segs if t is not s and t.size * 0.85 > s.size
                         and 0 < s.y - t.y < 0.7 * t.size and t.x0 - 3 * t.size < s.x0 < t.x1 + 3 * t.size), None)
            if host is not None:
                for r in s.runs:
                    r.mark = True
                host.runs.extend(s.runs)
                host.runs.sort(key=lambda r: r.x0)
                host.x0, host.x1 = min(host.x0, s.x0), max(host.x1, s.x1)
                continue
        out.append(s)
    return out


def _is_mark_text(s: Line) -> bool:
    return all(re.fullmatch(r"\s*(?:\d{1,3}|[*†‡]{1,3})\s*", r.text) for r in s.runs)


def _mk_line(runs: list[Run]) -> Line:
    main = max(runs, key=lambda r: len(r.text.strip()))
    return Line(runs, main.y, main.size, min(r.x0 for r in runs), max(r.x1 for r in runs))


def _reading_order(lines: list[Line]) -> list[Line]:
    """Columns of lines as blocks, blocks top to bottom and, at the same height, left to right
    (the cover's conference name comes before the date block beside it)."""
    blocks: list[list[Line]] = []
    for ln in sorted(lines, key=lambda t: (-t.y, t.x0)):
        for b in reversed(blocks):
            last = b[-1]
            if (0 < last.y - ln.y <= 2.0 * min(ln.size, last.size)
                    and ln.x0 < max(t.x1 for t in b) and ln.x1 > min(t.x0 for t in b)):
                b.append(ln)
                break
        else:
            blocks.append([ln])
    blocks.sort(key=lambda b: (-round(b[0].y / 4), b[0].x0))
    return [ln for b in blocks for ln in b]


@dataclass
class _Page:
    body: list[Line] = field(default_factory=list)
    notes: list[Line] = field(default_factory=list)


def _split_page(p: PageRuns, index: int, body_size: float) -> _Page:
    lines = _lines(p.runs)
    top_band, bottom_band = p.height * 0.925, p.height * 0.065
    kept = []
    for ln in lines:
        text = ln.compose()
        in_band = ln.y < bottom_band or (index > 0 and ln.y > top_band)
        if in_band and (ln.size < 0.95 * body_size or _FURNITURE.match(text)):
            continue  # running header, footer job number, page number
        kept.append(ln)
    left = min((ln.x0 for ln in kept), default=0.0)
    rules = [r for r in p.rules if r[2] < p.height * 0.5 and r[0] < left + 12]
    page = _Page()
    if rules:
        rule_y = max(r[2] for r in rules)
        page.notes = [ln for ln in kept if ln.y < rule_y]
        page.body = [ln for ln in kept if ln.y >= rule_y]
    else:  # no rule: small lines at the foot starting with a mark
        k = len(kept)
        ordered = sorted(kept, key=lambda t: -t.y)
        while k > 0 and ordered[k - 1].size < 0.9 * body_size:
            k -= 1
        foot = ordered[k:]
        if foot and _starts_with_mark(foot[0]):
            page.notes, page.body = foot, ordered[:k]
        else:
            page.body = kept
    page.body = _reading_order(page.body)
    page.notes.sort(key=lambda t: (-t.y, t.x0))
    prev: Line | None = None
    for ln in page.body:
        ln.gap_before = (prev.y - ln.y) if prev is not None else 0.0
        prev = ln
    return page


def _starts_with_mark(ln: Line) -> bool:
    first = ln.runs[0]
    return first.mark or bool(re.match(r"^\s*(\d{1,2}|\*)\s", first.text))


def _note_text(ln: Line) -> str:
    first = ln.runs[0]
    if first.mark:
        rest = Line(ln.runs[1:], ln.y, ln.size, ln.x0, ln.x1).compose()
        return f" {first.text.strip()} {rest}"
    m = re.match(r"^\s*(\d{1,2}|\*)\s+(.*)$", ln.text)
    return f" {m.group(1)} {m.group(2)}" if m else ln.text


# ---- the whole document --------------------------------------------------------------------


def layout(pages: list[PageRuns]) -> str:
    """Runs of all pages → seeds-style text (see the module docstring)."""
    body_size = _body_size(pages)
    split = [_split_page(p, i, body_size) for i, p in enumerate(pages)]
    for pg in split:
        for ln in pg.body + pg.notes:
            if not ln.text or any(r.mark for r in ln.runs):
                ln.compose()
    texts = [ln.text for pg in split for ln in pg.body + pg.notes]
    words, compounds = vocabulary(texts)
    # Body lines of all pages form one stream (a word can be cut across a page break).
    flat = [ln.text for pg in split for ln in pg.body]
    flat = dehyphenate(flat, words, compounds)
    it = iter(flat)
    out: list[str] = []
    for k, pg in enumerate(split):
        if k:
            out.append("\f")
        for ln in pg.body:
            text = next(it)
            if ln.gap_before > 1.4 * ln.size and out and out[-1] != "":
                out.append("")
            if text:
                out.append(text)
        if pg.notes:
            out += ["", RULE_LINE]
            notes: list[list[str]] = []
            for ln in pg.notes:
                if _starts_with_mark(ln) or not notes:
                    notes.append([_note_text(ln)])
                else:
                    notes[-1].append(ln.text)
            for note in notes:
                out += [t for t in dehyphenate(note, words, compounds) if t]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def read_pdf(path: Path) -> tuple[str, str]:
    """(text in the seeds' layout, sha256 hex of the file); PdfReadError when there is no text."""
    path = Path(path)
    data = _check_file(path)
    pages = _pages(path, data)
    if not any(p.runs for p in pages):
        raise PdfReadError(path, "no text layer (a scanned image?); run OCR first")
    return layout(pages), hashlib.sha256(data).hexdigest()
