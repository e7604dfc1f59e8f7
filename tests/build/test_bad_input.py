"""Bad input through the real CLI: one clear line naming the file, exit 1, the previous graph intact.

Each case first builds a good graph, then builds again with `--strict` and one bad paper added
next to the good one, and checks the message, the exit code and that the good graph is
byte-identical. Without `--strict` the bad file is skipped with a warning naming it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, parse, serialize

from kg.commands import main

GOOD = """不扩散核武器条约缔约国
2026 年审议大会
筹备委员会

第一届会议

2023 年 7 月 31 日至 8 月 11 日，维也纳

减少核风险的措施

奥地利和墨西哥提交的工作文件

  建议

1. 我们建议采取以下措施：

(a) 解除核武器系统的高度戒备状态；

(b) 维持暂停核试验。
"""


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path, bytes]:
    papers = tmp_path / "papers"
    papers.mkdir()
    (papers / "good.txt").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "graph.ttl"
    assert main(["build", str(papers), "-o", str(out), "-q"]) == 0
    return papers, out, out.read_bytes()


def refused(papers: Path, out: Path, before: bytes, capsys: pytest.CaptureFixture[str], name: str) -> str:
    """Build again; the build must fail on `name` with one line and leave the graph as it was.

    Without --strict, the same build skips `name` with a warning and writes the good paper's graph."""
    capsys.readouterr()
    lenient = out.with_name("lenient.ttl")
    assert main(["build", str(papers), "-o", str(lenient)]) == 0
    warned = capsys.readouterr().err
    assert f"{name}" in warned and "warning:" in warned and "(skipped)" in warned and "Traceback" not in warned
    assert lenient.read_bytes() == before
    lenient.unlink()
    code = main(["build", "--strict", str(papers), "-o", str(out), "-q"])
    err = capsys.readouterr().err.strip()
    assert code == 1, err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("npt-kg: error: ") and name in err
    assert "Traceback" not in err
    assert out.read_bytes() == before
    assert [p for p in out.parent.iterdir() if p.name.endswith(".tmp")] == []
    return err


def ntriples(path: Path) -> list[str]:
    with path.open("rb") as f:
        return sorted(serialize(list(parse(f, format=RdfFormat.TURTLE)), format=RdfFormat.N_TRIPLES)
                      .decode("utf-8").splitlines())


def test_an_empty_file_is_refused(setup, capsys) -> None:
    papers, out, before = setup
    (papers / "empty.txt").write_bytes(b"")
    refused(papers, out, before, capsys, "empty.txt")


def test_a_binary_file_is_refused(setup, capsys) -> None:
    papers, out, before = setup
    (papers / "binary.txt").write_bytes(bytes(range(256)) * 40)
    refused(papers, out, before, capsys, "binary.txt")


def test_a_pdf_given_as_text_is_refused(setup, capsys) -> None:
    papers, out, before = setup
    (papers / "paper.txt").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
                                       + bytes(range(128, 256)) * 20)
    refused(papers, out, before, capsys, "paper.txt")


def test_a_50_mb_file_is_refused_without_reading_it_all(setup, capsys) -> None:
    papers, out, before = setup
    big = papers / "huge.txt"
    with big.open("wb") as f:
        line = ("核武器" * 30 + "\n").encode("utf-8")
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            f.write(line)
    err = refused(papers, out, before, capsys, "huge.txt")
    assert "MB" in err


def test_a_paper_with_no_header_is_refused_with_a_line(setup, capsys) -> None:
    papers, out, before = setup
    (papers / "noheader.txt").write_text("1. 核武器造成独特的挑战。\n\n2. 我们建议采取措施。\n", encoding="utf-8")
    err = refused(papers, out, before, capsys, "noheader.txt")
    assert "noheader.txt:" in err


def test_a_paper_with_only_a_header_is_refused(setup, capsys) -> None:
    papers, out, before = setup
    header_only = GOOD.split("  建议")[0]
    (papers / "onlyheader.txt").write_text(header_only, encoding="utf-8")
    refused(papers, out, before, capsys, "onlyheader.txt")


def test_gbk_and_utf16_papers_give_the_same_graph_as_utf8(tmp_path: Path) -> None:
    graphs = {}
    for enc in ("utf-8", "gbk", "utf-16"):
        d = tmp_path / enc
        d.mkdir()
        (d / "paper.txt").write_bytes(GOOD.encode(enc))
        out = tmp_path / f"{enc}.ttl"
        assert main(["build", str(d), "-o", str(out), "-q"]) == 0
        graphs[enc] = [t for t in ntriples(out) if "#sha256>" not in t]
    assert graphs["gbk"] == graphs["utf-8"]
    assert graphs["utf-16"] == graphs["utf-8"]
    assert any("解除核武器系统的高度戒备状态" in t for t in graphs["gbk"])


def test_unbalanced_brackets_in_items_do_not_break_the_build(tmp_path: Path) -> None:
    text = GOOD.replace("(b) 维持暂停核试验。", "(b) 维持暂停核试验（见第 3 段。\n\n(c) 停止生产裂变材料)。")
    (tmp_path / "p.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "g.ttl"
    assert main(["build", str(tmp_path), "-o", str(out), "-q"]) == 0
    assert any("维持暂停核试验（见第 3 段。" in t for t in ntriples(out))


def test_markup_in_a_paper_is_kept_verbatim_and_escaped_in_turtle(tmp_path: Path) -> None:
    evil = '<script>alert("x")</script> \\ 与"引号"'
    text = GOOD.replace("(b) 维持暂停核试验。", f"(b) 维持暂停核试验 {evil}。")
    (tmp_path / "p.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "g.ttl"
    assert main(["build", str(tmp_path), "-o", str(out), "-q"]) == 0
    with out.open("rb") as f:
        texts = [t.object.value for t in parse(f, format=RdfFormat.TURTLE) if t.predicate.value.endswith("#text")]
    assert any(evil in t for t in texts)
