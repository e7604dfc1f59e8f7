"""The body of a working paper: headings, numbered paragraphs, items and footnotes.

One pass over the non-blank lines decides what each line starts (a paragraph, an item,
a heading, a footnote body) or which open text it continues; page-break debris is
dropped on the way. A second pass finds footnote marks in the collected text, using the
footnote bodies found in the first pass to tell marks from numbers that are content.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from kg.read.lines import (
    CJK,
    STARS,
    SUP_TO_DIGIT,
    SUPERSCRIPTS,
    Line,
    ends_sentence,
    ends_with_colon,
    letter_at,
    letter_index,
    needs_space,
)
from kg.read.model import Footnote, Item, Paragraph, ParseWarning, Section
from kg.util.numerals import CN_NUMERALS, cn_to_int, roman_value
from kg.util.text import display_width

PARA_RE = re.compile(r"^(\d{1,3})\s*[.．](?![\d.．])\s*(.*)$")
NUM_HEADING_RE = re.compile(
    rf"^(?P<num>[{CN_NUMERALS}]{{1,3}}|[IVX]{{1,5}}|[A-Z])\s*[.．]\s*(?P<rest>[^\x00-\x7f].*)$"
    # English: "II. Nuclear disarmament", "A. Nuclear safety" (no sentence punctuation after the words)
    r"|^(?P<num_en>[IVX]{1,5}|[A-H])\.\s+(?P<rest_en>[A-Z][^.;:!?]{0,78})$"
)
_RUN_HEADING_NUMBER = re.compile(rf"^(?P<num>[{CN_NUMERALS}]{{1,3}})\s*[、.．]\s*(?P<rest>.+)$")

_BULLET = r"(?:[•●▪■◆◦‣∙]\s*|[-–—·](?=\s|$)\s*)"
_LABEL = rf"[a-z]{{1,4}}|[{CN_NUMERALS}]{{1,3}}"
ITEM_RE = re.compile(rf"^(?P<b>{_BULLET})?[(（]\s*(?P<lab>{_LABEL})\s*[)）]\s*(?P<rest>.*)$")
CIRCLED_RE = re.compile(rf"^(?P<b>{_BULLET})?(?P<lab>[\u3220-\u3229])\s*(?P<rest>.*)$")
OPEN_ONLY_RE = re.compile(rf"^(?P<b>{_BULLET})?[(（]\s*(?P<lab>[a-z]{{1,2}}|[{CN_NUMERALS}]{{1,3}})\s+(?P<rest>\S.*)$")
CLOSE_ONLY_RE = re.compile(rf"^(?P<b>{_BULLET})?(?P<lab>[a-z]{{1,2}})\s*[)）]\s*(?P<rest>.*)$")
BULLET_RE = re.compile(rf"^{_BULLET}(?P<rest>.*)$")

RULE_RE = re.compile(r"^[_＿\-—–‐]{5,}$")
URL_RE = re.compile(r"^(?:(?:https?://|www\.)\S+\s*)+$", re.I)
_DASHED_PAGE = re.compile(r"^[-–—]\s*\d{1,3}\s*[-–—]$")
_DEBRIS_START = re.compile(r"[\d(*\-–—NGhHwW请♲♻]")
_DEBRIS_TOKEN = re.compile(
    r"\d{1,3}\s*/\s*\d{1,3}|(?:GE\.)?\d{2}-\d{5}[A-Z]?(?:\([A-Z]\))?|\([A-Z]\)|\*\d{6,}\*|\d{6}|\d{1,3}"
    r"|请回收|[♲♻]"
    r"|NPT/CONF\.[\w./\-()]+"
)

SUP_START = re.compile(rf"^([{SUPERSCRIPTS}]{{1,2}})\s*(\S.*)$")
STAR_START = re.compile(rf"^([{STARS}]{{1,3}})\s*(\S.*)$")
# Counters after which a number is content, not a mark (日 unless it begins 日本).
_COUNTER = r"(?:[年月号段条款项页秒个名次届%％]|日(?!本))"
DIGIT_START = re.compile(rf"^(\d{{1,2}})(?![\d.．/])\s*(?!{_COUNTER})(\S.*)$")
_SEEN = re.compile(rf"[{SUPERSCRIPTS}]{{1,2}}|[{STARS}]{{1,3}}")
# A plain-digit mark as it usually stands: glued to the text before it, a space or line end after it.
_AFTER_MARK = rf"(?:(?<=[{CJK}。，；：、！？”’》」』）)\]])|(?<=[A-Za-z)\]][.,;:”’\"]))"  # CJK text; "Treaty."
_SEEN_DIGIT = re.compile(rf"{_AFTER_MARK}(?<!第)(\d{{1,2}})(?=\s|$)")

MARK_RE = re.compile(
    rf"(?P<sup>[{SUPERSCRIPTS}]{{1,2}})"
    rf"|(?P<star>[{STARS}]{{1,3}})"
    rf"|{_AFTER_MARK}(?<!第)(?P<num>\d{{1,2}})"
    rf"(?![\d.．/:：\-－~～])(?!\s*{_COUNTER})(?!点)"
)
_MARK_HINT = re.compile(rf"[{SUPERSCRIPTS}{STARS}\d]")

_CJK_RE = re.compile(f"[{CJK}]")
_DIGIT = re.compile(r"\d")
# Headings carry no sentence punctuation; a run of lines with any is body text.
_SENTENCE_PUNCT = re.compile(r"[。；！？]|[.;!?](?:\s|$)")
# An English heading: a capital first, no sentence punctuation or comma at its end.
_LATIN_HEADING = re.compile(r"^[A-Z][A-Za-z'’\-]*(?:\s+\S+){0,11}$")

#: Longest text (characters) read as a heading; longer runs are body text.
MAX_HEADING = 80


def _full_width(widths: list[int]) -> int:
    """The width of a full line of body text (lines that wrapped are this wide)."""
    widths = sorted(widths)
    if not widths:
        return 0
    return widths[min(len(widths) - 1, int(len(widths) * 0.9))]


def norm_mark(raw: str) -> str:
    """"¹" → "1", "＊" → "*"."""
    return raw.translate(SUP_TO_DIGIT).replace("＊", "*")


class Unit:
    """Text collected from line fragments, remembering the source line of each fragment."""

    __slots__ = ("marks", "offsets", "parts", "size")

    def __init__(self, first: str = "", line: int = 0) -> None:
        self.parts: list[str] = []
        self.offsets: list[tuple[int, int]] = []  # (character offset, source line)
        self.size = 0
        self.marks: list[str] = []
        self.add(first, line)

    def add(self, fragment: str, line: int = 0) -> None:
        if not fragment:
            return
        if self.parts and needs_space(self.parts[-1], fragment):
            self.parts.append(" ")
            self.size += 1
        if line:
            self.offsets.append((self.size, line))
        self.parts.append(fragment)
        self.size += len(fragment)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def tail(self) -> str:
        return "".join(self.parts[-3:])

    def line_at(self, offset: int) -> int:
        if not self.offsets:
            return 0
        k = bisect.bisect_right(self.offsets, (offset, 1 << 30)) - 1
        return self.offsets[max(k, 0)][1]

    def replace(self, text: str) -> None:
        first_line = self.offsets[0][1] if self.offsets else 0
        self.parts = [text] if text else []
        self.offsets = [(0, first_line)] if first_line else []
        self.size = len(text)


@dataclass(eq=False)
class _Item:
    kind: str
    label: str
    line: int
    text: Unit
    parent: _Item | None
    children: list[_Item] = field(default_factory=list)
    inferred: bool = False


@dataclass(eq=False)
class _Section:
    order: int
    number: str | None
    heading: Unit
    line: int


@dataclass(eq=False)
class _Para:
    number: int
    section: _Section
    line: int
    lead: Unit
    items: list[_Item] = field(default_factory=list)
    last_item: _Item | None = None


@dataclass(eq=False)
class _Foot:
    mark: str
    line: int
    text: Unit


class BodyParser:
    """Reads lines[start:] into sections, paragraphs and footnotes."""

    def __init__(self, lines: list[Line], start: int, symbol: str | None, before: list[Unit]) -> None:
        self.lines = lines
        self.start = start
        self.symbol = symbol
        self.sections: list[_Section] = []
        self.paras: list[_Para] = []
        self.foots: list[_Foot] = []
        self.warnings: list[ParseWarning] = []
        # Every text holder in document order, for the footnote-mark pass.
        self.units: list[Unit] = list(before)
        self.cur_sec: _Section | None = None
        self.cur_para: _Para | None = None
        self.cur_unit: Unit | None = None
        self.cur_is_heading = False
        self.cur_fn: _Foot | None = None
        self.fn_zone = False
        self.last_fn_num = 0
        self.fn_marks: set[str] = set()
        self.seen_sups: set[int] = set()
        self.seen_stars: set[str] = set()
        self.seen_digits: set[int] = set()
        for unit in before:
            self._note(unit.text)
        self.widths = [display_width(ln.s, ambiguous=2) for ln in lines]
        self.full_width = _full_width(self.widths[start:])
        self.last_width = 0
        self.pos = start  # index of the line being read, for looking ahead

    # ---- helpers -------------------------------------------------------------------------

    def _warn(self, line: int, message: str) -> None:
        self.warnings.append(ParseWarning(line, message))

    def _note(self, s: str) -> None:
        """Remember marks seen in the text, so that their bodies are recognised where no rule precedes them."""
        if _DIGIT.search(s):
            for d in _SEEN_DIGIT.findall(s):
                self.seen_digits.add(int(d))
        if not _SEEN.search(s):
            return
        for raw in _SEEN.findall(s):
            mark = norm_mark(raw)
            if mark.isdigit():
                self.seen_sups.add(int(mark))
            else:
                self.seen_stars.add(mark)

    def _is_debris(self, s: str) -> bool:
        """Page furniture: URLs of the links on a page, running symbols, page and job numbers."""
        if self.symbol is not None and s == self.symbol:
            return True
        if not _DEBRIS_START.match(s):
            return False
        if URL_RE.match(s) or _DASHED_PAGE.match(s):
            return True
        return all(_DEBRIS_TOKEN.fullmatch(tok) for tok in s.split(" "))

    def _para_ok(self, n: int) -> tuple[bool, str | None]:
        if not self.paras:
            return True, (None if n == 1 else f"first numbered paragraph is {n}, not 1")
        last = self.paras[-1].number
        if n == last + 1:
            return True, None
        if last + 1 < n <= last + 5:
            return True, f"paragraph numbers jump from {last} to {n}"
        return False, f"number {n}. after paragraph {last} is out of sequence; read as text"

    def _is_para_start(self, s: str) -> bool:
        m = PARA_RE.match(s)
        return bool(m) and self._para_ok(int(m.group(1)))[0]

    def _footnote_start(self, s: str) -> tuple[str, str] | None:
        m = SUP_START.match(s)
        if m:
            v = int(norm_mark(m.group(1)))
            if str(v) not in self.fn_marks and v > self.last_fn_num and (v in self.seen_sups or self.fn_zone):
                return str(v), m.group(2)
        m = STAR_START.match(s)
        if m:
            mark = norm_mark(m.group(1))
            if mark not in self.fn_marks and (mark in self.seen_stars or self.fn_zone):
                return mark, m.group(2)
        m = DIGIT_START.match(s)
        if m:
            v = int(m.group(1))
            if self.fn_zone and self.last_fn_num < v <= self.last_fn_num + 3:
                return str(v), m.group(2)
            # No rule above it (lost in extraction): only the next number, whose mark was seen, and a space.
            if v == self.last_fn_num + 1 and v in self.seen_digits and s[len(m.group(1))] == " ":
                return str(v), m.group(2)
        return None

    def _structural(self, s: str) -> bool:
        """Whether a line starts something (as opposed to continuing the text above it)."""
        return bool(
            self._is_para_start(s)
            or NUM_HEADING_RE.match(s)
            or ITEM_RE.match(s)
            or CIRCLED_RE.match(s)
            or BULLET_RE.match(s)
            or RULE_RE.match(s)
            or self._footnote_start(s)
        )

    # ---- the pass over lines ---------------------------------------------------------------

    def run(self) -> None:
        lines = self.lines
        i = self.start
        while i < len(lines):
            ln = lines[i]
            s = ln.s
            if self._is_debris(s):
                self.cur_fn = None  # a page ended: footnotes end with it
                self.fn_zone = False
                i += 1
                continue
            if RULE_RE.match(s):
                self.fn_zone = True
                self.cur_fn = None
                i += 1
                continue
            fn = self._footnote_start(s)
            if fn is not None:
                self._start_footnote(fn[0], fn[1], ln.no)
                i += 1
                continue
            if self.cur_fn is not None:
                if self._footnote_goes_on(i):
                    self.cur_fn.text.add(s, ln.no)
                    i += 1
                    continue
                self.cur_fn = None
            self.fn_zone = False
            nxt = self._body_line(i)
            self.last_width = self.widths[nxt - 1]
            i = nxt

    def _start_footnote(self, mark: str, text: str, line: int) -> None:
        foot = _Foot(mark, line, Unit(text, line))
        self.foots.append(foot)
        self.cur_fn = foot
        self.fn_marks.add(mark)
        if mark.isdigit():
            self.last_fn_num = int(mark)

    def _footnote_goes_on(self, i: int) -> bool:
        """A line after a footnote body: more of the footnote, or the page's text resuming?"""
        s = self.lines[i].s
        if self._structural(s):
            return False
        assert self.cur_fn is not None
        if not ends_sentence(self.cur_fn.text.tail()):
            return True
        if self.fn_zone and self._page_ends_ahead(i):
            return True  # still above the page break, so still in the footnote area
        unit = self.cur_unit
        if unit is not None and not self.cur_is_heading and not ends_sentence(unit.tail()):
            return False  # the footnote is complete and the paragraph above it is not
        return self._heading_run(i) is None

    def _page_ends_ahead(self, i: int, limit: int = 12) -> bool:
        """Whether page debris comes after line i before anything starts: then line i is above the break."""
        for ln in self.lines[i + 1 : i + 1 + limit]:
            if self._is_debris(ln.s):
                return True
            if DIGIT_START.match(ln.s) or SUP_START.match(ln.s) or STAR_START.match(ln.s):
                continue  # another footnote of the same page
            if self._structural(ln.s):
                return False
        return False

    def _body_line(self, i: int) -> int:
        self.pos = i
        ln = self.lines[i]
        s = ln.s
        m = PARA_RE.match(s)
        if m:
            ok, note = self._para_ok(int(m.group(1)))
            if note:
                self._warn(ln.no, note)
            if ok:
                self._new_para(int(m.group(1)), m.group(2), ln.no)
                return i + 1
        else:
            m = NUM_HEADING_RE.match(s)
            if m:
                self._new_section(m.group("num") or m.group("num_en"), m.group("rest") or m.group("rest_en"), ln.no)
                return i + 1
            if self._item_line(ln):
                return i + 1
        return self._text_line(i)

    def _new_section(self, number: str | None, text: str, line: int) -> None:
        sec = _Section(len(self.sections) + 1, number, Unit(text, line), line)
        self.sections.append(sec)
        self.units.append(sec.heading)
        self.cur_sec = sec
        self.cur_para = None
        self.cur_unit = sec.heading
        self.cur_is_heading = True
        self._note(text)

    def _new_para(self, number: int, text: str, line: int) -> None:
        if self.cur_sec is None:
            self._new_section(None, "", line)
        assert self.cur_sec is not None
        para = _Para(number, self.cur_sec, line, Unit(text, line))
        self.paras.append(para)
        self.units.append(para.lead)
        self.cur_para = para
        self.cur_unit = para.lead
        self.cur_is_heading = False
        self._note(text)

    def _text_line(self, i: int) -> int:
        ln = self.lines[i]
        s = ln.s
        unit = self.cur_unit
        if self.cur_is_heading:
            assert unit is not None
            if "。" not in s and unit.size + len(s) <= MAX_HEADING:
                unit.add(s, ln.no)  # a heading that wrapped onto the next line
                self._note(s)
                return i + 1
        # A unit whose last line is well short of the page width ended there, punctuated or not
        # (bullets often are not), so a heading may follow it.
        complete = self.last_width < 0.7 * self.full_width
        if unit is None or self.cur_is_heading or complete or ends_sentence(unit.tail()):
            run = self._heading_run(i)
            if run is not None:
                parts, nxt = run
                self._heading_from_run(parts)
                return nxt
            if unit is None or self.cur_is_heading:
                self._warn(ln.no, f"text outside any numbered paragraph could not be placed: {s[:30]!r}")
                return i + 1
        unit.add(s, ln.no)
        self._note(s)
        return i + 1

    def _heading_run(self, i: int) -> tuple[list[Line], int] | None:
        """Lines from i that form an unnumbered heading: short, no full stop, then a paragraph starts."""
        lines = self.lines
        parts: list[Line] = []
        total = 0
        j = i
        while j < len(lines):
            s = lines[j].s
            if self._is_debris(s):
                j += 1
                continue
            if self._structural(s):
                break
            if len(parts) == 3 or _SENTENCE_PUNCT.search(s) or (parts and ends_sentence(parts[-1].s)):
                return None
            parts.append(lines[j])
            total += len(s)
            j += 1
        if not parts or j >= len(lines) or total > MAX_HEADING or not any(
                _CJK_RE.search(p.s) or (_LATIN_HEADING.match(p.s) and p.s[-1] not in ",;:") for p in parts):
            return None
        end = j
        if RULE_RE.match(lines[j].s) or self._footnote_start(lines[j].s):
            # A heading left at the bottom of a page: its footnotes and the page break come first.
            j = self._after_footnotes(j)
            if j >= len(lines):
                return None
        nxt = lines[j].s
        if not (self._is_para_start(nxt) or NUM_HEADING_RE.match(nxt)):
            return None
        if ends_sentence(parts[-1].s) or self._full_clause(parts[-1].s):
            return None
        return parts, end

    def _full_clause(self, s: str) -> bool:
        """A clause as wide as the text column: a sentence cut at a page break, not a heading."""
        return ("，" in s and len(self.lines) - self.start >= 20
                and display_width(s, ambiguous=2) >= 0.9 * self.full_width)

    def _after_footnotes(self, j: int, limit: int = 40) -> int:
        """Index of the first line that starts body text after the footnote area beginning at line j."""
        lines = self.lines
        stop = min(len(lines), j + limit)
        page_ended = False
        while j < stop:
            s = lines[j].s
            if self._is_debris(s):
                page_ended = True
            elif RULE_RE.match(s) or DIGIT_START.match(s) or SUP_START.match(s) or STAR_START.match(s):
                pass
            elif page_ended or self._structural(s):
                return j  # body text resumes on the next page, or something starts
            j += 1
        return len(lines)

    def _heading_from_run(self, parts: list[Line]) -> None:
        unit = Unit()
        for ln in parts:
            unit.add(ln.s, ln.no)
        text = unit.text
        number = None
        m = _RUN_HEADING_NUMBER.match(text)
        if m:
            number, text = m.group("num"), m.group("rest")
        self._new_section(number, "", parts[0].no)
        assert self.cur_sec is not None
        self.cur_sec.heading.add(text, parts[0].no)
        self._note(text)

    # ---- items ------------------------------------------------------------------------------

    def _item_line(self, ln: Line) -> bool:
        s = ln.s
        balanced = True
        m = ITEM_RE.match(s)
        label = None
        if m:
            label = m.group("lab")
        else:
            m = CIRCLED_RE.match(s)
            if m:
                label = CN_NUMERALS[ord(m.group("lab")) - 0x3220]
            else:
                m = OPEN_ONLY_RE.match(s) or CLOSE_ONLY_RE.match(s)
                if m:
                    label = m.group("lab")
                    balanced = False
        if m and label:
            return self._labelled(label, m.group("rest"), ln.no, balanced)
        m = BULLET_RE.match(s)
        if m:
            return self._bullet(m.group("rest"), ln.no)
        return False

    def _set_current(self, para: _Para, item: _Item, text: str) -> None:
        para.last_item = item
        self.cur_unit = item.text
        self.cur_is_heading = False
        self.units.append(item.text)
        self._note(text)

    def _mid_sentence(self) -> bool:
        return self.cur_unit is not None and not ends_sentence(self.cur_unit.tail())

    def _letter_context(self, para: _Para) -> tuple[int, list[_Item]]:
        """Index of the last top-level letter, and the bullets printed after it (maybe lost letters)."""
        base = 0
        trailing: list[_Item] = []
        for item in para.items:
            if item.kind == "letter":
                base = letter_index(item.label)
                trailing = []
            elif item.kind == "bullet":
                trailing.append(item)
            else:
                trailing = []
        return base, trailing

    def _labelled(self, label: str, rest: str, line: int, balanced: bool) -> bool:
        para = self.cur_para
        if para is None:
            return False
        if label[0] in CN_NUMERALS:
            value = cn_to_int(label)
            return value is not None and self._numeral(para, label, value, rest, line, balanced)
        base, trailing = self._letter_context(para)
        last = para.items[-1] if para.items else None
        value = roman_value(label, letters="ivxl")
        if value is not None and self._roman_here(para, last, label, value):
            if not balanced:
                self._warn(line, f"unbalanced bracket in item marker ({label}")
            parent = last if last is not None and last.kind == "letter" else None
            return self._add_child(para, parent, "numeral", label, rest, line)
        if len(set(label)) == 1:
            idx = letter_index(label)
            if idx == base + 1 or (trailing and idx == base + len(trailing) + 1):
                if not balanced:
                    self._warn(line, f"unbalanced bracket in item marker ({label}")
                self._add_letter(para, label, idx, base, trailing, rest, line)
                return True
        if not balanced or len(set(label)) != 1 or self._mid_sentence():
            return False  # an inline "(b)" that a line break put at the start of a line
        expected = letter_at(base + 1)
        self._warn(line, f"item letters out of sequence in paragraph {para.number}: "
                         f"({label}) where ({expected}) was expected")
        self._add_letter(para, label, letter_index(label), base, [], rest, line)
        return True

    def _roman_here(self, para: _Para, last: _Item | None, label: str, value: int) -> bool:
        """Whether "(i)", "(v)", "(x)" … is a Roman sub-item here rather than the next letter.

        After (h), "(i)" can be either. It is a sub-item when it continues a run of sub-items,
        when the item above it ends with a colon, or when the next marker is the next numeral
        ("(ii)"); it is a letter when it continues the letters and none of that holds.
        """
        if last is not None and last.kind == "letter":
            done = sum(1 for c in last.children if c.kind == "numeral")
        elif last is not None and last.kind == "numeral" and last.parent is None:
            done = sum(1 for c in para.items if c.kind == "numeral")
        elif last is None:
            done = 0
        else:
            return False
        if value != done + 1:
            return False
        base, trailing = self._letter_context(para)
        as_letter = len(set(label)) == 1 and letter_index(label) in (base + 1, base + len(trailing) + 1)
        if not as_letter or done > 0:
            return True
        if last is not None and ends_with_colon(last.text.tail()):
            return True
        nxt = self._next_marker()
        return nxt is not None and roman_value(nxt, letters="ivxl") == value + 1

    def _next_marker(self, limit: int = 40) -> str | None:
        """The label of the next item marker after the current line, if one comes before the next paragraph."""
        for ln in self.lines[self.pos + 1 : self.pos + 1 + limit]:
            if PARA_RE.match(ln.s) and self._is_para_start(ln.s):
                return None
            m = ITEM_RE.match(ln.s)
            if m:
                return m.group("lab")
        return None

    def _add_letter(self, para: _Para, label: str, idx: int, base: int, trailing: list[_Item],
                    rest: str, line: int) -> None:
        if trailing and idx == base + len(trailing) + 1:
            # Bullets standing where letters were lost in extraction: the letters continue after them.
            for k, bullet in enumerate(trailing, 1):
                bullet.kind = "letter"
                bullet.label = letter_at(base + k)
                bullet.inferred = True
        item = _Item("letter", label, line, Unit(rest, line), None)
        para.items.append(item)
        self._set_current(para, item, rest)

    def _add_child(self, para: _Para, parent: _Item | None, kind: str, label: str, rest: str, line: int) -> bool:
        item = _Item(kind, label, line, Unit(rest, line), parent)
        (parent.children if parent else para.items).append(item)
        self._set_current(para, item, rest)
        return True

    def _numeral(self, para: _Para, label: str, value: int, rest: str, line: int, balanced: bool) -> bool:
        last = para.items[-1] if para.items else None
        parent = last if last is not None and last.kind == "letter" else None
        siblings = parent.children if parent else para.items
        done = 0
        for c in siblings:
            if c.kind == "numeral":
                done += 1
        if parent is None and (last is None or last.kind != "numeral"):
            done = 0
        if value != done + 1:
            if not balanced or self._mid_sentence():
                return False
            self._warn(line, f"sub-item ({label}) out of sequence in paragraph {para.number}")
        if not balanced:
            self._warn(line, f"unbalanced bracket in item marker ({label}")
        if parent is None and (last is None or last.kind != "numeral"):
            self._warn(line, f"sub-item ({label}) in paragraph {para.number} has no lettered item above it")
        return self._add_child(para, parent, "numeral", label, rest, line)

    def _bullet(self, rest: str, line: int) -> bool:
        para = self.cur_para
        if para is None:
            return False
        prev = para.last_item
        if prev is not None and prev.kind == "bullet":
            parent = prev.parent
        elif prev is not None and ends_with_colon(prev.text.tail()):
            parent = prev
        else:
            parent = None
        return self._add_child(para, parent, "bullet", "", rest, line)

    # ---- footnote marks -----------------------------------------------------------------------

    def assign_marks(self) -> None:
        """Find footnote marks in the text, record them on their unit and cut them out of the text."""
        numeric = sorted(int(f.mark) for f in self.foots if f.mark.isdigit())
        numeric_set = set(numeric)
        others = {f.mark for f in self.foots if not f.mark.isdigit()}
        used: set[str] = set()
        last = 0
        for unit in self.units:
            s = unit.text
            if not _MARK_HINT.search(s):
                continue
            cuts: list[tuple[int, int]] = []
            for m in MARK_RE.finditer(s):
                kind = m.lastgroup
                mark = norm_mark(m.group())
                if kind != "num":
                    # Superscripts and stars are always marks: cut them, and say when nothing explains them.
                    cuts.append(m.span())
                    known = int(mark) in numeric_set if kind == "sup" else mark in others
                    if known and mark not in used:
                        unit.marks.append(mark)
                        used.add(mark)
                        if kind == "sup":
                            last = max(last, int(mark))
                    elif not known:
                        self._warn(unit.line_at(m.start()), f"footnote mark {m.group()} has no footnote body")
                    continue
                v = int(mark)
                nxt = next((n for n in numeric if n > last and str(n) not in used), None)
                after = s[m.end(): m.end() + 1]
                strong = after == "" or after.isspace() or not (after.isalnum())
                if v in numeric_set and mark not in used and v > last and (v == nxt or strong):
                    cuts.append(m.span())
                    unit.marks.append(mark)
                    used.add(mark)
                    last = v
                elif strong and nxt is None and v == last + 1 and after != "" and after.isspace():
                    self._warn(unit.line_at(m.start()), f"{v} after {s[max(m.start() - 1, 0)]!r} looks like a "
                                                        "footnote mark, but there is no footnote body for it")
            if cuts:
                unit.replace(_cut(s, cuts))
        for foot in self.foots:
            if foot.mark not in used:
                self._warn(foot.line, f"footnote {foot.mark}: its mark was not found in the text")
        expected = 1
        for n in numeric:
            if n != expected:
                foot = next(f for f in self.foots if f.mark == str(n))
                self._warn(foot.line, f"footnote numbers skip from {expected - 1} to {n}")
            expected = n + 1

    # ---- results -------------------------------------------------------------------------------

    def results(self) -> tuple[list[Section], list[Paragraph], list[Footnote]]:
        sections = [
            Section(order=s.order, heading=s.heading.text.strip(), number=s.number, line=s.line,
                    footnote_marks=list(s.heading.marks))
            for s in self.sections
        ]
        paragraphs: list[Paragraph] = []
        for p in self.paras:
            items = [_build(it, k, str(p.number)) for k, it in enumerate(p.items, 1)]
            lead = p.lead.text.strip()
            paragraphs.append(Paragraph(
                number=p.number, section=p.section.order, text=lead + _render(items), lead=lead,
                line=p.line, items=items, footnote_marks=list(p.lead.marks),
            ))
        footnotes = [Footnote(mark=f.mark, text=f.text.text.strip(), line=f.line) for f in self.foots]
        return sections, paragraphs, footnotes


