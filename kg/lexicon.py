"""The builder's lexicon, read from the two SKOS schemes in `ontology/`.

Measure and risk types, their hierarchy, what each measure type mitigates and the Chinese
trigger phrases (skos:prefLabel, skos:altLabel, skos:hiddenLabel @zh) all live in
`ontology/measure-types.ttl` and `ontology/risk-types.ttl`, so the vocabulary people browse
is exactly the one the builder applies. In a trigger, `…` is a gap of up to `GAP` characters
within one clause.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Store

from kg import vocab
from kg.gazetteer import FOLD

GAP = 16
_GAP_CHARS = f"[^，。；;：:！？!?\\n]{{0,{GAP}}}?"

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

    def __init__(self, iri: str, concepts: dict[str, Concept], fallback: str) -> None:
        if fallback not in concepts:
            raise ValueError(f"the scheme {iri} lacks its fallback concept {fallback}")
        self.iri = iri
        self.concepts = concepts
        self.fallback = fallback
        self._ancestors = {c: self._ancestors_of(c) for c in concepts}
        heads: list[tuple[str, tuple[str, re.Pattern[str] | None]]] = []
        for c in concepts.values():
            if c.iri == fallback:
                continue
            for trig in c.triggers:
                parts = trig.translate(FOLD).split("…")
                head, rest = parts[0], parts[1:]
                if not head:
                    continue
                tail = None
                if rest:
                    tail = re.compile("".join(_GAP_CHARS + re.escape(p) for p in rest))
                heads.append((head, (c.iri, tail)))
        # Several triggers can share a head: the trie keeps a list per head.
        grouped: dict[str, list[tuple[str, re.Pattern[str] | None]]] = {}
        for head, val in heads:
            grouped.setdefault(head, []).append(val)
        self._trie = _AllMatches(grouped)

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
        text = text.translate(FOLD)
        found: dict[str, tuple[int, int]] = {}
        for start, end, vals in self._trie.finditer(text):
            for iri, tail in vals:
                if iri in found:
                    continue
                if tail is None:
                    found[iri] = (start, end)
                else:
                    m = tail.match(text, end)
                    if m:
                        found[iri] = (start, m.end())
        return self.most_specific(found)

    def most_specific(self, found: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
        drop = set().union(*(self._ancestors[c] for c in found)) if found else set()
        return {c: span for c, span in found.items() if c not in drop}

    def mitigated_by(self, iris: Iterable[str]) -> set[str]:
        out: set[str] = set()
        for iri in iris:
            out |= self.concepts[iri].mitigates
        return out


class _AllMatches:
    """Every (possibly overlapping) occurrence of any head string: triggers overlap, names don't."""

    def __init__(self, heads: dict[str, list]) -> None:
        self._root: dict = {}
        for head, vals in heads.items():
            node = self._root
            for ch in head:
                node = node.setdefault(ch, {})
            node[None] = vals

    def finditer(self, text: str) -> list[tuple[int, int, list]]:
        root, n = self._root, len(text)
        out = []
        for i in range(n):
            node = root.get(text[i])
            j = i + 1
            while node is not None:
                vals = node.get(None)
                if vals is not None:
                    out.append((i, j, vals))
                if j >= n:
                    break
                ch = text[j]
                nxt = node.get(ch)
                if nxt is None and ch == "\n":
                    j += 1
                    continue
                node = nxt
                j += 1
        return out


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


def _read_scheme(path: Path, concept_class: NamedNode, scheme_iri: str, fallback: str) -> Scheme:
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
        concepts[c.iri] = c
    return Scheme(scheme_iri, concepts, fallback)


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Both schemes, read once per process from the ontology files."""
    return Lexicon(
        measures=_read_scheme(vocab.MEASURE_SCHEME_FILE, vocab.NPT.MeasureType, vocab.MEASURE_SCHEME_IRI,
                              FALLBACK_MEASURE_TYPE),
        risks=_read_scheme(vocab.RISK_SCHEME_FILE, vocab.NPT.RiskType, vocab.RISK_SCHEME_IRI, FALLBACK_RISK_TYPE),
    )
