"""What the linked-data pages read beyond a resource's own triples: a paper in document order, and
labels that tell extracted facts apart.

A working paper's page reads like the paper: its cover (symbol, meeting, submitters, coalition,
date), then its sections, paragraphs and items in document order (by `npt:order`, numerically,
not as strings), each with its text and, beside it, what the graph read from it — measures with
their types, risks with theirs, the states and treaties it names, the documents it cites.

The builder labels facts by place only ("risk 9"), which repeats across papers and within a
paragraph; `fact_labels` adds what tells them apart, from the graph's own data: the type and
the paper ("risk 15(b): cyber attack on command and control · NPT/CONF.2026/PC.II/WP.3").
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

from kg import vocab
from kg.store import select_rows
from server.db import get_config, get_store

_DIGITS = re.compile(r"(\d+)")
#: An item's marker left at the end of the text before it: "(a)", "(一)", "1)", "•".
_MARKER = re.compile(r"(\(?[0-9a-zA-Z\u4e00-\u9fff]{1,3}[)）]|[•·▪-])\s*$")
#: What a text unit names or cites, as the page groups them beside the text.
LINK_KINDS = (("mentions", "names", "提及"), ("refersToTreaty", "treaty", "条约"), ("cites", "cites", "引用"))
#: Extracted facts and the property that types them.
FACT_KINDS = {"Measure": ("measureType", "measure", "措施"), "Risk": ("riskType", "risk", "风险")}


def natural_key(text: str) -> tuple[object, ...]:
    """Sort key that puts p/2 before p/10 (numbers compare as numbers)."""
    return tuple(int(part) if part.isdigit() else part for part in _DIGITS.split(text))


def _rows(query: str) -> list[dict[str, object]]:
    return select_rows(get_store(), query, timeout=get_config().timeout)


def _v(row: dict[str, object], key: str) -> str | None:
    term = row.get(key)
    return term.value if term is not None else None  # type: ignore[attr-defined]


def _values(iris: list[str]) -> str:
    return " ".join(str(NamedNode(i)) for i in iris)


def fact_labels(iris: list[str]) -> dict[str, dict[str, str]]:
    """{iri: {lang: label}} for the facts and text units among `iris`: place, type(s) and paper."""
    if not iris:
        return {}
    npt, rdfs, skos = vocab.NPT_NS, vocab.RDFS_NS, vocab.SKOS_NS
    out: dict[str, dict[str, str]] = {}
    for start in range(0, len(iris), 500):
        rows = _rows(f"""SELECT ?f ?place ?lang ?typeLabel ?symbol WHERE {{
            VALUES ?f {{ {_values(iris[start:start + 500])} }}
            ?f a ?kind ; <{rdfs}label> ?place . BIND(lang(?place) AS ?lang)
            VALUES ?kind {{ <{npt}Measure> <{npt}Risk> <{npt}Paragraph> <{npt}Item> <{npt}Section> <{npt}Footnote> }}
            OPTIONAL {{ ?f <{npt}measureType>|<{npt}riskType> ?type .
                       ?type <{skos}prefLabel> ?typeLabel FILTER(lang(?typeLabel) = lang(?place)) }}
            OPTIONAL {{ ?f <{npt}inDocument>|(<{vocab.PROV_NS}wasDerivedFrom>/<{npt}inDocument>) ?doc
                       OPTIONAL {{ ?doc <{npt}symbol> ?sym }}
                       BIND(COALESCE(?sym, STRAFTER(STR(?doc), "{vocab.ID_NS}doc/")) AS ?symbol) }} }}""")
        parts: dict[tuple[str, str], dict[str, object]] = {}
        for row in rows:
            key = (_v(row, "f") or "", _v(row, "lang") or "")
            entry = parts.setdefault(key, {"place": _v(row, "place"), "types": [], "symbol": _v(row, "symbol")})
            label = _v(row, "typeLabel")
            if label and label not in entry["types"]:  # type: ignore[operator]
                entry["types"].append(label)  # type: ignore[union-attr]
        for (iri, lang), entry in parts.items():
            text = str(entry["place"])
            types = sorted(entry["types"])  # type: ignore[arg-type]
            if types:
                text += ("：" if lang == "zh" else ": ") + ("、" if lang == "zh" else ", ").join(types)
            if entry["symbol"]:
                text += f" · {entry['symbol']}"
            out.setdefault(iri, {})[lang] = text
    return out


@dataclass
class Unit:
    """A section, paragraph, item or footnote of the paper, with what was read from it."""

    iri: str
    kind: str
    order: int
    label: str = ""
    text: str = ""
    heading: str = ""
    facts: list[dict[str, object]] = field(default_factory=list)
    links: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    children: list[Unit] = field(default_factory=list)


@dataclass
class PaperView:
    cover: dict[str, list[str]]
    sections: list[Unit]
    footnotes: list[Unit]
    iris: set[str]  #: every IRI the page names, for one label look-up


def paper_view(paper: str) -> PaperView:
    """The paper's units in document order, with facts and links per unit."""
    npt = vocab.NPT_NS
    units: dict[str, Unit] = {}
    parent: dict[str, str] = {}
    section_of: dict[str, str] = {}
    for row in _rows(f"""SELECT ?u ?type ?order ?number ?path ?label ?text ?heading ?up ?section WHERE {{
            ?u <{npt}inDocument> <{paper}> ; a ?type .
            VALUES ?type {{ <{npt}Section> <{npt}Paragraph> <{npt}Item> <{npt}Footnote> }}
            OPTIONAL {{ ?u <{npt}order> ?order }} OPTIONAL {{ ?u <{npt}number> ?number }}
            OPTIONAL {{ ?u <{npt}itemPath> ?path }} OPTIONAL {{ ?u <{npt}label> ?label }}
            OPTIONAL {{ ?u <{npt}text> ?text }} OPTIONAL {{ ?u <{npt}heading> ?heading }}
            OPTIONAL {{ {{ ?u <{npt}itemOf> ?up }} UNION {{ ?up <{npt}hasItem> ?u }} }}
            OPTIONAL {{ ?u <{npt}inSection> ?section }} }}"""):
        iri = _v(row, "u") or ""
        kind = (_v(row, "type") or "").removeprefix(npt)
        order = _v(row, "order") or _v(row, "number") or "0"
        unit = units.setdefault(iri, Unit(iri, kind, int(order) if order.isdigit() else 0))
        unit.label = unit.label or _v(row, "path") or _v(row, "number") or _v(row, "label") or ""
        unit.text = unit.text or _v(row, "text") or ""
        unit.heading = unit.heading or _v(row, "heading") or ""
        if _v(row, "up"):
            parent[iri] = _v(row, "up")  # type: ignore[assignment]
        if _v(row, "section"):
            section_of[iri] = _v(row, "section")  # type: ignore[assignment]
    iris: set[str] = set()
    # facts read from each unit, with their types
    for row in _rows(f"""SELECT ?u ?f ?kind ?type WHERE {{
            ?u <{npt}inDocument> <{paper}> . ?f <{vocab.PROV_NS}wasDerivedFrom> ?u ; a ?kind .
            VALUES ?kind {{ <{npt}Measure> <{npt}Risk> }}
            OPTIONAL {{ ?f <{npt}measureType>|<{npt}riskType> ?type }} }}"""):
        unit = units.get(_v(row, "u") or "")
        if unit is None:
            continue
        fact_iri = _v(row, "f") or ""
        fact = next((f for f in unit.facts if f["iri"] == fact_iri), None)
        if fact is None:
            fact = {"iri": fact_iri, "kind": FACT_KINDS[(_v(row, "kind") or "").removeprefix(npt)][1], "types": []}
            unit.facts.append(fact)
            iris.add(fact_iri)
        if _v(row, "type") and _v(row, "type") not in fact["types"]:  # type: ignore[operator]
            fact["types"].append(_v(row, "type"))  # type: ignore[union-attr]
            iris.add(_v(row, "type") or "")
    preds = " ".join(f"<{npt}{p}>" for p, _, _ in LINK_KINDS)
    for row in _rows(f"""SELECT ?u ?p ?o WHERE {{ ?u <{npt}inDocument> <{paper}> ; ?p ?o .
            VALUES ?p {{ {preds} }} FILTER(isIRI(?o)) }}"""):
        unit = units.get(_v(row, "u") or "")
        if unit is not None:
            key = (_v(row, "p") or "").removeprefix(npt)
            target = _v(row, "o") or ""
            if target not in unit.links[key]:
                unit.links[key].append(target)
                iris.add(target)
    for unit in units.values():
        unit.facts.sort(key=lambda f: natural_key(str(f["iri"])))
        for values in unit.links.values():
            values.sort()
    # the tree: items under their paragraph (or item), paragraphs under their section
    sections = sorted((u for u in units.values() if u.kind == "Section"), key=lambda u: u.order)
    loose = Unit(paper + "#front", "Section", -1)
    for unit in units.values():
        if unit.kind == "Item" and parent.get(unit.iri) in units:
            units[parent[unit.iri]].children.append(unit)
        elif unit.kind == "Paragraph":
            units.get(section_of.get(unit.iri, ""), loose).children.append(unit)
    for unit in units.values():
        unit.children.sort(key=lambda u: (u.order, natural_key(u.iri)))
        if unit.kind in ("Paragraph", "Item") and unit.children:
            unit.text = _lead(unit.text, unit.children[0].text)
    loose.children.sort(key=lambda u: (u.order, natural_key(u.iri)))
    if loose.children:
        sections.insert(0, loose)
    footnotes = sorted((u for u in units.values() if u.kind == "Footnote"), key=lambda u: (u.order, u.iri))
    return PaperView(cover={}, sections=sections, footnotes=footnotes, iris=iris)


def _lead(text: str, first_child: str) -> str:
    """A unit's own words: its text up to where its first item begins (the items follow, each shown once)."""
    if first_child:
        at = text.find(first_child[: min(len(first_child), 12)])
        if at > 0:
            return _MARKER.sub("", text[:at]).rstrip()
    return text


def literal_text(node: object) -> str | None:
    return node.value if isinstance(node, Literal) else None
