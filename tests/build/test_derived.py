"""The derived graph: what it says is what the data graph implies, computed another way (Python over quads)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Store

from kg import resources, vocab
from kg.build import build_graph
from kg.store import load_dataset

DATA, DERIVED = NamedNode(vocab.DATA_GRAPH), NamedNode(vocab.DERIVED_GRAPH)
TYPE = vocab.RDF.type


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    out = tmp_path_factory.mktemp("derived") / "npt-kg.ttl"
    build_graph([resources.SEEDS_DIR], out)
    return load_dataset(out)


def objects(store: Store, s, p, graph=DATA) -> set:
    return {q.object for q in store.quads_for_pattern(s, p, None, graph)}


def subjects(store: Store, p, o, graph=DATA) -> set:
    return {q.subject for q in store.quads_for_pattern(None, p, o, graph)}


def test_the_derived_graph_is_a_named_graph_of_its_own(store: Store) -> None:
    assert store.contains_named_graph(DERIVED)
    # nothing derived repeats a triple of the data graph
    for q in store.quads_for_pattern(None, None, None, DERIVED):
        assert not any(True for _ in store.quads_for_pattern(q.subject, q.predicate, q.object, DATA))


def test_type_closure_gives_every_instance_its_npt_superclasses(store: Store) -> None:
    paragraphs = subjects(store, TYPE, vocab.NPT.Paragraph)
    assert paragraphs
    for p in paragraphs:
        assert (vocab.NPT.TextUnit in objects(store, p, TYPE, DERIVED))
    for s in subjects(store, TYPE, vocab.NPT.NonNuclearWeaponState):
        assert vocab.NPT.Actor in objects(store, s, TYPE, DERIVED) | objects(store, s, TYPE)
    # only npt: classes: prov:Entity is not materialized
    assert not subjects(store, TYPE, NamedNode(vocab.PROV_NS + "Entity"), DERIVED)


def _count(store: Store, paper: NamedNode, prop: str) -> int:
    [value] = objects(store, paper, vocab.NPT[prop], DERIVED)
    return int(value.value)


def test_paper_counts_match_the_units_and_facts_of_each_paper(store: Store) -> None:
    units: dict[NamedNode, dict[NamedNode, int]] = defaultdict(lambda: defaultdict(int))
    for q in store.quads_for_pattern(None, vocab.NPT.inDocument, None, DATA):
        for t in objects(store, q.subject, TYPE):
            units[q.object][t] += 1
    papers = subjects(store, TYPE, vocab.NPT.WorkingPaper)
    assert len(papers) == 3
    for paper in papers:
        assert _count(store, paper, "paragraphCount") == units[paper][vocab.NPT.Paragraph]
        assert _count(store, paper, "itemCount") == units[paper][vocab.NPT.Item]
        assert _count(store, paper, "footnoteCount") == units[paper][vocab.NPT.Footnote]
        assert _count(store, paper, "measureCount") == len(objects(store, paper, vocab.NPT.proposes))
        risks = objects(store, paper, vocab.NPT.identifies) | objects(store, paper, vocab.NPT.advisesAgainst)
        assert _count(store, paper, "riskCount") == len(risks)
        assert _count(store, paper, "riskyActionCount") == sum(
            1 for r in risks if vocab.NPT.RiskyAction in objects(store, r, TYPE))
        cited = {d for u in subjects(store, vocab.NPT.inDocument, paper) for d in objects(store, u, vocab.NPT.cites)}
        assert _count(store, paper, "citedDocumentCount") == len(cited)


def test_proposed_measure_types_include_the_broader_types(store: Store) -> None:
    broader = vocab.SKOS.broader
    onto = NamedNode(vocab.ONTOLOGY_GRAPH)
    for paper in subjects(store, TYPE, vocab.NPT.WorkingPaper):
        expected = set()
        for m in objects(store, paper, vocab.NPT.proposes):
            todo = list(objects(store, m, vocab.NPT.measureType))
            while todo:
                t = todo.pop()
                if t not in expected:
                    expected.add(t)
                    todo += objects(store, t, broader, onto)
        assert objects(store, paper, vocab.NPT.proposesMeasureOfType, DERIVED) == expected


def test_state_summaries_count_the_papers_naming_each_state(store: Store) -> None:
    papers_of: dict[NamedNode, set] = defaultdict(set)
    for paper in subjects(store, TYPE, vocab.NPT.WorkingPaper):
        named = set(objects(store, paper, vocab.NPT.submittedBy))
        for c in objects(store, paper, vocab.NPT.onBehalfOf):
            named |= objects(store, c, vocab.NPT.hasMember)
        for m in objects(store, paper, vocab.NPT.proposes):
            named |= objects(store, m, vocab.NPT.addressedTo)
        for u in subjects(store, vocab.NPT.inDocument, paper):
            named |= objects(store, u, vocab.NPT.mentions)
        for s in named:
            if vocab.NPT.State in objects(store, s, TYPE):
                papers_of[s].add(paper)
    assert papers_of
    for state, papers in papers_of.items():
        [count] = objects(store, state, vocab.NPT.paperCount, DERIVED)
        [names] = objects(store, state, vocab.NPT.paperList, DERIVED)
        assert int(count.value) == len(papers)
        assert set(names.value.split(", ")) == {p.value.rsplit("/", 1)[1] for p in papers}  # no symbols printed


def test_reloading_recomputes_rather_than_adds(tmp_path: Path, store: Store) -> None:
    from kg.build.derived import materialize

    before = sum(1 for _ in store.quads_for_pattern(None, None, None, DERIVED))
    assert materialize(store) == before
    assert sum(1 for _ in store.quads_for_pattern(None, None, None, DERIVED)) == before
