"""The builder reads papers it was never tuned on: synthetic papers checked against what the generator wrote.

`bench.generate` records in its manifest what it put in each paper (meeting, submitters, coalition,
paragraphs and the items under each, footnotes, cited symbols). The builder never sees the
manifest; these tests build the synthetic corpus and compare the graph with it, paper by paper.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from pyoxigraph import Store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench/ is a folder of the repository, not installed

from bench import generate
from kg import vocab
from kg.store import load_dataset

N_PAPERS = 40
SEED = 7


def _rows(store: Store, sparql: str) -> list[dict[str, str]]:
    solutions = store.query(vocab.sparql_prefixes() + sparql, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in solutions]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Store, object, dict[str, str]]:
    from kg.build import build_graph  # imported here so that a missing builder fails these tests, not collection

    root = tmp_path_factory.mktemp("generated")
    corpus = root / "papers"
    manifest = generate.generate_corpus(N_PAPERS, corpus, seed=SEED)
    out = root / "graph.ttl"
    summary = build_graph([corpus], out, strict=False)
    store = load_dataset(out)
    rows = _rows(store, "SELECT ?doc ?file { ?doc a npt:WorkingPaper ; npt:sourceFile ?file }")
    docs = {Path(r["file"]).name: r["doc"] for r in rows}
    return manifest, store, summary, docs


def _doc(symbol: str) -> str:
    return vocab.ID_NS + "doc/" + vocab.slug(symbol)


def _report(wrong: dict) -> str:
    """One line per mismatch, so a failure shows every paper that was misread."""
    return f"{len(wrong)} mismatches (expected, got):\n" + "\n".join(f"  {k}: {v}" for k, v in sorted(wrong.items()))


def _by_doc(rows: list[dict[str, str]], key: str = "doc") -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        out[r[key]].append(r)
    return out


def test_the_generator_writes_what_its_manifest_says(tmp_path: Path) -> None:
    manifest = generate.generate_corpus(5, tmp_path, seed=SEED)
    on_disk = json.loads((tmp_path / generate.MANIFEST).read_text(encoding="utf-8"))
    assert on_disk == manifest
    assert sorted(p.name for p in tmp_path.glob("*.txt")) == sorted(p["file"] for p in manifest["papers"])
    for paper in manifest["papers"]:
        text = (tmp_path / paper["file"]).read_text(encoding="utf-8")
        assert paper["meeting"]["city_zh"] in text
        if paper["symbol"]:
            assert paper["symbol"] in text
        numbers = [p["number"] for p in paper["paragraphs"]]
        assert numbers == list(range(1, len(numbers) + 1))


def test_every_generated_paper_becomes_one_working_paper(built: tuple) -> None:
    manifest, _store, _summary, docs = built
    assert sorted(docs) == sorted(p["file"] for p in manifest["papers"])


def test_the_builder_reports_no_unreadable_paper(built: tuple) -> None:
    manifest, _store, summary, docs = built
    failed = [name for name in (p["file"] for p in manifest["papers"]) if name not in docs]
    assert failed == []
    errors = getattr(summary, "errors", None)
    if errors is None and isinstance(summary, dict):
        errors = summary.get("errors")
    assert not errors, errors


def test_each_paper_has_the_paragraphs_the_generator_wrote(built: tuple) -> None:
    manifest, store, _summary, docs = built
    rows = _rows(store, "SELECT ?doc ?n { ?doc npt:hasParagraph ?p . ?p npt:number ?n }")
    numbers = {doc: sorted(int(r["n"]) for r in rs) for doc, rs in _by_doc(rows).items()}
    wrong = {}
    for paper in manifest["papers"]:
        expected = [p["number"] for p in paper["paragraphs"]]
        got = numbers.get(docs[paper["file"]], [])
        if got != expected:
            wrong[paper["file"]] = (expected, got)
    assert not wrong, _report(wrong)


def test_each_paragraph_has_the_items_the_generator_wrote(built: tuple) -> None:
    manifest, store, _summary, docs = built
    rows = _rows(store, """
        SELECT ?doc ?n (COUNT(DISTINCT ?item) AS ?items) {
          ?doc npt:hasParagraph ?p . ?p npt:number ?n .
          OPTIONAL { ?p npt:hasItem+ ?item }
        } GROUP BY ?doc ?n""")
    counts = {(r["doc"], int(r["n"])): int(r["items"]) for r in rows}
    wrong = {}
    for paper in manifest["papers"]:
        doc = docs[paper["file"]]
        for para in paper["paragraphs"]:
            got = counts.get((doc, para["number"]), 0)
            if got != para["items"]:
                wrong[f"{paper['file']} ¶{para['number']} ({para['kind']})"] = (para["items"], got)
    assert not wrong, _report(wrong)


def test_each_paper_has_the_footnotes_the_generator_wrote(built: tuple) -> None:
    manifest, store, _summary, docs = built
    rows = _rows(store, "SELECT ?doc ?mark { ?fn a npt:Footnote ; npt:inDocument ?doc ; npt:footnoteMark ?mark }")
    marks = {doc: Counter(r["mark"] for r in rs) for doc, rs in _by_doc(rows).items()}
    wrong = {}
    for paper in manifest["papers"]:
        got = marks.get(docs[paper["file"]], Counter())
        if got != Counter(paper["footnotes"]):
            wrong[paper["file"]] = (paper["footnotes"], sorted(got))
    assert not wrong, _report(wrong)


def test_submitting_states_and_coalitions_are_read(built: tuple) -> None:
    manifest, store, _summary, docs = built
    subs = _by_doc(_rows(store, "SELECT ?doc ?iso { ?doc npt:submittedBy ?s . ?s npt:isoCode ?iso }"))
    members = _by_doc(_rows(store, """
        SELECT ?doc ?iso { ?doc npt:onBehalfOf ?c . ?c npt:hasMember ?s . ?s npt:isoCode ?iso }"""))
    wrong = {}
    for paper in manifest["papers"]:
        doc = docs[paper["file"]]
        got = sorted({r["iso"] for r in subs.get(doc, [])})
        if got != sorted(paper["submitters"]):
            wrong[paper["file"] + " submitters"] = (sorted(paper["submitters"]), got)
        if paper["coalition"]:
            got_m = sorted({r["iso"] for r in members.get(doc, [])})
            if got_m != sorted(paper["coalition"]["members"]):
                wrong[paper["file"] + " coalition"] = (sorted(paper["coalition"]["members"]), got_m)
    assert not wrong, _report(wrong)


def test_meetings_city_dates_and_session_are_read(built: tuple) -> None:
    manifest, store, _summary, docs = built
    rows = _rows(store, """
        SELECT ?doc ?start ?end ?session ?city {
          ?doc npt:submittedTo ?m .
          OPTIONAL { ?m npt:startDate ?start } OPTIONAL { ?m npt:endDate ?end }
          OPTIONAL { ?m npt:sessionNumber ?session }
          OPTIONAL { ?m npt:city ?city FILTER(lang(?city) = "en") }
        }""")
    meetings = {r["doc"]: r for r in rows}
    wrong = {}
    for paper in manifest["papers"]:
        m = paper["meeting"]
        got = meetings.get(docs[paper["file"]], {})
        expected = {"start": m["start"], "end": m["end"], "city": m["city"],
                    "session": str(m["session"]) if m["session"] else None}
        seen = {k: got.get(k) for k in expected}
        if seen != expected:
            wrong[paper["file"]] = (expected, seen)
    assert not wrong, _report(wrong)


def test_printed_symbols_and_cycles_are_read(built: tuple) -> None:
    manifest, store, _summary, docs = built
    symbols = {r["doc"]: r["symbol"] for r in _rows(store, "SELECT ?doc ?symbol { ?doc npt:symbol ?symbol }")}
    cycles = {r["doc"]: int(r["cycle"]) for r in _rows(store, """
        SELECT ?doc ?cycle { ?doc npt:submittedTo ?m .
          { ?m npt:cycleYear ?cycle } UNION { ?m npt:forReviewConference ?r . ?r npt:cycleYear ?cycle } }""")}
    wrong = {}
    for paper in manifest["papers"]:
        doc = docs[paper["file"]]
        if symbols.get(doc) != paper["symbol"]:
            wrong[paper["file"] + " symbol"] = (paper["symbol"], symbols.get(doc))
        if (paper["meeting"]["cycle_printed"] or paper["meeting"]["cycle_in_symbol"]) and \
                cycles.get(doc) != paper["meeting"]["cycle"]:
            wrong[paper["file"] + " cycle"] = (paper["meeting"]["cycle"], cycles.get(doc))
    assert not wrong, _report(wrong)


def test_cited_un_documents_are_linked(built: tuple) -> None:
    manifest, store, _summary, docs = built
    rows = _rows(store, """
        SELECT DISTINCT ?doc ?cited { ?u npt:inDocument ?doc ; npt:cites ?cited }""")
    cited = {doc: {r["cited"] for r in rs} for doc, rs in _by_doc(rows).items()}
    missing = {}
    for paper in manifest["papers"]:
        doc = docs[paper["file"]]
        got = cited.get(doc, set())
        # a volume or part printed after the symbol may be kept in the IRI: NPT-CONF.2010-50-Vol.-I
        lost = {s for s in paper["citations"]
                if not any(c == _doc(s) or c.startswith(_doc(s) + "-") for c in got)}
        if lost:
            missing[paper["file"]] = sorted(lost)
    assert not missing, _report(missing)
