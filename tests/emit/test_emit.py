"""Facts → triples: IRI patterns of the data model, bilingual labels, provenance and shared entities."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, Store, Triple

from kg import vocab
from kg.emit import SharedEntities, paper_triples, shared_triples
from kg.emit.triples import paper_labels
from kg.extract import Extractor, PaperFacts
from kg.extract.gazetteer import Gazetteer
from kg.extract.lexicon import load_lexicon
from kg.read import parse_text

NPT, RDF, RDFS, PROV = vocab.NPT, vocab.RDF, vocab.RDFS, vocab.PROV
ID = vocab.ID_NS

TEXT = """不扩散核武器条约缔约国
2026 年审议大会
筹备委员会

第二届会议

2024 年 7 月 22 日至 8 月 2 日，日内瓦

测试标题

新西兰代表新议程联盟(巴西、埃及和新西兰)提交的工作文件*

  建议

1. 我们建议采取以下措施：

(a) 促请俄罗斯联邦和美利坚合众国解除核武器的高度戒备状态；¹

(b) 使《全面禁止核试验条约》生效。重申《条约》第六条规定的义务。

2. 可能导致风险增加的因素包括：

• 网络攻击

__________________

* 见 NPT/CONF.2026/PC.I/WP.5。

¹ 2022 年 1 月 3 日，五个核武器国家领导人发表联合声明。
"""


@pytest.fixture(scope="module")
def built() -> tuple[PaperFacts, Store]:
    g = Gazetteer.load()
    x = Extractor(g, load_lexicon())
    facts = x.extract(parse_text(TEXT, Path("papers/t.txt"), "a" * 64))
    shared = SharedEntities()
    store = Store()
    triples = [*paper_triples(facts, shared), *shared_triples(shared, g)]
    store.extend([Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in triples])
    return facts, store


def has(store: Store, s: str, p: NamedNode, o: NamedNode | Literal) -> bool:
    return any(True for _ in store.quads_for_pattern(NamedNode(s), p, o))


def objects(store: Store, s: str, p: NamedNode) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(NamedNode(s), p, None)}


def test_paper_and_text_units_follow_the_iri_patterns(built) -> None:
    _facts, store = built
    doc = ID + "doc/t"
    assert has(store, doc, RDF.type, NPT.WorkingPaper)
    assert objects(store, doc, NPT.hasParagraph) == {doc + "/p/1", doc + "/p/2"}
    assert objects(store, doc + "/p/1", NPT.hasItem) == {doc + "/p/1/a", doc + "/p/1/b"}
    assert objects(store, doc + "/p/2", NPT.hasItem) == {doc + "/p/2/1"}
    assert objects(store, doc, NPT.hasFootnote) == {doc + "/fn/star"}
    assert objects(store, doc + "/p/1/a", NPT.hasFootnote) == {doc + "/fn/1"}
    assert objects(store, doc + "/p/1", NPT.inSection) == {doc + "/s/1"}
    assert objects(store, doc + "/p/1/a", NPT.itemPath) == {"1(a)"}


def test_labels_are_bilingual(built) -> None:
    _facts, store = built
    labels = {(q.object.value, q.object.language) for q in
              store.quads_for_pattern(NamedNode(ID + "doc/t/p/1"), RDFS.label, None)}
    assert labels == {("paragraph 1", "en"), ("第1段", "zh")}
    state = {(q.object.value, q.object.language) for q in
             store.quads_for_pattern(NamedNode(ID + "state/RU"), RDFS.label, None)}
    assert {lang for _, lang in state} == {"en", "zh"}


def test_measures_carry_provenance_and_a_quote_found_in_their_unit(built) -> None:
    _facts, store = built
    m = ID + "doc/t/p/1/a/measure"
    assert has(store, ID + "doc/t", NPT.proposes, NamedNode(m))
    assert objects(store, m, PROV.wasDerivedFrom) == {ID + "doc/t/p/1/a"}
    (quote,) = objects(store, m, NPT.quote)
    (text,) = objects(store, ID + "doc/t/p/1/a", NPT.text)
    assert quote in text
    assert objects(store, m, NPT.addressedTo) == {ID + "state/RU", ID + "state/US"}
    assert vocab.MEASURE_TYPE_NS + "de-alerting" in objects(store, m, NPT.measureType)


def test_treaties_articles_citations_and_statements(built) -> None:
    _facts, store = built
    b = ID + "doc/t/p/1/b"
    assert objects(store, b, NPT.refersToTreaty) == {
        ID + "treaty/ctbt", ID + "treaty/npt", ID + "treaty/npt/article-VI"}
    assert objects(store, ID + "treaty/npt/article-VI", NPT.articleOf) == {ID + "treaty/npt"}
    assert objects(store, ID + "doc/t/fn/star", NPT.cites) == {ID + "doc/NPT-CONF.2026-PC.I-WP.5"}
    assert objects(store, ID + "doc/NPT-CONF.2026-PC.I-WP.5", NPT.symbol) == {"NPT/CONF.2026/PC.I/WP.5"}
    st = ID + "statement/2022-01-p5"
    assert objects(store, ID + "doc/t/fn/1", NPT.cites) == {st}
    assert objects(store, st, NPT.issuedBy) == {ID + "org/p5"}
    assert objects(store, st, NPT.statementDate) == {"2022-01-03"}


def test_states_coalitions_and_meetings_are_typed(built) -> None:
    _facts, store = built
    assert has(store, ID + "state/RU", RDF.type, NPT.NuclearWeaponState)
    assert has(store, ID + "state/NZ", RDF.type, NPT.NonNuclearWeaponState)
    assert objects(store, ID + "state/NZ", NPT.isoCode) == {"NZ"}
    c = ID + "coalition/new-agenda-coalition"
    assert objects(store, c, NPT.hasMember) == {ID + "state/BR", ID + "state/EG", ID + "state/NZ"}
    m = ID + "meeting/revcon-2026/prepcom-2"
    assert has(store, m, RDF.type, NPT.PrepComSession)
    assert objects(store, m, NPT.forReviewConference) == {ID + "meeting/revcon-2026"}
    assert objects(store, m, NPT.sessionNumber) == {"2"}
    assert objects(store, m, NPT.cycleInferred) == {"false"}
    assert has(store, ID + "meeting/revcon-2026", RDF.type, NPT.ReviewConference)


def test_risks_are_identified_with_their_types(built) -> None:
    _facts, store = built
    r = ID + "doc/t/p/2/1/risk"
    assert has(store, ID + "doc/t", NPT.identifies, NamedNode(r))
    assert objects(store, r, NPT.riskType) == {vocab.RISK_TYPE_NS + "cyber-attack-c2"}


def test_every_predicate_and_class_is_a_vocabulary_term(built) -> None:
    _facts, store = built
    known = {NamedNode(vocab.NPT_NS + t) for t in vocab.NPT.terms}
    for q in store:
        t = Triple(q.subject, q.predicate, q.object)
        if t.predicate.value.startswith(vocab.NPT_NS):
            assert t.predicate in known, t.predicate
        if t.predicate == RDF.type and t.object.value.startswith(vocab.NPT_NS):
            assert t.object in known, t.object


def test_a_paper_without_a_symbol_is_labelled_by_title_submitter_and_meeting(built) -> None:
    _facts, store = built
    labels = {(q.object.value, q.object.language) for q in
              store.quads_for_pattern(NamedNode(ID + "doc/t"), RDFS.label, None)}
    assert labels == {
        ("Working paper submitted by New Zealand on behalf of the New Agenda Coalition "
         "(Preparatory Committee for the 2026 Review Conference, second session)", "en"),
        ("测试标题", "zh"),
    }
    assert objects(store, ID + "doc/t", NPT.sourceFile) == {"t.txt"}


def test_a_paper_with_a_symbol_is_labelled_by_it() -> None:
    g = Gazetteer.load()
    text = TEXT.replace("第二届会议", "NPT/CONF.2026/PC.II/WP.9\n\n第二届会议")
    facts = Extractor(g, load_lexicon()).extract(parse_text(text, Path("papers/t.txt"), "a" * 64))
    assert paper_labels(facts) == ("Working paper NPT/CONF.2026/PC.II/WP.9", "测试标题")


def test_no_triple_is_written_twice(built) -> None:
    facts = copy.deepcopy(built[0])
    fn = facts.footnotes[-1]
    fn.statements = fn.statements * 2  # a footnote naming one statement twice (by date and by title)
    triples = [*paper_triples(facts, SharedEntities())]
    assert len(triples) == len(set(triples))
    cites = [t for t in triples if t.subject == NamedNode(fn.iri) and t.predicate == NPT.cites]
    assert len(cites) == 1


def test_quotes_backslashes_and_line_breaks_in_text_survive(built) -> None:
    facts = copy.deepcopy(built[0])
    tricky = 'He said "no" \\ then\r\nleft \\"again\\"'
    facts.paragraphs[0].text = tricky
    texts = [t.object.value for t in paper_triples(facts, SharedEntities())
             if t.subject == NamedNode(facts.paragraphs[0].iri) and t.predicate == NPT.text]
    assert texts == [tricky]
