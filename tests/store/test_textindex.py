"""The paragraph index and the `text:query` property function the store rewrites."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, QuerySolutions, Store

from kg import vocab
from kg.store import QueryError
from kg.store.textindex import TextIndex, build_index, rewrite

P = vocab.ID_NS + "doc/x/p/"
TEXTS = {
    "1": "各国应降低核武器系统的戒备状态。",
    "2": "网络攻击可能影响核指挥与控制系统。",
    "3": "加强透明度和建立信任措施。",
    "4": "We call for de-alerting of nuclear forces.",
}


#: Where each paragraph is in its paper: numbered so that document order is not the IRIs' order.
NUMBERS = {"1": "10", "2": "9", "3": "1", "4": "2"}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> TextIndex:
    store = Store()
    g = NamedNode(vocab.DATA_GRAPH)
    for n, text in TEXTS.items():
        para = NamedNode(P + n)
        store.add(Quad(para, vocab.RDF.type, vocab.NPT.Paragraph, g))
        store.add(Quad(para, vocab.NPT.text, Literal(text, language="zh"), g))
        store.add(Quad(para, vocab.NPT.inDocument, NamedNode(vocab.ID_NS + "doc/x"), g))
        store.add(Quad(para, vocab.NPT.number, Literal(NUMBERS[n]), g))
    path = tmp_path_factory.mktemp("fts") / "paragraphs.fts.sqlite"
    assert build_index(store, path) == len(TEXTS)
    return TextIndex(path)


def test_a_word_is_found_inside_a_compound(index: TextIndex) -> None:
    assert index.search("戒备") == [P + "1"]      # inside 戒备状态
    assert index.search("武器") == [P + "1"]      # inside 核武器
    assert set(index.search("系统")) == {P + "1", P + "2"}
    assert index.search("de-alerting") == [P + "4"]
    assert index.search("不存在的词") == []


def test_every_word_must_occur(index: TextIndex) -> None:
    assert index.search("网络 系统") == [P + "2"]
    assert index.search("网络 透明度") == []


def test_matches_come_in_document_order(index: TextIndex) -> None:
    assert index.search("系统") == [P + "2", P + "1"]  # paragraph 9 before paragraph 10 (numbers, not text)


def test_limit_and_offset_page_through_the_matches(index: TextIndex) -> None:
    both = index.search("系统")
    assert index.search("系统", 1, 0) + index.search("系统", 1, 1) == both


def test_rewrite_replaces_the_pattern_with_the_matches(index: TextIndex) -> None:
    query = ('PREFIX text: <http://jena.apache.org/text#>\n'
             'SELECT ?p WHERE { ?p text:query ("系统" 10 0) . ?p ?x ?y }')
    out = rewrite(query, index)
    assert "text:query" not in out.split("\n", 1)[1]
    assert f"VALUES ?p {{ <{P}1> <{P}2> }}" in out or f"VALUES ?p {{ <{P}2> <{P}1> }}" in out
    full_iri = 'SELECT ?p WHERE { ?p <http://jena.apache.org/text#query> "透明度" }'
    assert rewrite(full_iri, index) == f"SELECT ?p WHERE {{ VALUES ?p {{ <{P}3> }} }}"


def test_the_words_may_come_from_a_values_line(index: TextIndex) -> None:
    query = ('PREFIX text: <http://jena.apache.org/text#>\n'
             'SELECT ?p WHERE { VALUES ?w { "网络" } ?p text:query (?w) . }')
    assert f"VALUES ?p {{ <{P}2> }}" in rewrite(query, index)
    unbound = 'PREFIX text: <http://jena.apache.org/text#>\nSELECT ?p WHERE { ?p text:query (?w) }'
    with pytest.raises(QueryError, match="VALUES"):
        rewrite(unbound, index)


def test_text_query_in_a_string_or_a_comment_is_left_alone(index: TextIndex) -> None:
    query = ('PREFIX text: <http://jena.apache.org/text#>\n'
             'SELECT ("?p text:query \\"x\\"" AS ?s) WHERE { # ?p text:query "y"\n }')
    assert rewrite(query, index) == query


def test_a_rewritten_query_runs(index: TextIndex, tmp_path: Path) -> None:
    store = Store()
    query = rewrite('PREFIX text: <http://jena.apache.org/text#>\nSELECT ?p WHERE { ?p text:query "戒备" }', index)
    result = store.query(query)
    assert isinstance(result, QuerySolutions)
    assert [r["p"].value for r in result] == [P + "1"]


def test_without_an_index_the_words_are_looked_for_in_every_paragraph(index: TextIndex) -> None:
    store = Store()
    g = NamedNode(vocab.DATA_GRAPH)
    for n, text in TEXTS.items():
        store.add(Quad(NamedNode(P + n), vocab.RDF.type, vocab.NPT.Paragraph, g))
        store.add(Quad(NamedNode(P + n), vocab.NPT.text, Literal(text, language="zh"), g))
    query = 'PREFIX text: <http://jena.apache.org/text#>\nSELECT ?p WHERE { ?p text:query ("系统" 10 0) . }'
    scanned = store.query(rewrite(query, None), use_default_graph_as_union=True)
    assert isinstance(scanned, QuerySolutions)
    assert sorted(r["p"].value for r in scanned) == sorted(index.search("系统"))


def test_a_malformed_argument_is_refused_with_what_was_expected(index: TextIndex) -> None:
    with pytest.raises(QueryError, match="expected"):
        rewrite('PREFIX text: <http://jena.apache.org/text#>\nSELECT * { ?p text:query <urn:x> }', index)
    with pytest.raises(QueryError, match="unexpected"):
        rewrite('PREFIX text: <http://jena.apache.org/text#>\nSELECT * { ?p text:query ("x" "y") }', index)
