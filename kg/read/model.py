"""What the parser hands to the extractor: a working paper as plain data.

The parser (`kg.read`) knows the layout of the genre (headers, numbered paragraphs,
lettered items, footnotes, page-break debris); the extractor (`kg.extract`) knows the
world (states, treaties, measure and risk types). This module is the contract between
them, so either side can change without the other noticing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ParseWarning:
    """Something the parser could not read fully; `--strict` turns these into errors."""

    line: int
    message: str


@dataclass
class Footnote:
    """A footnote body printed under a `____` rule, and where its mark stands."""

    mark: str  # "1", "2", "*", normalised from superscripts such as "¹"
    text: str
    line: int  # line of the footnote body in the source file (1-based)


@dataclass
class Item:
    """A list entry inside a paragraph: a lettered item, a sub-item or a bullet.

    `label` is what identifies it under its parent: "h" for `(h)`, "三" for `(三)`,
    or "1", "2", ... for bullets and for items whose letters were lost (then
    `inferred_label` is True). `path` is the human citation, e.g. "12(h)(三)" or "15•2".
    `index` is its 1-based position under its parent; the IRI uses letters for lettered
    items and `index` for Chinese-numeral sub-items and bullets.
    """

    label: str
    kind: str  # "letter" | "numeral" | "bullet"
    index: int
    path: str
    text: str  # full text with its sub-items, line breaks rejoined, footnote marks removed
    own_text: str  # its own words only, without its sub-items: what a measure quotes
    line: int
    footnote_marks: list[str] = field(default_factory=list)
    children: list[Item] = field(default_factory=list)
    inferred_label: bool = False


@dataclass
class Section:
    """A heading and the paragraphs under it. Papers without headings get one implicit section."""

    order: int  # 1-based position in the paper
    heading: str  # heading text without its number, e.g. "导言", "建议"
    number: str | None  # "一", "二", ... when printed
    line: int
    footnote_marks: list[str] = field(default_factory=list)  # marks printed in the heading


@dataclass
class Paragraph:
    """A numbered paragraph: its lead text and the items listed under it."""

    number: int
    section: int  # Section.order
    text: str  # the whole paragraph @zh: lead text plus its items, footnote marks removed
    lead: str  # the text before the first item
    line: int
    items: list[Item] = field(default_factory=list)
    footnote_marks: list[str] = field(default_factory=list)


@dataclass
class Header:
    """The cover block. Every field is optional: papers print different subsets in any order."""

    symbol: str | None = None  # e.g. "NPT/CONF.2026/PC.II/WP.42", only when printed
    issue_date: dt.date | None = None
    language: str | None = None  # the text's language ("zh", "en"), detected from the paragraphs
    original_language: str | None = None  # "en" for "Original: English"
    conference_year: int | None = None  # from "2026 年审议大会"
    prepcom: bool = False  # "筹备委员会" printed, or a session line present
    session: int | None = None  # 1 for "第一届会议"
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    city: str | None = None  # as printed, e.g. "维也纳"
    title: str | None = None  # @zh, rejoined across lines
    title_footnote: str | None = None  # "*" when the title ends in a mark
    submitter_line: str | None = None  # rejoined, without its footnote mark
    submitter_footnote: str | None = None  # "*" when the submitter line ends in a mark
    lines: dict[str, int] = field(default_factory=dict)  # field name -> source line


@dataclass
class ParsedPaper:
    """One working paper as the parser read it."""

    path: Path
    sha256: str
    header: Header
    sections: list[Section]
    paragraphs: list[Paragraph]
    footnotes: list[Footnote]
    warnings: list[ParseWarning] = field(default_factory=list)

    @property
    def stem(self) -> str:
        return self.path.stem
