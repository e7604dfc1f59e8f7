"""The cover block of a working paper: symbol, meeting, dates, languages, title, submitter.

Papers print different subsets of the cover lines in different orders, sometimes
several on one line. Each line is read as a sequence of known tokens; a line made
only of known tokens is a cover line. The title is the free text before the
submitter line, which is recognised by how it ends (……提交的工作文件).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from kg.read.lines import CJK, STARS, SUPERSCRIPTS, Line
from kg.read.model import Header, ParseWarning
from kg.util.numerals import cn_to_int

# "……提交的工作文件*": the line that names who submits the paper, ending in an optional mark.
SUBMITTER_RE = re.compile(
    rf"(?:提交|提出|递交)的[{CJK}]{{0,6}}?文件\s*(?:[{STARS}{SUPERSCRIPTS}]{{1,3}}|\d{{1,2}})?$"
)
_SUBMIT_VERB = re.compile(r"(?:提交|提出|递交)的")
# "Working paper submitted by …": the English line names who submits the paper at its start.
SUBMITTER_EN_RE = re.compile(
    r"^(?:Joint\s+|Revised\s+)?(?:[Ww]orking\s+paper|[Pp]aper|[Dd]ocument)\s+(?:jointly\s+)?"
    r"(?:submitted|presented|prepared)\s+by\b")

# "2023 年 7 月 31 日至 8 月 11 日，维也纳": meeting dates (a range may cross months and years), then the city.
MEETING_DATES_RE = re.compile(
    r"(?P<y1>\d{4})\s*年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*日"
    r"(?:\s*(?:至|到|-|–|—|~|～)\s*(?:(?P<y2>\d{4})\s*年\s*)?(?:(?P<m2>\d{1,2})\s*月\s*)?(?P<d2>\d{1,2})\s*日)?"
    r"(?:(?:\s*[,，、;；]\s*|\s+)(?P<city>[^\d\s,，、;；。.()（）]{1,12})(?=\s|$))?(?=\s|$)"
)

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")
_MONTH_ALT = "|".join(m.capitalize() + (f"|{m[:3].capitalize()}\\.?" if len(m) > 3 else "") for m in _MONTHS)

# "Vienna, 31 July–11 August 2023", "New York, 1–26 August 2022", "Geneva, 30 April–11 May 2012".
MEETING_DATES_EN_RE = re.compile(
    rf"(?:(?P<city>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)\s*,\s*)?"
    rf"(?P<d1>\d{{1,2}})(?:\s+(?P<m1>{_MONTH_ALT}))?(?:\s+(?P<y1>\d{{4}}))?\s*(?:[-–—]|to)\s*"
    rf"(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTH_ALT})\s+(?P<y2>\d{{4}})\b"
)
#: The ordinal of a session as an English cover prints it ("First session").
_EN_ORDINALS = {w: i for i, w in enumerate(
    ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"), 1)}
# The words of the conference's name, as English covers wrap it over two or three lines:
# "Preparatory Committee for the 2026 Review Conference of the / Parties to the Treaty on the
# Non-Proliferation of / Nuclear Weapons". A line made only of these continues the name.
_CONFERENCE_WORDS = re.compile(
    r"\b(?:Preparatory|Committee|Review|Conference|Parties|Party|Treaty|Non-Proliferation|Nuclear|Weapons|"
    r"Extension|and|for|the|of|to|on)\b|\b\d{4}\b")

_ZH_LANGUAGES = {"中文": "zh", "英文": "en", "法文": "fr", "西班牙文": "es", "俄文": "ru", "阿拉伯文": "ar"}


@lru_cache(maxsize=1)
def _language_names() -> dict[str, str]:
    """English language name → BCP 47 code, from CLDR (via babel)."""
    from babel import Locale

    names: dict[str, str] = {}
    for code, name in Locale("en").languages.items():
        if re.fullmatch(r"[a-z]{2,3}", code):
            names.setdefault(name.lower(), code)
    return names


def language_code(name: str) -> str | None:
    """"English" → "en", "中文" → "zh"; None for a name that is not a language."""
    name = name.strip().rstrip(".")
    if name in _ZH_LANGUAGES:
        return _ZH_LANGUAGES[name]
    return _language_names().get(name.lower())


def conference_year_from_ordinal(n: int) -> int | None:
    """第十次审议大会 → 2020: Review Conferences have met every five years since 1975; the eleventh is 2026."""
    if 1 <= n <= 10:
        return 1970 + 5 * n
    if n == 11:
        return 2026
    return None


@dataclass
class _Found:
    """Fields read from one cover line."""

    values: dict[str, object] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _english_date(day: str, month: str, year: str) -> dt.date | None:
    m = month.rstrip(".").lower()
    idx = next((i for i, name in enumerate(_MONTHS, 1) if name.startswith(m) and len(m) >= 3), None)
    if idx is None:
        return None
    try:
        return dt.date(int(year), idx, int(day))
    except ValueError:
        return None


Handler = Callable[[re.Match[str], _Found], None]


def _symbol(m: re.Match[str], f: _Found) -> None:
    f.values.setdefault("symbol", m.group().rstrip(".,;"))


def _original(m: re.Match[str], f: _Found) -> None:
    code = language_code(m.group(1))
    if code:
        f.values["original_language"] = code
    else:
        f.notes.append(f"unknown original language {m.group(1)!r}")


def _issue_date(m: re.Match[str], f: _Found) -> None:
    g = m.groupdict()
    d = _english_date(g["d"], g["mon"], g["y"])
    if d:
        f.values["issue_date"] = d
    else:
        f.notes.append(f"not a date: {m.group()!r}")


def _conference(m: re.Match[str], f: _Found) -> None:
    f.values["conference_year"] = int(m.group(1))


def _conference_ordinal(m: re.Match[str], f: _Found) -> None:
    n = cn_to_int(m.group(1))
    year = conference_year_from_ordinal(n) if n else None
    if year:
        f.values["conference_year"] = year


def _prepcom(m: re.Match[str], f: _Found) -> None:
    f.values["prepcom"] = True


def _session(m: re.Match[str], f: _Found) -> None:
    n = cn_to_int(m.group(1))
    if n:
        f.values["session"] = n
        f.values["prepcom"] = True


def _session_en(m: re.Match[str], f: _Found) -> None:
    n = _EN_ORDINALS.get(m.group(1).lower())
    if n:
        f.values["session"] = n
        f.values["prepcom"] = True


def _symbol_suffix(m: re.Match[str], f: _Found) -> None:
    f.values["symbol_suffix"] = m.group()


def _ignore(m: re.Match[str], f: _Found) -> None:
    return None


# Order matters: longer, more specific tokens are taken out of the line first.
_TOKENS: tuple[tuple[re.Pattern[str], Handler], ...] = (
    (re.compile(r"Original\s*[:：]\s*([A-Za-z]+)(?:\s*(?:and|,|/)\s*[A-Za-z]+)*", re.I), _original),
    (re.compile(r"原文\s*[:：]\s*([\u4e00-\u9fff]{1,4}文)"), _original),
    (re.compile(r"\b[A-Z]{2,6}/[A-Za-z0-9][\w.\-/()]*"), _symbol),
    (re.compile(r"\b(?:Rev|Add|Corr)\.\d+\b"), _symbol_suffix),
    (re.compile(r"Distr\.?\s*[:：]?\s*(?:General|Limited|Restricted)?", re.I), _ignore),
    (re.compile(r"\b(?:General|Limited|Restricted|United Nations)\b|联合国"), _ignore),
    (re.compile(rf"\b(?P<d>\d{{1,2}})\s+(?P<mon>{_MONTH_ALT})\s+(?P<y>\d{{4}})\b"), _issue_date),
    (re.compile(rf"\b(?P<mon>{_MONTH_ALT})\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})\b"), _issue_date),
    (re.compile(r"不扩散核武器条约缔约国"), _ignore),
    (re.compile(r"(\d{4})\s*年\s*审议大会"), _conference),
    (re.compile(r"第\s*([一二三四五六七八九十]{1,3})\s*次\s*审议大会"), _conference_ordinal),
    (re.compile(r"审议大会"), _ignore),
    (re.compile(r"筹备委员会"), _prepcom),
    (re.compile(r"第\s*([一二三四五六七八九十\d]{1,3})\s*届\s*会议"), _session),
    (re.compile(r"(?:临时)?议程项目\s*\d+(?:\s*[(（][a-z][)）])?"), _ignore),
    (re.compile(r"Preparatory\s+Committee", re.I), _prepcom),
    (re.compile(r"\b(\d{4})\s+Review\s+Conference\b"), _conference),
    (re.compile(r"\b(First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth)\s+session\b", re.I),
     _session_en),
    (re.compile(r"(?:Provisional\s+)?[Aa]genda\s+item\s+\d+(?:\s*\([a-z]\))?"), _ignore),
)
_LEFTOVER = re.compile(r"[\s,，.;；:：、*]+")


def read_cover_line(s: str) -> _Found | None:
    """The fields a cover line carries, or None when the line is not a cover line."""
    found = _Found()
    rest = s
    matched = False
    m = MEETING_DATES_RE.search(rest)
    if m:
        _meeting_dates(m, found)
        rest = rest[: m.start()] + " " + rest[m.end():]
        matched = True
    m = MEETING_DATES_EN_RE.search(rest) if not matched else None
    if m:
        _meeting_dates_en(m, found)
        rest = rest[: m.start()] + " " + rest[m.end():]
        matched = True
    for pattern, handler in _TOKENS:
        if pattern.search(rest):
            matched = True

            def take(mm: re.Match[str], handler: Handler = handler) -> str:
                handler(mm, found)
                return " "
            rest = pattern.sub(take, rest)
    rest = _LEFTOVER.sub(" ", rest).strip()
    if rest and ("prepcom" in found.values or "conference_year" in found.values):
        # the rest of the conference's English name: "… of the Parties to the Treaty"
        rest = _LEFTOVER.sub(" ", _CONFERENCE_WORDS.sub(" ", rest)).strip()
    if rest:
        code = language_code(rest)
        if code is None:
            return None
        found.values["language"] = code
    elif not matched:
        return None
    return found


def _meeting_dates(m: re.Match[str], found: _Found) -> None:
    g = m.groupdict()
    y1, m1, d1 = int(g["y1"]), int(g["m1"]), int(g["d1"])
    try:
        start = dt.date(y1, m1, d1)
    except ValueError:
        found.notes.append(f"not a date: {y1}-{m1}-{d1}")
        return
    end = start
    if g["d2"]:
        m2 = int(g["m2"]) if g["m2"] else m1
        y2 = int(g["y2"]) if g["y2"] else (y1 + 1 if m2 < m1 else y1)
        try:
            end = dt.date(y2, m2, int(g["d2"]))
        except ValueError:
            found.notes.append(f"not a date: {y2}-{m2}-{g['d2']}")
            end = None
        if end is not None and end < start:
            found.notes.append(f"meeting ends ({end}) before it starts ({start})")
    found.values["start_date"] = start
    if end is not None:
        found.values["end_date"] = end
    if g["city"]:
        found.values["city"] = g["city"]


def _meeting_dates_en(m: re.Match[str], found: _Found) -> None:
    g = m.groupdict()
    end = _english_date(g["d2"], g["m2"], g["y2"])
    if end is None:
        found.notes.append(f"not a date: {m.group()!r}")
        return
    month1 = g["m1"] or g["m2"]
    year1 = g["y1"] or (str(end.year - 1) if g["m1"] and _english_date("1", g["m1"], "2000") and
                        _english_date("1", g["m1"], "2000").month > end.month else str(end.year))
    start = _english_date(g["d1"], month1, year1)
    if start is None:
        found.notes.append(f"not a date: {m.group()!r}")
        return
    if end < start:
        found.notes.append(f"meeting ends ({end}) before it starts ({start})")
    found.values["start_date"] = start
    found.values["end_date"] = end
    if g["city"]:
        found.values["city"] = g["city"]


@dataclass
class HeaderResult:
    """The header and where the body starts (index into the list of non-blank lines)."""

    header: Header
    title: list[Line]
    submitter: list[Line]
    body_start: int
    warnings: list[ParseWarning]


_OPEN_EN_END = re.compile(r"(?:,|\band|\bof|\bthe|\bby|\bbehalf|\bfor|\(|\bon)$")


def _find_submitter_en(pre: list[Line], after: int) -> tuple[int, int] | None:
    """First and last index of an English submitter line ("Working paper submitted by …").

    It ends at the paragraph gap after it (a blank line, in text and in the PDF reader's output);
    where a text has no blank lines, at the first line that leaves nothing open (a list, a bracket).
    `after` is the number of the source line that follows `pre`.
    """
    for i in range(len(pre) - 1, -1, -1):
        if not SUBMITTER_EN_RE.match(pre[i].s):
            continue
        numbers = [ln.no for ln in pre[i:]] + [after]
        gapped = any(b > a + 1 for a, b in itertools.pairwise(numbers))
        end = i
        while end + 1 < len(pre):
            text = " ".join(ln.s for ln in pre[i : end + 1])
            nxt = pre[end + 1]
            still_open = bool(_OPEN_EN_END.search(text)) or text.count("(") > text.count(")")
            if _ONLY_MARKS.fullmatch(nxt.s):
                end += 1
                break
            if gapped:
                goes_on = still_open or nxt.no == pre[end].no + 1
            else:
                goes_on = still_open or nxt.s[:1].islower() or bool(_CONTINUES_LIST.match(nxt.s))
            if not goes_on:
                break
            end += 1
        return i, end
    return None


#: How a wrapped English list of States goes on: "Ethiopia, Finland, …", "and Switzerland on behalf of …".
_CONTINUES_LIST = re.compile(r"^(?:[A-Z][\w'’-]*(?:\s[\w'’()-]+){0,6}\s?[,)]|and\b|on behalf\b|the\s)")


def _continues_conference(prev: str, s: str) -> bool:
    """A line that goes on with the English conference name begun on the cover line above it."""
    if re.search(r"Weapons\s*$", prev) or not re.search(r"Conference|Committee|Parties|Treaty|Proliferation|of\s*$"
                                                           r"|the\s*$", prev):
        return False
    return not _LEFTOVER.sub(" ", _CONFERENCE_WORDS.sub(" ", s)).strip()


def _find_submitter(pre: list[Line]) -> tuple[int, int] | None:
    """First and last index of the closing phrase of the submitter line (the last one before paragraph 1)."""
    for i in range(len(pre) - 1, -1, -1):
        s = pre[i].s
        if SUBMITTER_RE.search(s):
            return i, i
        # "……提交的工" / "作文件": the cut fell inside the closing phrase itself.
        if i > 0 and len(s) <= 8 and SUBMITTER_RE.search(pre[i - 1].s + s) and not SUBMITTER_RE.search(pre[i - 1].s):
            return i - 1, i
    return None


_ONLY_MARKS = re.compile(rf"[{STARS}{SUPERSCRIPTS}]{{1,3}}")
_CONTINUES_NAME = tuple("提代和及与、，,)）")
_OPEN_END = tuple("、，,和及与(（")


def _unopened_bracket(text: str) -> bool:
    """A closing bracket whose opening one is on an earlier line: the list of members wrapped."""
    depth = 0
    for ch in text:
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth -= 1
            if depth < 0:
                return True
    return False


def _joins_submitter(prev: str, first: str, so_far: str, is_last_line: bool) -> bool:
    """Whether `prev` is the first part of a submitter line that wrapped onto `first` (`so_far` to its end)."""
    if is_last_line:
        verb = _SUBMIT_VERB.search(so_far)
        before = so_far[: verb.start()] if verb else so_far
        if not before or before.startswith(_CONTINUES_NAME):
            return True
    elif first.startswith(_CONTINUES_NAME):
        return True
    if prev.endswith(_OPEN_END):
        return True
    if prev.count("(") + prev.count("（") > prev.count(")") + prev.count("）"):
        return True
    # A list of states cut in the middle: names separated by 、 on both sides of the break.
    return prev.count("、") >= 2 and "、" in first


def _is_state_list(prev: str) -> bool:
    """A line that reads as a list of names (A、B、C和D): on its own, only a weak sign of a wrapped submitter."""
    return prev.count("、") >= 2


def parse_header(lines: list[Line], first_para: int) -> HeaderResult:
    """Read the cover block from the lines before the first numbered paragraph."""
    pre = lines[:first_para]
    header = Header()
    warnings: list[ParseWarning] = []
    covers: list[_Found | None] = [read_cover_line(ln.s) for ln in pre]
    for k in range(1, len(pre)):
        if covers[k] is None and covers[k - 1] is not None and _continues_conference(pre[k - 1].s, pre[k].s):
            covers[k] = _Found()

    english = _find_submitter_en(pre, lines[first_para].no if first_para < len(lines) else 1 << 30)
    found = english or _find_submitter(pre)
    if found is None:
        # No submitter line: the header is the run of cover lines at the top.
        body_start = 0
        while body_start < len(pre) and covers[body_start] is not None:
            body_start += 1
        _apply(header, pre[:body_start], covers[:body_start], warnings)
        if body_start == 0:
            warnings.append(ParseWarning(lines[0].no if lines else 1,
                                         "no header found (no cover lines, no submitter line)"))
        else:
            warnings.append(ParseWarning(pre[body_start - 1].no,
                                         "no submitter line found (……提交的工作文件, Working paper submitted by …); "
                                         "title not read"))
        return HeaderResult(header, [], [], body_start, warnings)

    start, end = found
    while english is None and start > 0 and covers[start - 1] is None:
        so_far = "".join(ln.s for ln in pre[start : end + 1])
        strong = (_joins_submitter(pre[start - 1].s, pre[start].s, so_far, start == found[0])
                  or _unopened_bracket(so_far))
        # A list line joins only if a title line stays above it: every paper has a title.
        weak = _is_state_list(pre[start - 1].s) and start >= 2 and covers[start - 2] is None
        if not (strong or weak):
            break
        start -= 1
    header.lines["submitter_line"] = pre[start].no
    # A footnote mark that the extraction put on a line of its own.
    if end + 1 < len(pre) and _ONLY_MARKS.fullmatch(pre[end + 1].s):
        end += 1
    submitter = pre[start : end + 1]

    _apply(header, pre[:start], covers[:start], warnings)
    title = _title(pre[:start], covers[:start], header, warnings)
    body_start = end + 1
    return HeaderResult(header, title, submitter, body_start, warnings)


def _apply(header: Header, lines: list[Line], covers: list[_Found | None], warnings: list[ParseWarning]) -> None:
    for ln, found in zip(lines, covers, strict=True):
        if found is None:
            continue
        for name, value in found.values.items():
            if name == "symbol_suffix":
                if header.symbol and not header.symbol.endswith(str(value)):
                    header.symbol = f"{header.symbol}/{value}"
                continue
            if name == "prepcom":
                header.prepcom = True
                header.lines.setdefault("prepcom", ln.no)
                continue
            if getattr(header, name) is None:
                setattr(header, name, value)
                header.lines[name] = ln.no
        for note in found.notes:
            warnings.append(ParseWarning(ln.no, f"header: {note}"))


def _title(lines: list[Line], covers: list[_Found | None], header: Header,
           warnings: list[ParseWarning]) -> list[Line]:
    """The last run of non-cover lines before the submitter line; earlier runs are not understood."""
    groups: list[list[Line]] = []
    previous_free = False
    for ln, found in zip(lines, covers, strict=True):
        if found is None:
            if not previous_free:
                groups.append([])
            groups[-1].append(ln)
        previous_free = found is None
    if not groups:
        return []
    for group in groups[:-1]:
        for ln in group:
            warnings.append(ParseWarning(ln.no, f"header line not understood: {ln.s[:40]!r}"))
    header.lines["title"] = groups[-1][0].no
    return groups[-1]
