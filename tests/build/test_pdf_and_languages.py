"""Building from PDF files, from English papers, and from a paper in two languages.

The papers are written for the tests (tests/read/samples.py) and made into UN-style PDFs and into
the text a PDF tool gives (tests/read/unpdf.py); nothing is read from outside the repository.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store, parse

from kg import vocab
from kg.build import build_graph
from kg.commands import main
from kg.store import load_dataset
from kg.store.library import load_library

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/read/ holds the paper makers

from tests.read import samples
from tests.read.unpdf import make_corrupt_pdf, make_empty_pdf, make_scanned_pdf, make_un_pdf, paper_text

ID = vocab.ID_NS
WORK = ID + "doc/" + vocab.slug(samples.SYMBOL)


def rows(store: Store, sparql: str) -> list[tuple[str, ...]]:
    return sorted(tuple(t.value if t is not None else "" for t in r)
                  for r in store.query(vocab.sparql_prefixes() + sparql, use_default_graph_as_union=True))


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The English original as PDF and its Chinese version as text, built together."""
    d = tmp_path_factory.mktemp("pair")
    make_un_pdf(d / "wp31-e.pdf", samples.RISK_EN)
    (d / "wp31-c.txt").write_text(paper_text(samples.RISK_ZH), encoding="utf-8")
    out = d / "graph.ttl"
    summary = build_graph([d], out, strict=True)
    assert summary.papers == 1 and summary.versions == 2
    return load_dataset(out)


def test_two_language_versions_are_one_paper_with_an_expression_each(pair: Store) -> None:
    assert rows(pair, "SELECT ?w { ?w a npt:WorkingPaper }") == [(WORK,)]
    assert rows(pair, f"SELECT ?l ?f {{ <{WORK}> npt:hasExpression ?e . ?e npt:realizes <{WORK}> ; "
                      "npt:language ?l ; npt:sourceFile ?f }") == [("en", "wp31-e.pdf"), ("zh", "wp31-c.txt")]
    titles = rows(pair, f"SELECT ?t (lang(?t) AS ?l) {{ <{WORK}> dcterms:title ?t }}")
    assert titles == [("Reducing the risk of nuclear weapons use", "en"), ("减少使用核武器的风险", "zh")]


def test_paragraph_n_of_one_version_is_linked_to_paragraph_n_of_the_other(pair: Store) -> None:
    linked = rows(pair, """SELECT ?n ?m { ?a a npt:Paragraph ; npt:number ?n ; npt:inExpression/npt:language "en" ;
                                           npt:correspondsTo ?b . ?b npt:number ?m ;
                                           npt:inExpression/npt:language "zh" }""")
    assert [(int(n), int(m)) for n, m in linked] == [(n, n) for n in range(1, 6)]
    items = rows(pair, """SELECT ?p { ?a npt:itemPath ?p ; npt:inExpression/npt:language "en" ;
                                     npt:correspondsTo/npt:itemPath ?p }""")
    assert ("3(j)",) in items and ("4(a)(i)",) not in items  # the Chinese prints (一) where the English has (i)


def test_a_measure_read_from_both_versions_sits_on_the_paper_with_both_quotes(pair: Store) -> None:
    measure = f"<{WORK}/p/3/a/measure>"
    assert rows(pair, f"SELECT ?p {{ ?p npt:proposes {measure} }}") == [(WORK,)]
    sources = rows(pair, f"SELECT ?l {{ {measure} prov:wasDerivedFrom/npt:inExpression/npt:language ?l }}")
    assert sources == [("en",), ("zh",)]
    quotes = rows(pair, f"SELECT (lang(?q) AS ?l) ?q {{ {measure} npt:quote ?q }}")
    assert quotes == [("en", "Reduce the operational readiness of nuclear weapon systems;"),
                      ("zh", "降低核武器系统的戒备状态；")]
    # each quote is the text of the unit of its own language
    bad = rows(pair, """SELECT ?m { ?m a npt:Measure ; npt:quote ?q ; prov:wasDerivedFrom ?u . ?u npt:text ?t
                                   FILTER(lang(?q) = lang(?t) && !CONTAINS(STR(?t), STR(?q))) }""")
    assert bad == []


