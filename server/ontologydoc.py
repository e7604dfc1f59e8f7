"""The ontology as a page: every class and property with its labels, definition and axioms, and
the two SKOS schemes as concept trees — read from the ontology graph the server loaded.

`make docs` (pyLODE) writes fuller documentation to docs/; this page is the one the server can
always give, from the same triples it answers queries with, so `/ontology#WorkingPaper`
lands on the term wherever the server runs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

from kg import vocab
from kg.store import select_rows
from kg.util.iri import compact_iri
from server.db import get_config, get_store

KINDS = (("Classes", "类", vocab.OWL_NS + "Class"),
         ("Object properties", "对象属性", vocab.OWL_NS + "ObjectProperty"),
         ("Datatype properties", "数据属性", vocab.OWL_NS + "DatatypeProperty"),
         ("Annotation properties", "注释属性", vocab.OWL_NS + "AnnotationProperty"))
_TEXT = {vocab.RDFS_NS + "label": "label", vocab.SKOS_NS + "prefLabel": "label",
         vocab.SKOS_NS + "definition": "definition", vocab.RDFS_NS + "comment": "comment"}
_AXIOMS = {vocab.RDFS_NS + "subClassOf": "subclass of", vocab.RDFS_NS + "subPropertyOf": "subproperty of",
           vocab.RDFS_NS + "domain": "domain", vocab.RDFS_NS + "range": "range",
           vocab.OWL_NS + "inverseOf": "inverse of", vocab.OWL_NS + "disjointWith": "disjoint with",
           vocab.OWL_NS + "equivalentClass": "equivalent to"}


@dataclass
class Entry:
    iri: str
    anchor: str | None  #: the fragment on /ontology for npt: terms, None for reused ones
    text: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))  # kind -> lang -> text
    axioms: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # name -> IRIs
    kinds: set[str] = field(default_factory=set)


def _rows(query: str) -> list[dict[str, object]]:
    return select_rows(get_store(), query, timeout=get_config().timeout)


def anchor_of(iri: str) -> str | None:
    return iri[len(vocab.NPT_NS):] if iri.startswith(vocab.NPT_NS) else None


def ontology_terms() -> tuple[dict[str, str], list[tuple[str, str, list[Entry]]]]:
    """(the ontology header's texts, [(heading, heading@zh, entries)]) with npt: terms first in each."""
    preds = " ".join(f"<{p}>" for p in (*_TEXT, *_AXIOMS))
    kinds = " ".join(f"<{k}>" for _, _, k in KINDS)
    rows = _rows(f"""SELECT ?s ?kind ?p ?o WHERE {{ GRAPH <{vocab.ONTOLOGY_GRAPH}> {{
        VALUES ?kind {{ {kinds} }} ?s a ?kind . FILTER(isIRI(?s))
        OPTIONAL {{ VALUES ?p {{ {preds} }} ?s ?p ?o }} }} }}""")
    entries: dict[str, Entry] = {}
    for row in rows:
        iri = row["s"].value  # type: ignore[attr-defined]
        entry = entries.setdefault(iri, Entry(iri, anchor_of(iri)))
        entry.kinds.add(row["kind"].value)  # type: ignore[attr-defined]
        p, o = row.get("p"), row.get("o")
        if p is None or o is None:
            continue
        if isinstance(o, Literal) and p.value in _TEXT:  # type: ignore[attr-defined]
            entry.text[_TEXT[p.value]].setdefault(o.language or "", o.value)  # type: ignore[attr-defined]
        elif isinstance(o, NamedNode) and p.value in _AXIOMS and o.value not in entry.axioms[_AXIOMS[p.value]]:  # type: ignore[attr-defined]
            entry.axioms[_AXIOMS[p.value]].append(o.value)  # type: ignore[attr-defined]
    groups = []
    for heading, heading_zh, kind in KINDS:
        members = [e for e in entries.values() if kind in e.kinds]
        members.sort(key=lambda e: (e.anchor is None, compact_iri(e.iri).lower()))
        groups.append((heading, heading_zh, members))
    header: dict[str, str] = {}
    for row in _rows(f"""SELECT ?p ?o WHERE {{ GRAPH <{vocab.ONTOLOGY_GRAPH}> {{
            <{vocab.ONTOLOGY_IRI}> ?p ?o FILTER(isLiteral(?o)) }} }}"""):
        o = row["o"]
        key = f"{compact_iri(row['p'].value)}@{o.language or ''}"  # type: ignore[attr-defined]
        header.setdefault(key, o.value)  # type: ignore[attr-defined]
    return header, groups


@dataclass
class Concept:
    iri: str
    labels: dict[str, str]
    definition: dict[str, str]
    narrower: list[Concept] = field(default_factory=list)


def concept_tree(scheme: str) -> list[Concept]:
    """The scheme's top concepts, each with its narrower concepts, labels and definitions."""
    rows = _rows(f"""PREFIX skos: <{vocab.SKOS_NS}>
        SELECT ?c ?broader ?label ?def ?top WHERE {{
          ?c skos:inScheme <{scheme}> .
          OPTIONAL {{ ?c skos:broader ?broader }}
          OPTIONAL {{ ?c skos:prefLabel ?label }}
          OPTIONAL {{ ?c skos:definition ?def }}
          OPTIONAL {{ <{scheme}> skos:hasTopConcept ?c BIND(true AS ?top) }} }}""")
    concepts: dict[str, Concept] = {}
    parents: dict[str, set[str]] = defaultdict(set)
    tops: set[str] = set()
    for row in rows:
        iri = row["c"].value  # type: ignore[attr-defined]
        c = concepts.setdefault(iri, Concept(iri, {}, {}))
        for key, target in (("label", c.labels), ("def", c.definition)):
            if key in row:
                target.setdefault(row[key].language or "", row[key].value)  # type: ignore[attr-defined]
        if "broader" in row:
            parents[iri].add(row["broader"].value)  # type: ignore[attr-defined]
        if "top" in row:
            tops.add(iri)
    for iri, ups in parents.items():
        for up in sorted(ups):
            if up in concepts and concepts[iri] not in concepts[up].narrower:
                concepts[up].narrower.append(concepts[iri])
    for c in concepts.values():
        c.narrower.sort(key=lambda n: n.labels.get("en", n.iri))
    roots = [concepts[i] for i in tops if i in concepts] or [c for i, c in concepts.items() if not parents.get(i)]
    return sorted(roots, key=lambda n: n.labels.get("en", n.iri))
