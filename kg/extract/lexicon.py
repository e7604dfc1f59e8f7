"""The builder's lexicon, read from the two SKOS schemes in `ontology/`.

Measure and risk types, their hierarchy, what each measure type mitigates and the Chinese
trigger phrases (skos:prefLabel, skos:altLabel, skos:hiddenLabel @zh) all live in
`ontology/measure-types.ttl` and `ontology/risk-types.ttl`, so the vocabulary people browse
is exactly the one the builder applies. In a trigger, `…` is a gap of up to `GAP` characters
within one clause.

Chinese has no spaces between words, so a trigger can occur inside a longer word that means
something else (议定书 "protocol" inside 附加议定书 "additional protocol"). A trigger matches
only where words begin and end (`kg.extract.segment`, jieba with the gazetteer's names and the
schemes' phrases as its user dictionary); `kg/data/cues.json` lists words the segmenter does not
know (`non_trigger_words`): a trigger that begins or ends strictly inside one is not a match.
English triggers (@en labels) match case-insensitively, as whole words.

A concept's `npt:mitigates` in the scheme says which kinds of risk measures of the type are meant
to reduce; it documents the scheme and is not copied onto each measure (a measure mitigates what
its own text names).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import ahocorasick
from pyoxigraph import NamedNode, RdfFormat, Store

from kg import resources, vocab
from kg.extract import segment
from kg.extract.gazetteer import Compacted, fold, load_json

GAP = 24
_CJK = re.compile(r"[\u4e00-\u9fff]")
GAP_EN = 40  # English words are longer: the same reach in words
_GAP_CHARS = f"[^，。；;：:！？!?\\n]{{0,{GAP}}}?"
_GAP_CHARS_EN = f"[^。；;：:！？!?\\n]{{0,{GAP_EN}}}?"

#: Concepts that no trigger assigns: the type of a measure or risk nothing more specific matched.
FALLBACK_MEASURE_TYPE = vocab.MEASURE_TYPE_NS + "other-measure"
FALLBACK_RISK_TYPE = vocab.RISK_TYPE_NS + "other-risk"


@dataclass
class Concept:
    """One SKOS concept of a scheme, with what the builder needs of it."""

    iri: str
    pref_en: str = ""
    pref_zh: str = ""
    broader: set[str] = field(default_factory=set)
    mitigates: set[str] = field(default_factory=set)
    triggers: set[str] = field(default_factory=set)

    @property
    def local(self) -> str:
        return self.iri.rsplit("/", 1)[-1]


class Scheme:
    """A concept scheme and a matcher that finds its concepts' triggers in text."""

    def __init__(self, iri: str, concepts: dict[str, Concept], fallback: str,
                 non_trigger_words: Iterable[str] = (), negations: str | None = None,
                 outermost: bool = False) -> None:
        if fallback not in concepts:
            raise ValueError(f"the scheme {iri} lacks its fallback concept {fallback}")
        self.iri = iri
        self.concepts = concepts
        #: a phrase inside a longer phrase of another concept names nothing of its own (measure types;
        #: risks named inside one another, 'regional arms race', are both named)
        self.outermost = outermost
        self.fallback = fallback
        self._ancestors = {c: self._ancestors_of(c) for c in concepts}
        # Several triggers can share a head: the automaton keeps a list per head.
        grouped: dict[str, list[tuple[str, tuple[re.Pattern[str], int] | None]]] = {}
        for c in sorted(concepts.values(), key=lambda c: c.iri):
            if c.iri == fallback:
                continue
            for trig in sorted(c.triggers):
                parts = _key(trig).split("…")
                head, rest = parts[0], parts[1:]
                if not head:
                    continue
                tail = None
                if rest:  # the gaps' pattern, and the length of the last part (which must end a word)
                    gap = _GAP_CHARS_EN if all(x.isascii() for x in parts) else _GAP_CHARS
                    tail = (re.compile("".join(gap + re.escape(p) for p in rest)), len(rest[-1]))
                grouped.setdefault(head, []).append((c.iri, tail))
        self._triggers = _automaton({h: (len(h), vals) for h, vals in grouped.items()})
        words = {w for w in map(fold, non_trigger_words) if len(w) > 1}
        self._words = _automaton({w: len(w) for w in words})
        # a phrase right after a negation is renounced, not named (不首先使用 "no first use" names no risk)
        self._negated = re.compile(f"(?:{negations})\\s*$") if negations else None

    def is_narrower(self, narrower: str, than: str) -> bool:
        """Whether concept `narrower` lies under `than` (skos:broader, any number of steps)."""
        return than in self._ancestors.get(narrower, ())

    def _ancestors_of(self, iri: str) -> set[str]:
        seen: set[str] = set()
        todo = list(self.concepts[iri].broader)
        while todo:
            b = todo.pop()
            if b not in seen and b in self.concepts:
                seen.add(b)
                todo.extend(self.concepts[b].broader)
        return seen

    def match(self, text: str) -> dict[str, tuple[int, int]]:
        """Concepts whose triggers occur in `text` → span of the first occurrence; most specific only."""
        if self._triggers is None:
            return {}
        text = _key(text, keep_newlines=True)
        if "\n" in text and not _CJK.search(text):
            text = text.replace("\n", " ")  # English: a line break is a space between words
        c = Compacted(text, "\n") if "\n" in text else None
        t = c.text if c is not None else text
        hits = list(self._triggers.iter(t))
        if not hits:
            return {}
        if len(hits) > 1:
            hits.sort(key=lambda h: h[0] - h[1][0])  # by start: the first occurrence of each concept
        inside = self._inside_words(t) if self._words is not None else None
        found: dict[str, tuple[int, int]] = {}
        gapped: set[str] = set()  # concepts found by a trigger with a gap: their span is no phrase
        later: dict[str, list[tuple[tuple[int, int], bool]]] = {}
        for last, (n, vals) in hits:
            start, end = last - n + 1, last + 1
            if inside and (start in inside or end in inside):
                continue
            if self._negated is not None and self._negated.search(t, max(0, start - 12), start):
                continue
            head_end: int | None = -1
            for iri, tail in vals:
                if iri in found and not self.outermost:
                    continue
                if head_end == -1:
                    head_end = end if segment.is_word(t, start, end) else _inflected(t, start, end)
                if head_end is None:
                    continue
                if tail is None:
                    span = (start, head_end)
                else:
                    m = tail[0].match(t, head_end)
                    if m is None or (inside and m.end() in inside):
                        continue
                    last = m.end() if segment.is_word(t, m.end() - tail[1], m.end(), check_start=False) \
                        else _inflected(t, m.end() - tail[1], m.end())
                    if last is None:
                        continue
                    span = (start, last)
                span = span if c is None else (c.start(span[0]), c.end(span[1]))
                if iri not in found:
                    found[iri] = span
                    if tail is not None:
                        gapped.add(iri)
                else:  # later occurrences: one may stand outside the phrase that holds the first
                    later.setdefault(iri, []).append((span, tail is not None))
        if self.outermost and len(found) > 1:
            found = _outermost(found, gapped, later)
        return self.most_specific(found) if found else found

    def _inside_words(self, text: str) -> set[int]:
        """Offsets strictly inside a non-trigger word: no trigger may begin or end there."""
        out: set[int] = set()
        assert self._words is not None
        for last, n in self._words.iter(text):
            out.update(range(last - n + 2, last + 1))
        return out

    def most_specific(self, found: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
        if len(found) < 2:
            return found
        drop = set().union(*(self._ancestors[c] for c in found))
        return {c: span for c, span in found.items() if c not in drop} if drop else found


#: English inflections a trigger may carry (a scheme lists "nuclear test", the text says "nuclear tests").
_INFLECTION = re.compile(r"(?:s|es|ed|d|ing|'s|’s)(?![A-Za-z0-9])")


def _inflected(text: str, start: int, end: int) -> int | None:
    """Where an English trigger ending at `end` ends with its inflection (`test` → `tests`, `tested`),
    when it begins at a word and ends inside one; else None. Chinese has no inflection.

    The schemes list base forms and the common inflected ones; this keeps a trigger from failing on
    a plural or a past tense the list did not foresee, without a stemmer's wrong merges.
    """
    if not (text[end - 1].isascii() and text[end - 1].isalpha()):
        return None
    if start > 0 and text[start - 1].isascii() and text[start - 1].isalnum():
        return None  # it must begin a word
    m = _INFLECTION.match(text, end)
    return m.end() if m else None


def _outermost(found: dict[str, tuple[int, int]], gapped: set[str],
               later: dict[str, list[tuple[tuple[int, int], bool]]]) -> dict[str, tuple[int, int]]:
    """Concepts with a phrase that is not part of a longer phrase of another concept: in "facilities
    for the production of fissile material", the words 'production of fissile material' belong to
    the dismantling phrase and do not also name a cut-off; 裁减 inside 裁减战略武器 names no cut
    of its own, but a later 削减…核武库 does. A trigger with a gap ('遵守…承诺') spans other words,
    not one phrase, and contains nothing."""
    phrases = [(d, x, y) for d, (x, y) in found.items() if d not in gapped]

    def nested(c: str, a: int, b: int) -> bool:
        # it begins inside another's phrase (a part of it, whatever it runs on to), or with a longer one
        return any(d != c and (x < a < y or (x == a and y - x > b - a)) for d, x, y in phrases)

    out: dict[str, tuple[int, int]] = {}
    for c, (a, b) in found.items():
        if not nested(c, a, b):
            out[c] = (a, b)
            continue
        free = next((s for s, _ in later.get(c, ()) if not nested(c, *s)), None)
        if free is not None:
            out[c] = free
    return out


def _key(text: str, keep_newlines: bool = False) -> str:
    """Text as triggers are matched: folded, lower-cased (English), one character for one.

    PDF text hyphenates English words across lines (`disarma-\nment`); the hyphen and the break
    stay, so a trigger there is not found; the reader (kg/read) joins such words.
    """
    out = fold(text)
    low = out.lower()
    if len(low) == len(out):  # lower() keeps offsets for all but a few letters (İ)
        out = low
    return out if keep_newlines else out.replace("\n", "")


def _automaton(words: dict[str, object]) -> ahocorasick.Automaton | None:
    """An Aho-Corasick automaton reporting every (overlapping) occurrence of `words` with its value."""
    if not words:
        return None
    a = ahocorasick.Automaton()
    for w, value in words.items():
        a.add_word(w, value)
    a.make_automaton()
    return a


@dataclass
class Lexicon:
    measures: Scheme
    risks: Scheme


def _literal_values(store: Store, s: NamedNode, p: NamedNode, lang: str | None = None) -> list[str]:
    out = []
    for q in store.quads_for_pattern(s, p, None):
        lit = q.object
        if lang is None or getattr(lit, "language", None) == lang:
            out.append(lit.value)
    return out


def _read_scheme(path: Path, concept_class: NamedNode, scheme_iri: str, fallback: str,
                 non_trigger_words: Iterable[str] = (), negations: str | None = None,
                 outermost: bool = False) -> Scheme:
    store = Store()
    store.bulk_load(path=str(path), format=RdfFormat.TURTLE)
    skos, npt, rdf_type = vocab.SKOS, vocab.NPT, vocab.RDF.type
    concepts: dict[str, Concept] = {}
    for q in store.quads_for_pattern(None, rdf_type, concept_class):
        s = q.subject
        if not isinstance(s, NamedNode):
            continue
        c = Concept(s.value)
        en = _literal_values(store, s, skos.prefLabel, "en")
        zh = _literal_values(store, s, skos.prefLabel, "zh")
        c.pref_en = en[0] if en else c.local
        c.pref_zh = zh[0] if zh else c.pref_en
        c.broader = {x.object.value for x in store.quads_for_pattern(s, skos.broader, None)}
        c.mitigates = {x.object.value for x in store.quads_for_pattern(s, npt.mitigates, None)}
        for prop in (skos.prefLabel, skos.altLabel, skos.hiddenLabel):
            c.triggers.update(_literal_values(store, s, prop, "zh"))
            c.triggers.update(_literal_values(store, s, prop, "en"))
        concepts[c.iri] = c
    return Scheme(scheme_iri, concepts, fallback, non_trigger_words, negations, outermost)


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Both schemes, read once per process from the ontology files."""
    cues = load_json("cues.json")
    words = cues.get("non_trigger_words", [])
    return Lexicon(
        measures=_read_scheme(resources.MEASURE_SCHEME_FILE, vocab.NPT.MeasureType, vocab.MEASURE_SCHEME_IRI,
                              FALLBACK_MEASURE_TYPE, words, outermost=True),
        risks=_read_scheme(resources.RISK_SCHEME_FILE, vocab.NPT.RiskType, vocab.RISK_SCHEME_IRI, FALLBACK_RISK_TYPE,
                           words, cues.get("risk_negations")),
    )