def test_a_state_named_in_one_version_only_is_kept_and_can_be_queried(pair: Store) -> None:
    only = rows(pair, """SELECT ?path ?state ?lang { ?d a npt:VersionDifference ; npt:differenceKind "addressedTo" ;
                              npt:concerns ?state ; npt:onlyIn/npt:language ?lang ;
                              npt:differenceOf/prov:wasDerivedFrom/npt:itemPath ?path }""")
    assert ("4(b)", ID + "state/CN", "zh") in only
    assert rows(pair, f"SELECT ?s {{ <{WORK}/p/4/b/measure> npt:addressedTo ?s FILTER(?s = id:state:CN) }}"
                .replace("id:state:CN", f"<{ID}state/CN>")) == [(ID + "state/CN",)]


def test_the_named_query_shows_chinese_and_english_quotes_side_by_side(pair: Store) -> None:
    query = load_library()["measures-in-both-languages"]
    got = {r["path"].value: (r["quoteZh"], r["quoteEn"])
           for r in pair.query(query.sparql, use_default_graph_as_union=True)}
    zh, en = got["3(b)"]
    assert zh.value == "在核武装国家之间建立危机沟通渠道；" and zh.language == "zh"
    assert en.value == "Establish crisis communication channels between nuclear-armed States;" and en.language == "en"


def test_versions_without_a_symbol_pair_by_meeting_submitters_and_paragraphs(tmp_path: Path) -> None:
    for name, paper in (("e", samples.RISK_EN), ("c", samples.RISK_ZH)):
        p = copy.deepcopy(paper)
        p["symbol"] = ""
        (tmp_path / f"wp-{name}.txt").write_text(paper_text(p), encoding="utf-8")
    other = copy.deepcopy(samples.RISK_EN)
    other["symbol"], other["blocks"] = "", other["blocks"][:3]  # same meeting and States, fewer paragraphs
    (tmp_path / "other-e.txt").write_text(paper_text(other), encoding="utf-8")
    out = tmp_path / "g.ttl"
    summary = build_graph([tmp_path], out)
    assert (summary.papers, summary.versions) == (2, 3)
    store = load_dataset(out)
    works = rows(store, "SELECT ?w (COUNT(?e) AS ?n) { ?w npt:hasExpression ?e } GROUP BY ?w")
    assert sorted(int(n) for _, n in works) == [1, 2]


def _facts(path: Path) -> set[str]:
    """The graph's statements, without those about the file read (its name, digest, line numbers)."""
    skip = (vocab.NPT_NS + "sourceFile", vocab.NPT_NS + "sha256", vocab.NPT_NS + "parseWarning")
    return {str(t) for t in parse(path=str(path), format=RdfFormat.TURTLE) if t.predicate.value not in skip}


@pytest.mark.parametrize("name", ["RISK_EN", "RISK_ZH", "NAC_EN", "NAM_EN"])
def test_the_same_paper_as_pdf_and_as_text_gives_the_same_facts(tmp_path: Path, name: str) -> None:
    paper = getattr(samples, name)
    make_un_pdf(tmp_path / "paper.pdf", paper)
    (tmp_path / "paper.txt").write_text(paper_text(paper), encoding="utf-8")
    build_graph([tmp_path / "paper.pdf"], tmp_path / "pdf.ttl", strict=True)
    build_graph([tmp_path / "paper.txt"], tmp_path / "txt.ttl", strict=True)
    from_pdf, from_text = _facts(tmp_path / "pdf.ttl"), _facts(tmp_path / "txt.ttl")
    assert len(from_pdf) > 50
    assert from_pdf == from_text


