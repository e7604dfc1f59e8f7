"""World knowledge the builder needs: states, coalitions, organizations, treaties, meetings.

Everything here is loaded from `kg/data/` (plus CLDR territory names from babel), so that
adding a treaty or an alias is a data change. Names are found in text by one longest-match
scan: at each position the longest known name wins and the scan continues after it, so
美国 is not found again inside 美利坚合众国 and 大会 is not found inside 审议大会 (listed as
a non-name). Whitespace inside a name is skipped, because text extracted from PDF breaks
names across lines and puts spaces around digits (`20 国集团`).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from typing import Any

import ahocorasick

from kg import resources

DATA_DIR = resources.DATA_DIR

#: Fullwidth brackets → ASCII, applied to text and names alike (one character for one, so offsets hold).
FOLD = str.maketrans({"（": "(", "）": ")", "\u3000": " "})
_FOLD_PAIRS = (("（", "("), ("）", ")"), ("\u3000", " "))
_WHITESPACE = " \t\n\r"
_SKIPPABLE = frozenset(_WHITESPACE)


def fold(text: str) -> str:
    """`text.translate(FOLD)`, several times faster: str.translate with a dict goes character by character."""
    for a, b in _FOLD_PAIRS:
        if a in text:
            text = text.replace(a, b)
    return text


class Compacted:
    """A text without the whitespace PDF extraction puts inside names, and the way back to the text's offsets."""

    __slots__ = ("_removed", "_starts", "text")

    def __init__(self, text: str, chars: str = _WHITESPACE) -> None:
        starts: list[int] = []
        removed: list[int] = []
        if _has_any(text, chars):  # most short units have nothing to take out
            # split and findall run in C; an English text has a run per word, too many for a Python loop
            skip = _run_of(chars)
            pieces = skip.split(text)
            starts = list(accumulate(map(len, pieces[:-1])))  # where each run stood in the compacted text
            removed = list(accumulate(map(len, skip.findall(text))))  # characters taken out up to each run's end
            text = "".join(pieces)
        self._starts, self._removed = starts, removed
        self.text = text

    def start(self, i: int) -> int:
        """Offset in the original text of compacted offset `i` (a character, not whitespace)."""
        k = bisect_right(self._starts, i)
        return i + (self._removed[k - 1] if k else 0)

    def end(self, i: int) -> int:
        """Offset in the original text just after compacted character `i - 1`."""
        return self.start(i - 1) + 1


@lru_cache(maxsize=256)
def compacted(text: str, chars: str = _WHITESPACE) -> Compacted:
    """`Compacted(text, chars)`, kept for the last texts: each unit's text is matched by several matchers."""
    return Compacted(text, chars)


def _has_any(text: str, chars: str) -> bool:
    if chars == _WHITESPACE:
        return " " in text or "\n" in text or "\t" in text or "\r" in text
    return any(c in text for c in chars)


@lru_cache(maxsize=8)
def _run_of(chars: str) -> re.Pattern[str]:
    return re.compile(f"[{re.escape(chars)}]+")


def load_json(name: str) -> Any:
    with (DATA_DIR / name).open(encoding="utf-8") as f:
        return json.load(f)


def zh_slug(prefix: str, name: str) -> str:
    """A stable ASCII slug for a name known only in Chinese (IRIs stay plain ASCII)."""
    return f"{prefix}-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:10]}"


# --- entities -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entity:
    """A named thing of the world: `kind` is state, coalition, org or treaty; `key` is its ISO code or slug."""

    kind: str
    key: str
    en: str
    zh: str
    abbreviation: str | None = None
    npt_status: str | None = None  # states: nws | nnws | nonparty
    org_kind: str | None = None  # orgs: body | group
    proposed: bool = False  # treaties not yet concluded
    default: bool = False  # the treaty a bare 《条约》 means in an NPT paper
    learned: bool = False  # a coalition first met in a submitter line of this build
    measure_type: str | None = None  # treaties: the measure type a step that names the treaty is of (a zone treaty)


@dataclass(frozen=True)
class Match:
    """One name found in a text: [start, end) in the text, and what it names (None for a non-name)."""

    start: int
    end: int
    entity: Entity | None
    surface: str


#: Texts whose matches a matcher keeps (a unit's text is asked about several times in a row).
_RECENT = 64


