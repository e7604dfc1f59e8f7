"""Pieces the header and body readers share: lines, character classes, rejoining, numbering.

PDF extraction cuts Chinese sentences at arbitrary points, so text is collected as
fragments and rejoined with the rule a reader would use: no space between Chinese
characters, one space between Latin words or numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Ideographs (CJK unified, extensions, compatibility, radicals) as a regex class body.
CJK = "\u2e80-\u2fff\u3005-\u3007\u3021-\u3029\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹⁰"
SUP_TO_DIGIT = str.maketrans(SUPERSCRIPTS, "1234567890")
STARS = "*＊†‡"


# Sentence-final punctuation: a unit whose text ends with one of these is complete.
_TERMINAL = set("。；：！？.;:!?")
_TRAILING_MARKS = re.compile(rf"[\s{SUPERSCRIPTS}{STARS}]+$")
_TRAILING_DIGIT_MARK = re.compile(r"(?<=[。；：！？.;:!?”’」』)）])\d{1,2}$")
_CLOSERS = "”’」』)）]\"' "


@dataclass(frozen=True, slots=True)
class Line:
    """A non-blank source line: its 1-based number and its text with white space collapsed."""

    no: int
    s: str


def split_lines(text: str) -> list[Line]:
    """Non-blank lines with leading/trailing and repeated white space removed."""
    out: list[Line] = []
    for no, raw in enumerate(text.split("\n"), 1):
        parts = raw.split()
        if parts:
            out.append(Line(no, " ".join(parts)))
    return out


def _latin_end(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in ",.;:)!?%'\"")


def _latin_start(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "(\"'")


def needs_space(left: str, right: str) -> bool:
    """Whether two fragments cut at a line break need a space between them."""
    return bool(left) and bool(right) and _latin_end(left[-1]) and _latin_start(right[0])


def ends_sentence(text: str) -> bool:
    """True when text ends with sentence-final punctuation (footnote marks and closing quotes ignored)."""
    t = _TRAILING_MARKS.sub("", text)
    t = _TRAILING_DIGIT_MARK.sub("", t).rstrip(_CLOSERS)
    return bool(t) and t[-1] in _TERMINAL


def ends_with_colon(text: str) -> bool:
    t = _TRAILING_MARKS.sub("", text).rstrip(_CLOSERS)
    return bool(t) and t[-1] in "：:"


def letter_index(label: str) -> int:
    """a→1 … z→26, aa→27, bb→28 … (the United Nations style of continuing past z)."""
    return (len(label) - 1) * 26 + (ord(label[0]) - 96)


def letter_at(index: int) -> str:
    q, r = divmod(index - 1, 26)
    return chr(97 + r) * (q + 1)
