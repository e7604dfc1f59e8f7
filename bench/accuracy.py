"""How well the builder reads papers it was never tuned on: the graph of a synthetic corpus vs its manifest.

`bench.generate` records what it wrote in each paper; each check here queries the built graph for
the same thing and returns the mismatches, keyed by paper (and paragraph). The tests
(`tests/test_generated_corpus.py`) require every check to come back empty; the benchmark reports
the share of papers each check gets right at 1,000 papers.

    python -m bench.accuracy CORPUS_DIR GRAPH.ttl     # a report for a corpus built with npt-kg build
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

from pyoxigraph import Store

from kg import vocab

Mismatches = dict[str, tuple[object, object]]


def rows(store: Store, sparql: str) -> list[dict[str, str]]:
    solutions = store.query(vocab.sparql_prefixes() + sparql, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in solutions]


def by_doc(found: list[dict[str, str]], key: str = "doc") -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in found:
        out[r[key]].append(r)
    return out


def doc_iri(symbol: str) -> str:
    return vocab.ID_NS + "doc/" + vocab.slug(symbol)


def documents(store: Store) -> dict[str, str]:
    """Source file name -> paper IRI."""
    found = rows(store, "SELECT ?doc ?file { ?doc a npt:WorkingPaper ; npt:sourceFile ?file }")
    return {Path(r["file"]).name: r["doc"] for r in found}


def check_papers(manifest: dict, store: Store, docs: dict[str, str]) -> Mismatches:
    return {p["file"]: ("a WorkingPaper", None) for p in manifest["papers"] if p["file"] not in docs}


def check_paragraphs(manifest: dict, store: Store, docs: dict[str, str]) -> Mismatches:
    found = rows(store, "SELECT ?doc ?n { ?doc npt:hasParagraph ?p . ?p npt:number ?n }")
    numbers = {doc: sorted(int(r["n"]) for r in rs) for doc, rs in by_doc(found).items()}
    wrong: Mismatches = {}
    for paper in manifest["papers"]:
        expected = [p["number"] for p in paper["paragraphs"]]
        got = numbers.get(docs.get(paper["file"], ""), [])
        if got != expected:
            wrong[paper["file"]] = (expected, got)
    return wrong


def check_items(manifest: dict, store: Store, docs: dict[str, str]) -> Mismatches:
    """Lettered items, sub-items and bullets under each paragraph, counted at every depth."""
    found = rows(store, """
        SELECT ?doc ?n (COUNT(DISTINCT ?item) AS ?items) {
          ?doc npt:hasParagraph ?p . ?p npt:number ?n .
          OPTIONAL { ?p npt:hasItem+ ?item }
        } GROUP BY ?doc ?n""")
    counts = {(r["doc"], int(r["n"])): int(r["items"]) for r in found}
    wrong: Mismatches = {}
    for paper in manifest["papers"]:
        doc = docs.get(paper["file"], "")
        for para in paper["paragraphs"]:
            got = counts.get((doc, para["number"]), 0)
            if got != para["items"]:
                wrong[f"{paper['file']} ¶{para['number']} ({para['kind']})"] = (para["items"], got)
    return wrong


def check_footnotes(manifest: dict, store: Store, docs: dict[str, str]) -> Mismatches:
    found = rows(store, "SELECT ?doc ?mark { ?fn a npt:Footnote ; npt:inDocument ?doc ; npt:footnoteMark ?mark }")
    marks = {doc: Counter(r["mark"] for r in rs) for doc, rs in by_doc(found).items()}
    wrong: Mismatches = {}
    for paper in manifest["papers"]:
        got = marks.get(docs.get(paper["file"], ""), Counter())
        if got != Counter(paper["footnotes"]):
            wrong[paper["file"]] = (paper["footnotes"], sorted(got.elements()))
    return wrong


def check_submitters(manifest: dict, store: Store, docs: dict[str, str]) -> Mismatches:
    found = by_doc(rows(store, "SELECT ?doc ?iso { ?doc npt:submittedBy ?s . ?s npt:isoCode ?iso }"))
    wrong: Mismatches = {}
    for paper in manifest["papers"]:
        got = sorted({r["iso"] for r in found.get(docs.get(paper["file"], ""), [])})
        if got != sorted(paper["submitters"]):
            wrong[paper["file"]] = (sorted(paper["submitters"]), got)
    return wrong


def check_coalitions(manifest: dict, store: Store, docs: dict[str, str]) -> Mismatches:
    found = by_doc(rows(store, """
        SELECT ?doc ?iso { ?doc npt:onBehalfOf ?c . ?c npt:hasMember ?s . ?s npt:isoCode ?iso }"""))
    wrong: Mismatches = {}
    for paper in manifest["papers"]:
        if not paper["coalition"]:
            continue
        got = sorted({r["iso"] for r in found.get(docs.get(paper["file"], ""), [])})
        if got != sorted(paper["coalition"]["members"]):
            wrong[paper["file"]] = (sorted(paper["coalition"]["members"]), got)
    return wrong


def check_meetings(manifest: dict, store: Store, docs: dict[str, str]) -> Mismatches:
    found = rows(store, """
        SELECT ?doc ?start ?end ?session ?city {
          ?doc npt:submittedTo ?m .
          OPTIONAL { ?m npt:startDate ?start } OPTIONAL { ?m npt:endDate ?end }
          OPTIONAL { ?m npt:sessionNumber ?session }
          OPTIONAL { ?m npt:city ?city FILTER(lang(?city) = "en") }
        }""")
    meetings = {r["doc"]: r for r in found}
    wrong: Mismatches = {}
    for paper in manifest["papers"]:
        m = paper["meeting"]
        got = meetings.get(docs.get(paper["file"], ""), {})
        expected = {"start": m["start"], "end": m["end"], "city": m["city"],
                    "session": str(m["session"]) if m["session"] else None}
        seen = {k: got.get(k) for k in expected}
        if seen != expected:
            wrong[paper["file"]] = (expected, seen)
    return wrong


def check_symbols_and_cycles(manifest: dict, store: Store, docs: dict[str, str]) -> Mismatches:
    """The printed symbol, and the review cycle wherever the paper prints it (masthead or symbol)."""
    symbols = {r["doc"]: r["symbol"] for r in rows(store, "SELECT ?doc ?symbol { ?doc npt:symbol ?symbol }")}
    cycles = {r["doc"]: int(r["cycle"]) for r in rows(store, """
        SELECT ?doc ?cycle { ?doc npt:submittedTo ?m .
          { ?m npt:cycleYear ?cycle } UNION { ?m npt:forReviewConference ?r . ?r npt:cycleYear ?cycle } }""")}
    wrong: Mismatches = {}
    for paper in manifest["papers"]:
        doc = docs.get(paper["file"], "")
        if symbols.get(doc) != paper["symbol"]:
            wrong[paper["file"] + " symbol"] = (paper["symbol"], symbols.get(doc))
        printed = paper["meeting"]["cycle_printed"] or paper["meeting"]["cycle_in_symbol"]
        if printed and cycles.get(doc) != paper["meeting"]["cycle"]:
            wrong[paper["file"] + " cycle"] = (paper["meeting"]["cycle"], cycles.get(doc))
    return wrong


def check_citations(manifest: dict, store: Store, docs: dict[str, str]) -> Mismatches:
    """Every cited UN symbol is linked with npt:cites from some text unit of the paper.

    A volume or part printed after the symbol may stay in the IRI (`NPT-CONF.2010-50-Vol.-I`).
    """
    found = by_doc(rows(store, "SELECT DISTINCT ?doc ?cited { ?u npt:inDocument ?doc ; npt:cites ?cited }"))
    wrong: Mismatches = {}
    for paper in manifest["papers"]:
        got = {r["cited"] for r in found.get(docs.get(paper["file"], ""), [])}
        lost = sorted(s for s in paper["citations"]
                      if not any(c == doc_iri(s) or c.startswith(doc_iri(s) + "-") for c in got))
        if lost:
            wrong[paper["file"]] = (lost, "not cited")
    return wrong


CHECKS: dict[str, Callable[[dict, Store, dict[str, str]], Mismatches]] = {
    "papers": check_papers,
    "paragraphs": check_paragraphs,
    "items": check_items,
    "footnotes": check_footnotes,
    "submitters": check_submitters,
    "coalitions": check_coalitions,
    "meetings": check_meetings,
    "symbols_and_cycles": check_symbols_and_cycles,
    "citations": check_citations,
}


def evaluate(manifest: dict, store: Store) -> dict:
    """Per check: papers checked, papers with a mismatch, the share right, and a few examples."""
    docs = documents(store)
    out: dict = {}
    n = len(manifest["papers"])
    for name, check in CHECKS.items():
        wrong = check(manifest, store, docs)
        papers_wrong = len({k.split(" ")[0] for k in wrong})
        total = sum(1 for p in manifest["papers"] if p["coalition"]) if name == "coalitions" else n
        out[name] = {
            "papers": total, "papers_wrong": papers_wrong,
            "share_right": round(1 - papers_wrong / total, 4) if total else None,
            "examples": {k: [str(v[0])[:200], str(v[1])[:200]] for k, v in sorted(wrong.items())[:5]},
        }
    return out


def report(manifest_dir: Path, graph: Path) -> dict:
    from kg.store import load_dataset

    manifest = json.loads((manifest_dir / "manifest.json").read_text(encoding="utf-8"))
    return evaluate(manifest, load_dataset(graph))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.accuracy", description=__doc__.splitlines()[0])
    p.add_argument("corpus", type=Path, help="directory with the generated papers and manifest.json")
    p.add_argument("graph", type=Path, help="the graph built from it")
    args = p.parse_args(argv)
    for name, r in report(args.corpus, args.graph).items():
        print(f"{name:20} {r['papers'] - r['papers_wrong']:5}/{r['papers']:<5} right")
        for k, (exp, got) in r["examples"].items():
            print(f"    {k}: expected {exp}, got {got}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