class NameMatcher:
    """Leftmost-longest matching of many names in one pass (an Aho-Corasick automaton, in C).

    Python's regex engine tries alternatives one by one, which is slow for thousands of names;
    the automaton reads each character of a text once. Whitespace is not part of any key:
    texts are matched with their whitespace taken out, so a name broken across lines is found.
    Values may be None (a non-name that only stops a shorter name from matching inside it).
    """

    def __init__(self, names: Iterable[tuple[str, Any]]) -> None:
        keys: dict[str, Any] = {}
        for name, value in names:
            key = "".join(ch for ch in fold(name) if ch not in _SKIPPABLE)
            if key:
                keys[key] = value  # a later duplicate wins: data files list specific forms last
                # an English name written in lower case opens a sentence with a capital ("The Conference
                # should…", "Supplier States should…"); a name listed in that form itself is kept as listed
                if key[0].islower() and key[0].isascii():
                    keys.setdefault(key[0].upper() + key[1:], value)
        self._automaton = ahocorasick.Automaton()
        for key, value in keys.items():
            self._automaton.add_word(key, (len(key), value))
        self._empty = not keys
        if keys:
            self._automaton.make_automaton()
        self._recent: dict[str, list[tuple[int, int, Any]]] = {}

    def finditer(self, text: str, folded: bool = False) -> list[tuple[int, int, Any]]:
        """(start, end, value) for each match, left to right, not overlapping."""
        if self._empty:
            return []
        if not folded:
            text = fold(text)
        # the extractor asks about a unit's text several times (actors, addressees, types): kept for the last texts
        known = self._recent.get(text)
        if known is not None:
            return list(known)
        c = compacted(text)
        out = []
        for last, (n, value) in self._automaton.iter_long(c.text):
            start = last - n + 1
            out.append((c.start(start), c.end(last + 1), value))
        if len(self._recent) >= _RECENT:
            self._recent.clear()
        self._recent[text] = out
        return list(out)


def _ascii_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "_")


# --- meetings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class KnownMeeting:
    """A meeting on record: a Review Conference (session None) or a Preparatory Committee session."""

    cycle: int
    session: int | None
    city_zh: str
    start: dt.date
    end: dt.date
    ordinal_en: str | None = None
    ordinal_zh: str | None = None
    scheduled: tuple[tuple[dt.date, dt.date], ...] = ()

    def ranges(self) -> tuple[tuple[dt.date, dt.date], ...]:
        return ((self.start, self.end), *self.scheduled)