def _cut(s: str, spans: list[tuple[int, int]]) -> str:
    """Remove marks, closing the gap the way the surrounding script wants (no space in Chinese)."""
    pieces: list[str] = []
    pos = 0
    for a, b in spans:
        pieces.append(s[pos:a])
        pos = b
    pieces.append(s[pos:])
    out = pieces[0]
    for piece in pieces[1:]:
        left, right = out.rstrip(" "), piece.lstrip(" ")
        spaced = left != out or right != piece
        out = left + " " + right if spaced and needs_space(left, right) else left + right
    return out.strip()


def marker(item: Item) -> str:
    """How an item's marker is printed: (a), (三), •."""
    return "•" if item.kind == "bullet" else f"({item.label})"


def _render(items: list[Item]) -> str:
    return "".join(f"{marker(it)} {it.text}" if it.text else marker(it) for it in items)


def _build(it: _Item, index: int, parent_path: str) -> Item:
    if it.kind == "bullet":
        label = str(index)
        path = f"{parent_path}•{index}"
    else:
        label = it.label
        path = f"{parent_path}({label})"
    children = [_build(c, k, path) for k, c in enumerate(it.children, 1)]
    own = it.text.text.strip()
    return Item(label=label, kind=it.kind, index=index, path=path, text=own + _render(children), own_text=own,
                line=it.line,
                footnote_marks=list(it.text.marks), children=children, inferred_label=it.inferred)
