"""`npt-kg build` and `kg.build.build_graph`: output, determinism, atomic writes, strictness, coalitions.

Papers are small texts written here in the layout of the genre (cover block, submitter line,
numbered paragraphs, lettered items), built through the real parser and the real CLI.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store, parse, serialize

from kg import vocab
from kg.build import BuildSummary, build_graph
from kg.commands import main
from kg.errors import UserError
from kg.store import load_dataset

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

PAPER = """{symbol}

不扩散核武器条约缔约国
2026 年审议大会
筹备委员会

第三届会议

2025 年 4 月 28 日至 5 月 9 日，纽约

{title}

{submitter}提交的工作文件

  建议

1. {para1}

(a) 解除核武器系统的高度戒备状态；

(b) 谴责一切核威胁。

2. 可能导致风险增加的因素包括：

• 网络攻击

• 人工智能
"""


def write_paper(path: Path, *, symbol: str = "", title: str = "关于降低核风险的工作文件",
                submitter: str = "奥地利", para1: str = "我们建议缔约国采取以下措施：") -> Path:
    path.write_text(PAPER.format(symbol=symbol, title=title, submitter=submitter, para1=para1), encoding="utf-8")
    return path


def rows(store: Store, sparql: str) -> list[tuple[str, ...]]:
    return sorted(tuple(t.value for t in r) for r in
                  store.query(vocab.sparql_prefixes() + sparql, use_default_graph_as_union=True))


def sorted_ntriples(path: Path) -> list[str]:
    with path.open("rb") as f:
        triples = list(parse(f, format=RdfFormat.TURTLE))
    return sorted(serialize(triples, format=RdfFormat.N_TRIPLES).decode("utf-8").splitlines())


def test_build_graph_returns_a_summary_and_writes_turtle(tmp_path: Path) -> None:
    write_paper(tmp_path / "a.txt")
    out = tmp_path / "out" / "g.ttl"
    s = build_graph([tmp_path], out)
    assert isinstance(s, BuildSummary)
    assert (s.papers, s.paragraphs, s.measures, s.risks) == (1, 2, 2, 2)
    assert s.triples == len(sorted_ntriples(out))
    assert s.errors == [] and s.warnings == []
    text = out.read_text(encoding="utf-8")
    assert text.startswith("@prefix")
    assert "npt:WorkingPaper" in text


def test_the_cli_prints_one_summary_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_paper(tmp_path / "a.txt")
    out = tmp_path / "g.ttl"
    assert main(["build", str(tmp_path / "a.txt"), "-o", str(out), "-q"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    assert len(lines) == 1
    assert "1 papers" in lines[0] and "2 measures" in lines[0] and "triples" in lines[0]
    assert captured.err == ""


def test_two_builds_of_the_same_input_are_identical(tmp_path: Path) -> None:
    a, b = tmp_path / "a.ttl", tmp_path / "b.ttl"
    build_graph([SEEDS], a)
    build_graph([SEEDS], b)
    assert sorted_ntriples(a) == sorted_ntriples(b)
    assert a.read_bytes() == b.read_bytes()


def test_a_symbol_names_the_paper_and_is_recorded(tmp_path: Path) -> None:
    write_paper(tmp_path / "a.txt", symbol="NPT/CONF.2026/PC.III/WP.7")
    out = tmp_path / "g.ttl"
    build_graph([tmp_path], out)
    store = load_dataset(out)
    assert rows(store, "SELECT ?d ?s { ?d a npt:WorkingPaper ; npt:symbol ?s }") == [
        (vocab.ID_NS + "doc/NPT-CONF.2026-PC.III-WP.7", "NPT/CONF.2026/PC.III/WP.7")]


def test_a_coalition_learned_in_one_paper_is_known_by_name_in_another(tmp_path: Path) -> None:
    # the paper naming the coalition in its text sorts first; the one introducing it comes later
    write_paper(tmp_path / "a.txt", para1="我们同太平洋裁军之友集团一道，建议采取以下措施：")
    write_paper(tmp_path / "b.txt", submitter="斐济代表太平洋裁军之友集团(斐济、瓦努阿图和萨摩亚)")
    write_paper(tmp_path / "c.txt", submitter="萨摩亚代表太平洋裁军之友集团")
    out = tmp_path / "g.ttl"
    s = build_graph([tmp_path], out)
    assert s.coalitions_learned == 1
    store = load_dataset(out)
    (coalition,) = {r[0] for r in rows(store, "SELECT ?c { ?c a npt:Coalition }")}
    assert rows(store, "SELECT ?iso { ?c a npt:Coalition ; npt:hasMember/npt:isoCode ?iso }") == [
        ("FJ",), ("VU",), ("WS",)]
    assert rows(store, "SELECT ?f { ?d npt:onBehalfOf ?c ; npt:sourceFile ?f }") == [("b.txt",), ("c.txt",)]
    mentioned = rows(store, "SELECT ?f { ?u npt:mentions ?c . ?c a npt:Coalition . "
                            "?u npt:inDocument/npt:sourceFile ?f }")
    assert mentioned == [("a.txt",)]
    assert rows(store, "SELECT ?l { ?c a npt:Coalition ; rdfs:label ?l FILTER(lang(?l) = 'zh') }") == [
        ("太平洋裁军之友集团",)]
    assert coalition.startswith(vocab.ID_NS + "coalition/")


def test_a_failing_build_leaves_the_previous_output_byte_identical(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    papers = tmp_path / "papers"
    papers.mkdir()
    write_paper(papers / "a.txt")
    out = tmp_path / "g.ttl"
    assert main(["build", str(papers), "-o", str(out), "-q"]) == 0
    before = out.read_bytes()
    (papers / "b.txt").write_bytes(b"")
    assert main(["build", "--strict", str(papers), "-o", str(out), "-q"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("npt-kg: error: ") and "b.txt" in err
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_strict_turns_a_parse_warning_into_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "a.txt"
    # paragraph 3 follows paragraph 1: the parser reads it but warns about the gap
    write_paper(p)
    p.write_text(p.read_text(encoding="utf-8").replace("2. 可能", "3. 可能"), encoding="utf-8")
    out = tmp_path / "g.ttl"
    assert main(["build", str(p), "-o", str(out)]) == 0
    first = capsys.readouterr()
    assert f"{p}:" in first.err and ": warning: " in first.err
    assert main(["build", str(p), "-o", str(tmp_path / "strict.ttl"), "--strict"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"npt-kg: error: {p}:") and "--strict" in err
    assert not (tmp_path / "strict.ttl").exists()


def test_a_missing_path_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(tmp_path / "nope"), "-o", str(tmp_path / "g.ttl")]) == 1
    assert "nope: no such file or directory" in capsys.readouterr().err


def test_an_empty_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no papers"):
        build_graph([tmp_path], tmp_path / "g.ttl")


def test_the_same_symbol_in_two_files_keeps_two_papers(tmp_path: Path) -> None:
    write_paper(tmp_path / "a.txt", symbol="NPT/CONF.2026/PC.III/WP.7")
    write_paper(tmp_path / "b.txt", symbol="NPT/CONF.2026/PC.III/WP.7")
    out = tmp_path / "g.ttl"
    s = build_graph([tmp_path], out)
    assert len(s.warnings) == 1 and "b.txt" in s.warnings[0]
    store = load_dataset(out)
    assert rows(store, "SELECT ?d { ?d a npt:WorkingPaper }") == [
        (vocab.ID_NS + "doc/NPT-CONF.2026-PC.III-WP.7",), (vocab.ID_NS + "doc/b",)]
