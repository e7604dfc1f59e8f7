"""Text of an NPT working paper (as extracted from PDF) → `kg.read.model.ParsedPaper`.

The layout knowledge lives in three modules: `kg.read.decode` (bytes → text),
`kg.read.header` (the cover block) and `kg.read.body` (headings, numbered
paragraphs, items, footnotes). This module ties them together.
"""

from __future__ import annotations

from pathlib import Path

from kg.errors import PaperError
from kg.read.body import PARA_RE, BodyParser, Unit
from kg.read.decode import normalise, read_text
from kg.read.header import parse_header
from kg.read.hyphens import dehyphenate_text
from kg.read.language import detect_language
from kg.read.lines import Line, split_lines
from kg.read.model import ParsedPaper
from kg.read.pdf import is_pdf, read_pdf


def _first_paragraph(lines: list[Line]) -> int | None:
    """Index of the line that starts paragraph 1 (or, failing that, any numbered paragraph)."""
    fallback = None
    for k, ln in enumerate(lines):
        m = PARA_RE.match(ln.s)
        if m:
            if m.group(1) == "1":
                return k
            if fallback is None:
                fallback = k
    return fallback


def _unit(lines: list[Line]) -> Unit | None:
    if not lines:
        return None
    unit = Unit()
    for ln in lines:
        unit.add(ln.s, ln.no)
    return unit


def parse_text(text: str, path: Path, sha256: str = "") -> ParsedPaper:
    """Parse the text of one paper; raise PaperError when it is not a working paper at all."""
    path = Path(path)
    lines = split_lines(dehyphenate_text(text))
    first = _first_paragraph(lines)
    if first is None:
        raise PaperError(path, "no numbered paragraphs found (\"1. …\"): not a working paper")
    head = parse_header(lines, first)
    header = head.header

    title_unit = _unit(head.title)
    submitter_unit = _unit(head.submitter)
    before = [u for u in (title_unit, submitter_unit) if u is not None]

    body = BodyParser(lines, head.body_start, header.symbol, before)
    body.run()
    body.assign_marks()
    sections, paragraphs, footnotes = body.results()

    if title_unit is not None:
        header.title = title_unit.text.strip() or None
        header.title_footnote = title_unit.marks[0] if title_unit.marks else None
    if submitter_unit is not None:
        header.submitter_line = submitter_unit.text.strip() or None
        header.submitter_footnote = submitter_unit.marks[0] if submitter_unit.marks else None

    # The language of the text itself: a cover may print none ("Original: English" names another).
    detected = detect_language(" ".join(p.text for p in paragraphs))
    if detected is not None:
        header.language = detected
    warnings = sorted(head.warnings + body.warnings, key=lambda w: w.line)
    return ParsedPaper(path=path, sha256=sha256, header=header, sections=sections, paragraphs=paragraphs,
                       footnotes=footnotes, warnings=warnings)


def read_file(path: Path) -> tuple[str, str]:
    """(text, sha256 of the file's bytes) of a paper file: a PDF through `kg.read.pdf`, else as text."""
    path = Path(path)
    if path.is_file() and is_pdf(path):
        text, digest = read_pdf(path)
        return normalise(text), digest
    return read_text(path)


def parse_file(path: Path) -> ParsedPaper:
    """Read and parse one paper file (.txt as extracted from PDF, or the .pdf itself)."""
    path = Path(path)
    text, digest = read_file(path)
    return parse_text(text, path, digest)
