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


def test_proposer_summaries_give_each_state_its_papers_per_measure_type(store: Store) -> None:
    npt = vocab.NPT
    expected: dict[tuple, tuple[set, set]] = defaultdict(lambda: (set(), set()))
    for paper in subjects(store, TYPE, npt.WorkingPaper):
        in_role = {s: {"submitter"} for s in objects(store, paper, npt.submittedBy)}
        for c in objects(store, paper, npt.onBehalfOf):
            for s in objects(store, c, npt.hasMember):
                in_role.setdefault(s, set()).add("coalition member")
        for t in objects(store, paper, npt.proposesMeasureOfType, DERIVED):
            for s, roles in in_role.items():
                expected[(s, t)][0].add(paper)
                expected[(s, t)][1].update(roles)
    assert any(len(roles) == 2 for _, roles in expected.values())  # the seeds have a submitter in its own coalition
    summaries = subjects(store, TYPE, npt.ProposerSummary, DERIVED)
    assert len(summaries) == len(expected)
    for summary in summaries:
        [state] = objects(store, summary, npt.summaryOf, DERIVED)
        [type_] = objects(store, summary, npt.summaryType, DERIVED)
        papers, roles = expected[(state, type_)]
        [count] = objects(store, summary, npt.paperCount, DERIVED)
        [names] = objects(store, summary, npt.paperList, DERIVED)
        [role_list] = objects(store, summary, npt.roleList, DERIVED)
        assert int(count.value) == len(papers)
        assert names.value.split(", ") == sorted(p.value.rsplit("/", 1)[1] for p in papers)
        assert role_list.value.split(", ") == [r for r in ("submitter", "coalition member") if r in roles]


def test_reloading_recomputes_rather_than_adds(tmp_path: Path, store: Store) -> None:
    from kg.build.derived import materialize

    before = sum(1 for _ in store.quads_for_pattern(None, None, None, DERIVED))
    assert materialize(store) == before
    assert sum(1 for _ in store.quads_for_pattern(None, None, None, DERIVED)) == before


def _int_of(store: Store, s, prop: str) -> int | None:
    values = objects(store, s, vocab.NPT[prop], DERIVED)
    assert len(values) <= 1
    return int(next(iter(values)).value) if values else None


def _tallies(store: Store) -> dict:
    """(row, column or None) -> the tally's node, from the derived graph."""
    out = {}
    for tally in subjects(store, TYPE, vocab.NPT.Tally, DERIVED):
        [of] = objects(store, tally, vocab.NPT.tallyOf, DERIVED)
        types = objects(store, tally, vocab.NPT.tallyType, DERIVED)
        key = (of, next(iter(types)) if types else None)
        assert key not in out
        out[key] = tally
    return out


def _measures_by_type(store: Store) -> dict:
    """paper -> measure type -> its measures of exactly that type, from the data graph."""
    out: dict = defaultdict(lambda: defaultdict(set))
    for paper in subjects(store, TYPE, vocab.NPT.WorkingPaper):
        for m in objects(store, paper, vocab.NPT.proposes):
            for t in objects(store, m, vocab.NPT.measureType):
                out[paper][t].add(m)
    return out


def test_explore_tallies_count_each_papers_and_each_submitters_measures_by_type(store: Store) -> None:
    by_type, tallies = _measures_by_type(store), _tallies(store)
    assert by_type
    for paper, cells in by_type.items():
        for t, ms in cells.items():
            assert _int_of(store, tallies[(paper, t)], "measureCount") == len(ms)
    actors: dict = defaultdict(set)
    for paper in by_type:
        for a in objects(store, paper, vocab.NPT.submittedBy) | objects(store, paper, vocab.NPT.onBehalfOf):
            actors[a].add(paper)
    assert actors
    for actor, papers in actors.items():
        assert _int_of(store, actor, "measureCount") == len(set().union(*(m for p in papers
                                                                          for m in by_type[p].values())))
        for t in {t for p in papers for t in by_type[p]}:
            proposing = {p for p in papers if t in by_type[p]}
            assert _int_of(store, tallies[(actor, t)], "paperCount") == len(proposing)
            assert _int_of(store, tallies[(actor, t)], "measureCount") == len(set().union(
                *(by_type[p][t] for p in proposing)))


def test_ranks_order_by_count_then_iri(store: Store) -> None:
    by_type = _measures_by_type(store)
    totals = {t: sum(len(c.get(t, ())) for c in by_type.values()) for c in by_type.values() for t in c}
    ranked = sorted(totals, key=lambda t: (-totals[t], t.value))
    assert [_int_of(store, t, "measureRank") for t in ranked] == list(range(1, len(ranked) + 1))
    papers = sorted(by_type, key=lambda p: (-len(set().union(*by_type[p].values())), p.value))
    assert [_int_of(store, p, "measureRank") for p in papers] == list(range(1, len(papers) + 1))


def test_a_papers_main_measure_type_is_the_type_of_most_of_its_measures(store: Store) -> None:
    by_type = _measures_by_type(store)
    totals = {t: sum(len(c.get(t, ())) for c in by_type.values()) for c in by_type.values() for t in c}
    for paper, cells in by_type.items():
        [main] = objects(store, paper, vocab.NPT.mainMeasureType, DERIVED)
        most = max(len(ms) for ms in cells.values())
        assert len(cells[main]) == most
        assert totals[main] == max(totals[t] for t in cells if len(cells[t]) == most)


def test_meeting_tallies_share_out_the_papers_of_each_meeting(store: Store) -> None:
    tallies = _tallies(store)
    for meeting in {o for p in subjects(store, TYPE, vocab.NPT.WorkingPaper)
                    for o in objects(store, p, vocab.NPT.submittedTo)}:
        papers = subjects(store, vocab.NPT.submittedTo, meeting)
        counts = [_int_of(store, tally, "paperCount") for (of, _), tally in tallies.items() if of == meeting]
        assert sum(counts) == len(papers)
