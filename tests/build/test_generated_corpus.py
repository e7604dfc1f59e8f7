"""The builder reads papers it was never tuned on: synthetic papers checked against what the generator wrote.

`bench.generate` records in its manifest what it put in each paper (meeting, submitters, coalition,
paragraphs and the items under each, footnotes, cited symbols). The builder never sees the
manifest; these tests build a synthetic corpus and compare the graph with it, paper by paper,
with the checks of `bench.accuracy` (which the benchmark also reports at 1,000 papers).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from pyoxigraph import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # bench/ is a folder of the repository, not installed

from bench import accuracy, generate
from kg.store import load_dataset

N_PAPERS = 40
SEED = 7


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Store, object, dict[str, str]]:
    from kg.build import build_graph  # imported here so that a missing builder fails these tests, not collection

    root = tmp_path_factory.mktemp("generated")
    corpus = root / "papers"
    manifest = generate.generate_corpus(N_PAPERS, corpus, seed=SEED)
    out = root / "graph.ttl"
    summary = build_graph([corpus], out, strict=False)
    store = load_dataset(out)
    return manifest, store, summary, accuracy.documents(store)


def _report(wrong: dict) -> str:
    """One line per mismatch, so a failure shows every paper that was misread."""
    lines = (f"  {k}: expected {v[0]}, got {v[1]}" for k, v in sorted(wrong.items()))
    return f"{len(wrong)} mismatches:\n" + "\n".join(lines)


def _check(name: str, built: tuple) -> None:
    manifest, store, _summary, docs = built
    wrong = accuracy.CHECKS[name](manifest, store, docs)
    assert not wrong, _report(wrong)


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
        for para in paper["paragraphs"]:
            assert f"\n{para['number']}. " in text


def test_the_builder_reads_every_generated_paper_without_errors(built: tuple) -> None:
    manifest, _store, summary, docs = built
    assert sorted(docs) == sorted(p["file"] for p in manifest["papers"])
    assert summary.papers == len(manifest["papers"])
    assert not summary.errors, summary.errors


def test_each_paper_has_the_paragraphs_the_generator_wrote(built: tuple) -> None:
    _check("paragraphs", built)


def test_each_paragraph_has_the_items_the_generator_wrote(built: tuple) -> None:
    _check("items", built)


def test_each_paper_has_the_footnotes_the_generator_wrote(built: tuple) -> None:
    _check("footnotes", built)


def test_submitting_states_are_read_even_when_the_submitter_line_wraps(built: tuple) -> None:
    _check("submitters", built)


def test_coalition_members_are_read_from_the_submitter_line(built: tuple) -> None:
    _check("coalitions", built)


def test_meeting_city_dates_and_session_are_read(built: tuple) -> None:
    _check("meetings", built)


def test_printed_symbols_and_cycles_are_read(built: tuple) -> None:
    _check("symbols_and_cycles", built)


def test_cited_un_documents_are_linked(built: tuple) -> None:
    _check("citations", built)