def _date(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


@dataclass
class Meetings:
    """The meetings gazetteer: used to infer a cycle from printed dates, and for cities' English names."""

    review_conferences: dict[int, KnownMeeting]
    prepcoms: dict[tuple[int, int], KnownMeeting]
    cities: dict[str, str]

    @classmethod
    def load(cls) -> Meetings:
        data = load_json("meetings.json")
        revcons = {
            m["cycle"]: KnownMeeting(m["cycle"], None, m["city"], _date(m["start"]), _date(m["end"]),
                                     m.get("ordinal_en"), m.get("ordinal_zh"),
                                     tuple((_date(a), _date(b)) for a, b in m.get("scheduled", [])))
            for m in data["review_conferences"]
        }
        prepcoms = {
            (m["cycle"], m["session"]): KnownMeeting(m["cycle"], m["session"], m["city"], _date(m["start"]),
                                                     _date(m["end"]))
            for m in data["prepcom_sessions"]
        }
        return cls(revcons, prepcoms, dict(data["cities"]))

    def find_by_dates(self, start: dt.date | None, end: dt.date | None, prepcom: bool) -> KnownMeeting | None:
        """The meeting on record whose (actual or once scheduled) dates overlap the printed ones."""
        if start is None:
            return None
        end = end or start
        pool = self.prepcoms.values() if prepcom else self.review_conferences.values()
        for m in pool:
            for a, b in m.ranges():
                if start <= b and a <= end:
                    return m
        return None

    def city_en(self, city_zh: str | None) -> str | None:
        """English name of a city printed in Chinese (or already printed in English)."""
        if not city_zh:
            return None
        name = city_zh.strip()
        return self.cities.get(name) or (name if name in self.cities.values() else None)

    def city_zh(self, city: str | None) -> str | None:
        """Chinese name of a city as printed: English covers print "Vienna", Chinese ones 维也纳."""
        if not city:
            return None
        name = city.strip()
        return next((zh for zh, en in self.cities.items() if en == name), name)


# --- statements ----------------------------------------------------------------------------


@dataclass(frozen=True)
class KnownStatement:
    """A statement papers cite by name without a date (e.g. the G20 Bali declaration)."""

    issuer: str  # org/coalition slug or ISO code
    date: dt.date
    en: str
    zh: str
    #: content cues: each a set of patterns that must all occur close together in one sentence
    cues: tuple[tuple[re.Pattern[str], ...], ...] = ()


# --- the gazetteer -------------------------------------------------------------------------


@dataclass
class Gazetteer:
    """All named entities, their names, and a matcher over the Chinese names (plus Latin abbreviations)."""

    states: dict[str, Entity] = field(default_factory=dict)
    coalitions: dict[str, Entity] = field(default_factory=dict)
    orgs: dict[str, Entity] = field(default_factory=dict)
    treaties: dict[str, Entity] = field(default_factory=dict)
    names: list[tuple[str, Entity | None]] = field(default_factory=list)
    statements: dict[str, KnownStatement] = field(default_factory=dict)
    meetings: Meetings | None = None
    cue_window: int = 60
    _matcher: NameMatcher | None = None
    _statement_matcher: NameMatcher | None = None
    _cued: list[KnownStatement] | None = None

    # -- loading --

    @classmethod
    def load(cls) -> Gazetteer:
        """A fresh copy (learned coalitions are added per build, so callers get their own)."""
        return _load_base().copy()

    def copy(self) -> Gazetteer:
        return Gazetteer(dict(self.states), dict(self.coalitions), dict(self.orgs), dict(self.treaties),
                         list(self.names), dict(self.statements), self.meetings, self.cue_window,
                         _statement_matcher=self._statement_matcher)

    def _add(self, entity: Entity, zh_names: Iterable[str], latin: Iterable[str] = (),
             en_names: Iterable[str] = ()) -> None:
        """Register an entity under its Chinese names, its abbreviations (`latin`) and its English names."""
        table = {"state": self.states, "coalition": self.coalitions, "org": self.orgs, "treaty": self.treaties}
        table[entity.kind][entity.key] = entity
        for n in zh_names:
            if n:
                self.names.append((n, entity))
        for n in latin:
            if n and (len(n) >= 3 or any(c.isdigit() for c in n)):
                self.names.append((n, entity))
        for n in en_names:
            # three letters or more: two-letter forms ("UK", "US") are too often parts of other words
            if n and len(n) >= 3:
                self.names.append((n, entity))
        self._matcher = None

    def add_coalition(self, name_zh: str) -> Entity:
        """A coalition first met in a submitter line; known by this name in every paper of the build."""
        for e in self.coalitions.values():
            if e.zh == name_zh:
                return e
        entity = Entity("coalition", zh_slug("zh", name_zh), en=name_zh, zh=name_zh, learned=True)
        self._add(entity, [name_zh])
        return entity

    @property
    def matcher(self) -> NameMatcher:
        if self._matcher is None:
            self._matcher = NameMatcher(self.names)
        return self._matcher

    # -- lookup --

    def find(self, text: str) -> list[Match]:
        """Every entity named in `text`, left to right (non-names are dropped)."""
        folded = fold(text)
        out = []
        for start, end, entity in self.matcher.finditer(folded, folded=True):
            if entity is None:
                continue
            surface = text[start:end]
            if surface[0].isascii() and (
                (start > 0 and _ascii_word(folded[start - 1])) or (end < len(folded) and _ascii_word(folded[end]))
            ):
                continue  # a Latin abbreviation inside a longer word
            out.append(Match(start, end, entity, surface))
        return out

    def find_statements(self, text: str) -> list[tuple[int, int, KnownStatement]]:
        if self._statement_matcher is None:
            self._statement_matcher = NameMatcher(self.statements.items())
        return self._statement_matcher.finditer(text)

    def _cued_statements(self) -> list[KnownStatement]:
        if self._cued is None:
            self._cued = [k for k in dict.fromkeys(self.statements.values()) if k.cues]
        return self._cued

    def may_name_statements_by_content(self, text: str) -> bool:
        """Cheap test on a whole unit before looking sentence by sentence: some cue's patterns all occur."""
        return any(all(p.search(text) for p in cue) for k in self._cued_statements() for cue in k.cues)

    def find_statements_by_content(self, sentence: str) -> list[tuple[int, int, KnownStatement]]:
        """Known statements a sentence speaks of without naming them: all patterns of a cue, close together."""
        out = []
        for known in self._cued_statements():
            for cue in known.cues:
                spans = []
                for pattern in cue:
                    m = pattern.search(sentence)
                    if m is None:
                        break
                    spans.append(m.span())
                else:
                    start, end = min(a for a, _ in spans), max(b for _, b in spans)
                    if end - start <= self.cue_window:
                        out.append((start, end, known))
                        break
        return out

    def state_by_name(self, name: str) -> Entity | None:
        for m in self.find(name):
            if m.entity is not None and m.entity.kind == "state" and m.start == 0 and m.end == len(name):
                return m.entity
        return None

    def actor(self, key: str) -> Entity | None:
        return self.states.get(key) or self.orgs.get(key) or self.coalitions.get(key)

    def default_treaty(self) -> Entity | None:
        for t in self.treaties.values():
            if t.default:
                return t
        return None


_INVERTED = re.compile(r"(.+?) \((.+)\)")


def _uninverted(name: str) -> str:
    """The UN sort form read the way a sentence prints it: "Bolivia (Plurinational State of)" ->
    "Plurinational State of Bolivia"; names without brackets come back as they are."""
    m = _INVERTED.fullmatch(name)
    return f"{m.group(2)} {m.group(1)}" if m else name


def _split(cell: str) -> list[str]:
    return [x.strip() for x in cell.split("|") if x.strip()]


@lru_cache(maxsize=1)
def _load_base() -> Gazetteer:
    """Read kg/data once per process; a build takes a copy to add what it learns."""
    from babel import Locale  # imported here: only needed once per process

    g = Gazetteer()
    cldr_zh = Locale("zh").territories
    cldr_en = Locale("en").territories
    with (DATA_DIR / "states.tsv").open(encoding="utf-8") as f:
        rows = [r for r in csv.reader((ln for ln in f if not ln.startswith("#")), delimiter="\t") if r]
    for iso, npt, _un, en, en_formal, zh, zh_formal, zh_aliases, en_aliases in rows:
        e = Entity("state", iso, en=en, zh=zh, npt_status=npt)
        zh_names = [cldr_zh.get(iso, ""), zh, zh_formal, *_split(zh_aliases)]
        # CLDR's English short name ("South Korea"), the UN short name ("Republic of Korea"), the UN
        # formal name ("United Kingdom of Great Britain and Northern Ireland") and the UN sort form
        # turned round ("Netherlands (Kingdom of the)" -> "Kingdom of the Netherlands")
        en_names = [cldr_en.get(iso, ""), en, en_formal, _uninverted(en), *_split(en_aliases)]
        g._add(e, dict.fromkeys(zh_names), en_names=dict.fromkeys(en_names))
    for c in load_json("coalitions.json")["coalitions"]:
        e = Entity("coalition", c["slug"], c["en"], c["zh"], c.get("abbreviation"))
        g._add(e, [c["zh"], *c.get("zh_aliases", [])], [c.get("abbreviation") or ""],
               [c["en"], *c.get("en_aliases", [])])
    for o in load_json("organizations.json")["organizations"]:
        e = Entity("org", o["slug"], o["en"], o["zh"], o.get("abbreviation"), org_kind=o.get("kind", "body"))
        g._add(e, [o["zh"], *o.get("zh_aliases", [])], [o.get("abbreviation") or ""],
               [o["en"], *o.get("en_aliases", [])])
    for t in load_json("treaties.json")["treaties"]:
        e = Entity("treaty", t["slug"], t["en"], t["zh"], t.get("abbreviation"),
                   proposed=bool(t.get("proposed")), default=bool(t.get("default")),
                   measure_type=t.get("measure_type"))
        g._add(e, [t["zh"], *t.get("zh_aliases", [])], [t.get("abbreviation") or ""],
               [t["en"], *t.get("en_aliases", [])])
    for n in load_json("cues.json")["not_names"]:
        g.names.append((n, None))
    statements = load_json("statements.json")
    g.cue_window = int(statements.get("cue_window", g.cue_window))
    for s in statements["statements"]:
        cues = tuple(tuple(re.compile(p) for p in cue) for cue in s.get("cues", []))
        known = KnownStatement(s["issuer"], _date(s["date"]), s["en"], s["zh"], cues)
        for n in [s["zh"], *s.get("zh_aliases", [])]:
            g.statements[n] = known
    g.meetings = Meetings.load()
    return g
