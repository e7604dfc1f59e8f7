"""Test PDFs laid out like a United Nations working paper, made with reportlab alone.

The reader must be tested on pages whose layout we know exactly: a cover block, numbered
paragraphs and lettered items wrapped to the column (English hyphenated at line ends),
raised footnote marks, footnotes under a short rule at the page foot, a footer with the job
number and page number, and a running header from page 2. Fonts are reportlab built-ins
(Helvetica/Times, and the CID font STSong-Light for Chinese), so no font files are needed.

A paper is a plain dict (see `make_un_pdf`); `paper_text` writes the same paper as the text a
PDF-to-text tool gives, so a test can build both and compare. Footnote marks are written in text
as ``[^1]`` or ``[^*]``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

CJK_FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))

PAGE_W, PAGE_H = A4
LEFT = 72.0
RIGHT = PAGE_W - 72.0
WIDTH = RIGHT - LEFT
BODY_TOP = PAGE_H - 80.0
FOOTER_Y = 36.0
BODY_BOTTOM = 62.0  # lowest baseline for body or footnote text

BODY_SIZE = 10.0
LEADING = 12.0
PARA_GAP = 6.0
FN_SIZE = 8.0
FN_LEADING = 9.5
FN_INDENT = 14.0
SUP_SCALE = 0.6
SUP_RISE = 3.5
ITEM_INDENT = 36.0

MARK_RE = re.compile(r"\[\^([^\]]+)\]")


@dataclass
class Atom:
    """A piece a line can break before: a word, one CJK character, or a footnote mark."""

    text: str
    space_before: bool
    mark: bool = False


@dataclass
class Piece:
    """A drawn run within a line."""

    text: str
    mark: bool


@dataclass
class Style:
    """Fonts of one language: regular, bold, and whether words are space-separated."""

    regular: str
    bold: str
    latin: bool
    hyphenate: bool


EN = Style("Times-Roman", "Times-Bold", latin=True, hyphenate=True)
ZH = Style(CJK_FONT, CJK_FONT, latin=False, hyphenate=False)


def _width(text: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font, size)


_TOKEN = re.compile(r"\s+|[A-Za-z0-9][^\s\u2e80-\u9fff\uff00-\uffef\u3000-\u303f]*|\S")


def atoms(text: str, style: Style) -> list[Atom]:
    """Split text into breakable atoms; ``[^N]`` becomes a mark atom glued to what precedes it."""
    out: list[Atom] = []
    for i, part in enumerate(MARK_RE.split(text)):
        if i % 2:
            out.append(Atom(part, space_before=False, mark=True))
            continue
        space = False
        for tok in _TOKEN.findall(part):
            if tok.isspace():
                space = True
                continue
            out.append(Atom(tok, space_before=space))
            space = False
    return out


def _split_word(word: str, room: float, font: str, size: float) -> tuple[str, str] | None:
    """Where to hyphenate a word so that its head plus "-" fits in room (None: it cannot)."""
    if "-" in word[2:-2]:
        k = word.index("-", 2) + 1  # a compound breaks after its own hyphen
        head, tail = word[:k], word[k:]
        return (head, tail) if _width(head, font, size) <= room and len(tail) >= 2 else None
    if len(word) < 8 or not word.isalpha():
        return None
    vowels = "aeiouy"
    for k in range(len(word) - 4, 3, -1):
        # Break between a vowel and a consonant: close enough to a syllable boundary.
        if word[k - 1].lower() in vowels and word[k].lower() not in vowels:
            head = word[:k] + "-"
            if _width(head, font, size) <= room:
                return head, word[k:]
    return None


def wrap(text: str, style: Style, font: str, size: float, first_width: float, width: float) -> list[list[Piece]]:
    """Greedy line filling with hyphenation; each line is a list of pieces (marks apart)."""
    lines: list[list[Piece]] = []
    cur: list[Piece] = []
    used = 0.0
    avail = first_width
    queue = atoms(text, style)
    msize = size * SUP_SCALE
    while queue:
        a = queue.pop(0)
        f_size = msize if a.mark else size
        sep = " " if (a.space_before and cur) else ""
        w = _width(sep + a.text, font, f_size)
        if used + w <= avail or not cur or a.mark:
            _append(cur, sep + a.text, a.mark)
            used += w
            continue
        split = _split_word(a.text, avail - used - _width(sep, font, size), font, size) if style.hyphenate else None
        if split is not None:
            head, tail = split
            _append(cur, sep + head, False)
            queue.insert(0, Atom(tail, False))
        else:
            queue.insert(0, Atom(a.text, False, a.mark))
        lines.append(cur)
        cur, used, avail = [], 0.0, width
    if cur:
        lines.append(cur)
    return lines


def _append(line: list[Piece], text: str, mark: bool) -> None:
    if line and line[-1].mark == mark and not mark:
        line[-1].text += text
    else:
        line.append(Piece(text, mark))


@dataclass
class Block:
    """Laid-out lines of one paragraph, item, heading or footnote."""

    lines: list[list[Piece]]
    x_first: float
    x_rest: float
    font: str
    size: float
    leading: float
    gap_before: float
    marks: list[str] = field(default_factory=list)
    fn_mark: str | None = None  # set on footnote blocks


def _draw_line(c: canvas.Canvas, pieces: list[Piece], x: float, y: float, font: str, size: float,
               justify_to: float | None) -> None:
    """Draw one line; Latin lines are justified with word spacing like a word processor does."""
    t = c.beginText(x, y)
    natural = sum(_width(p.text, font, size * (SUP_SCALE if p.mark else 1)) for p in pieces)
    spaces = sum(p.text.count(" ") for p in pieces if not p.mark)
    justify = justify_to is not None and spaces and font != CJK_FONT
    # Tw is graphics state and outlives the text object: set it on every line.
    t.setWordSpace(max(0.0, (justify_to - natural) / spaces) if justify and justify_to else 0.0)
    for p in pieces:
        if p.mark:
            t.setFont(font, size * SUP_SCALE)
            t.setRise(SUP_RISE if size >= BODY_SIZE else SUP_RISE * 0.8)
        else:
            t.setFont(font, size)
            t.setRise(0)
        t.textOut(p.text)
    c.drawText(t)


class _Pager:
    """Places blocks on pages, keeping each footnote on the page of its mark."""

    def __init__(self, c: canvas.Canvas, paper: dict[str, Any], style: Style, footnotes: dict[str, Block]):
        self.c = c
        self.paper = paper
        self.style = style
        self.footnotes = footnotes
        self.page = 1
        self.y = 0.0
        self.page_fns: list[str] = []

    def fn_height(self, marks: list[str]) -> float:
        if not marks:
            return 0.0
        return 14.0 + sum(len(self.footnotes[m].lines) * FN_LEADING for m in marks)

    def place(self, b: Block, first: bool = False) -> None:
        y = self.y - (0 if first else b.gap_before)
        for i, line in enumerate(b.lines):
            new = [p.text for p in line if p.mark and p.text in self.footnotes and p.text not in self.page_fns]
            y -= b.leading if i or not first else 0
            if y - BODY_BOTTOM < self.fn_height(self.page_fns + new):
                self.finish_page()
                y = BODY_TOP
            self.page_fns += new
            x = b.x_first if i == 0 else b.x_rest
            last = i == len(b.lines) - 1
            _draw_line(self.c, line, x, y, b.font, b.size, None if last else RIGHT - x)
        self.y = y

    def finish_page(self) -> None:
        c = self.c
        if self.page_fns:
            n = sum(len(self.footnotes[m].lines) for m in self.page_fns)
            y = BODY_BOTTOM + (n - 1) * FN_LEADING
            c.setLineWidth(0.5)
            c.line(LEFT, y + FN_LEADING + 1.0, LEFT + 72.0, y + FN_LEADING + 1.0)
            for m in self.page_fns:
                fb = self.footnotes[m]
                t = c.beginText(LEFT + 4.0, y)
                t.setFont(fb.font, FN_SIZE * 0.75)
                t.setRise(2.0)
                t.textOut(m)
                c.drawText(t)
                for i, line in enumerate(fb.lines):
                    last = i == len(fb.lines) - 1
                    width = None if last else RIGHT - LEFT - FN_INDENT
                    _draw_line(c, line, LEFT + FN_INDENT, y, fb.font, FN_SIZE, width)
                    y -= FN_LEADING
        self._furniture()
        c.showPage()
        self.page += 1
        self.page_fns = []

    def _furniture(self) -> None:
        c, p = self.c, self.paper
        job = p.get("job", "23-14587 (E)")
        even = self.page % 2 == 0
        c.setFont("Helvetica", 7.5)
        if self.page == 1:
            c.drawString(LEFT, FOOTER_Y, f"{job}    010823    020823")
        else:
            if even:
                c.setFont("Helvetica-Bold", 8)
                c.drawString(LEFT, FOOTER_Y, f"{self.page}/{p.get('_pages', '?')}")
                c.setFont("Helvetica", 7.5)
                c.drawRightString(RIGHT, FOOTER_Y, job)
            else:
                c.drawString(LEFT, FOOTER_Y, job)
                c.setFont("Helvetica-Bold", 8)
                c.drawRightString(RIGHT, FOOTER_Y, f"{self.page}/{p.get('_pages', '?')}")
            c.setFont("Helvetica-Bold", 8.5)
            if even:
                c.drawString(LEFT, PAGE_H - 48, p["symbol"])
            else:
                c.drawRightString(RIGHT, PAGE_H - 48, p["symbol"])


def _cover(c: canvas.Canvas, p: dict[str, Any], style: Style) -> float:
    """Draw the cover block; return the baseline of its last line."""
    zh = not style.latin
    f, fb = style.regular, style.bold
    top = PAGE_H - 56
    c.setFont(fb, 14)
    c.drawString(LEFT, top, "联合国" if zh else "United Nations")
    c.setFont("Helvetica-Bold", 16)
    c.drawRightString(RIGHT, top, p["symbol"])
    c.setLineWidth(1.5)
    c.line(LEFT, top - 10, RIGHT, top - 10)
    y = top - 34
    c.setFont(fb, 11)
    for i, s in enumerate(p.get("conference", [])):
        c.drawString(LEFT, y - i * 13, s)
    right_x = LEFT + WIDTH * 0.68
    c.setFont("Helvetica", 9)
    for i, s in enumerate([p.get("date", ""), *list(p.get("languages", []))]):
        c.drawString(right_x, y - i * 11, s)
    y -= max(len(p.get("conference", [])), 1 + len(p.get("languages", []))) * 13 + 14
    c.setFont(fb, 10)
    if p.get("session"):
        c.drawString(LEFT, y, p["session"])
        y -= 13
    c.setFont(f, 10)
    if p.get("place_dates"):
        c.drawString(LEFT, y, p["place_dates"])
        y -= 13
    return y


def make_un_pdf(path: str | Path, paper: dict[str, Any]) -> None:
    """Write a UN-style PDF for a paper dict.

    Keys: lang ("en"/"zh"), symbol, date, languages (list), conference (list of lines),
    session, place_dates, title, submitter, job, blocks (list of {"kind": "para"|"item"|
    "subitem"|"bullet"|"heading", "text": ...}, where para text starts with "N. " and item text with
    "(a) "), footnotes ({mark: text}). Marks in any text: "[^1]".
    """
    style = ZH if paper.get("lang") == "zh" else EN
    for _ in range(2):  # twice: the second pass knows the page count for "n/N" page numbers
        buf = io.BytesIO()
        pages = _render(buf, paper, style)
        if paper.get("_pages") == pages:
            break
        paper = {**paper, "_pages": pages}
    Path(path).write_bytes(buf.getvalue())


def _render(out: io.BytesIO, paper: dict[str, Any], style: Style) -> int:
    c = canvas.Canvas(out, pagesize=A4, invariant=True)
    c.setTitle(paper.get("title", ""))
    f, fb = style.regular, style.bold
    footnotes = {
        m: Block(wrap(t, style, f, FN_SIZE, WIDTH - FN_INDENT, WIDTH - FN_INDENT), LEFT + FN_INDENT,
                 LEFT + FN_INDENT, f, FN_SIZE, FN_LEADING, 0, fn_mark=m)
        for m, t in paper.get("footnotes", {}).items()
    }
    pager = _Pager(c, paper, style, footnotes)
    y = _cover(c, paper, style)
    pager.y = y - 12
    title = Block(wrap(paper.get("title", ""), style, fb, 14, WIDTH - 60, WIDTH - 60), LEFT + 30, LEFT + 30,
                  fb, 14, 17, 0)
    pager.place(title, first=True)
    pager.y -= 10
    sub = Block(wrap(paper.get("submitter", ""), style, fb, 11, WIDTH - 60, WIDTH - 60), LEFT + 30, LEFT + 30,
                fb, 11, 14, 0)
    pager.place(sub)
    pager.y -= 12
    for blk in paper.get("blocks", []):
        kind, text = blk["kind"], blk["text"]
        if kind == "heading":
            lines = wrap(text, style, fb, BODY_SIZE, WIDTH - 30, WIDTH - 30)
            pager.place(Block(lines, LEFT + 30, LEFT + 30, fb, BODY_SIZE, LEADING, 12))
        elif kind == "para":
            lines = wrap(text, style, f, BODY_SIZE, WIDTH, WIDTH)
            pager.place(Block(lines, LEFT, LEFT, f, BODY_SIZE, LEADING, PARA_GAP))
        else:
            indent = {"item": ITEM_INDENT, "subitem": ITEM_INDENT + 24}.get(kind, 18)
            lines = wrap(text, style, f, BODY_SIZE, WIDTH - indent, WIDTH)
            pager.place(Block(lines, LEFT + indent, LEFT, f, BODY_SIZE, LEADING, PARA_GAP))
    pager.finish_page()
    c.save()
    return pager.page - 1


# ---- the same paper as text, the way a PDF-to-text tool lays it out -------------------------


def paper_text(paper: dict[str, Any]) -> str:
    """The paper as a seeds-style .txt: cover lines, title, submitter, one line per block, footnotes
    under a rule at the end. Marks become superscript digits (a raised ``*`` stays ``*``)."""

    def marked(text: str) -> str:
        return MARK_RE.sub(lambda m: m.group(1).translate(_SUP) if m.group(1).isdigit() else m.group(1), text)

    zh = paper.get("lang") == "zh"
    lines = [paper["symbol"], "", "联合国" if zh else "United Nations", ""]
    lines += [*paper.get("conference", []), "", paper.get("date", ""), *paper.get("languages", []), ""]
    lines += [paper.get("session", ""), paper.get("place_dates", ""), "", marked(paper.get("title", "")), "",
              marked(paper.get("submitter", "")), ""]
    for blk in paper.get("blocks", []):
        lines += [marked(blk["text"]), ""]
    notes = paper.get("footnotes", {})
    if notes:
        lines.append("__________________")
        lines += [f" {m} {marked(t)}" for m, t in notes.items()]
    return "\n".join(ln for ln in lines if ln is not None) + "\n"


_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


# ---- PDFs for the error cases ---------------------------------------------------------------


def make_scanned_pdf(path: str | Path, source_pdf: str | Path) -> None:
    """An image-only PDF (no text layer): page 1 of source_pdf rendered to a bitmap."""
    import pypdfium2 as pdfium
    from reportlab.lib.utils import ImageReader

    doc = pdfium.PdfDocument(str(source_pdf))
    img = doc[0].render(scale=1.0).to_pil()
    doc.close()
    c = canvas.Canvas(str(path), pagesize=A4, invariant=True)
    c.drawImage(ImageReader(img), 0, 0, PAGE_W, PAGE_H)
    c.showPage()
    c.save()


def make_encrypted_pdf(path: str | Path, paper: dict[str, Any], password: str = "secret") -> None:
    """A PDF that needs a user password to open (reportlab's standard encryption)."""
    from reportlab.lib import pdfencrypt

    c = canvas.Canvas(str(path), pagesize=A4,
                      encrypt=pdfencrypt.StandardEncryption(password, canPrint=0, strength=128))
    c.setFont("Helvetica", 10)
    c.drawString(LEFT, BODY_TOP, paper.get("title", "encrypted"))
    c.showPage()
    c.save()


def make_corrupt_pdf(path: str | Path, source_pdf: str | Path) -> None:
    """The first 40% of a real PDF's bytes: a header and no usable body or xref."""
    data = Path(source_pdf).read_bytes()
    Path(path).write_bytes(data[: len(data) * 2 // 5])


def make_empty_pdf(path: str | Path) -> None:
    Path(path).write_bytes(b"")