def test_english_papers_give_their_submitters_coalition_and_meeting(tmp_path: Path) -> None:
    for name in ("NAC_EN", "NAM_EN", "RISK_EN"):
        make_un_pdf(tmp_path / f"{name}.pdf", getattr(samples, name))
    build_graph([tmp_path], tmp_path / "g.ttl", strict=True)
    store = load_dataset(tmp_path / "g.ttl")
    nac = ID + "doc/NPT-CONF.2020-WP.8"
    assert rows(store, f"SELECT ?s {{ <{nac}> npt:submittedBy ?s }}") == [(ID + "state/NZ",)]
    assert rows(store, f"SELECT ?c {{ <{nac}> npt:onBehalfOf ?c }}") == [(ID + "coalition/new-agenda-coalition",)]
    members = rows(store, f"SELECT ?m {{ <{ID}coalition/new-agenda-coalition> npt:hasMember ?m }}")
    assert [m.rsplit("/", 1)[-1] for (m,) in members] == ["BR", "EG", "IE", "MX", "NZ", "ZA"]
    nam = ID + "doc/NPT-CONF.2026-PC.II-WP.5"
    assert rows(store, f"SELECT ?c {{ <{nam}> npt:onBehalfOf ?c }}") == [(ID + "coalition/non-aligned-movement",)]
    assert rows(store, f"SELECT ?m {{ <{nam}> npt:submittedTo ?m }}") == [(ID + "meeting/revcon-2026/prepcom-2",)]
    assert rows(store, f"SELECT ?c {{ <{ID}meeting/revcon-2026/prepcom-2> npt:city ?c }}") == [("Geneva",), ("日内瓦",)]
    risk = ID + "doc/" + vocab.slug(samples.SYMBOL)
    assert [s.rsplit("/", 1)[-1] for (s,) in rows(store, f"SELECT ?s {{ <{risk}> npt:submittedBy ?s }}")] == [
        "AT", "CL", "MX", "TH"]
    assert rows(store, f"SELECT ?t {{ <{risk}/p/1> npt:text ?t FILTER(lang(?t) = 'en') }}")


def test_unreadable_pdfs_are_skipped_with_a_warning_or_fail_a_strict_build(tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    papers = tmp_path / "papers"
    papers.mkdir()
    make_un_pdf(papers / "good.pdf", samples.NAC_EN)
    (papers / "also-good.txt").write_text(paper_text(samples.NAM_EN), encoding="utf-8")
    out = tmp_path / "graph.ttl"
    assert main(["build", str(papers), "-o", str(out), "-q"]) == 0
    before = out.read_bytes()
    make_scanned_pdf(papers / "scan.pdf", papers / "good.pdf")
    make_corrupt_pdf(papers / "broken.pdf", papers / "good.pdf")
    make_empty_pdf(papers / "empty.pdf")
    for name in ("scan.pdf", "broken.pdf", "empty.pdf"):
        others = [p for p in ("scan.pdf", "broken.pdf", "empty.pdf") if p != name]
        hidden = [papers / p for p in others]
        for p in hidden:
            p.rename(p.with_suffix(".off"))
        capsys.readouterr()
        code = main(["build", str(papers), "-o", str(out), "--strict", "-q"])
        err = capsys.readouterr().err.strip()
        assert code == 1 and len(err.splitlines()) == 1 and name in err and "Traceback" not in err, err
        assert out.read_bytes() == before
        for p in hidden:
            p.with_suffix(".off").rename(p)
    capsys.readouterr()
    assert main(["build", str(papers), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert "built 2 papers" in captured.out and "3 files skipped" in captured.out
    for name, reason in (("scan.pdf", "run OCR first"), ("broken.pdf", "corrupt PDF"), ("empty.pdf", "0 bytes")):
        assert any(name in ln and reason in ln and "skipped" in ln for ln in captured.err.splitlines()), name
