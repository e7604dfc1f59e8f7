"""Every command, given a bad path or file, says what is wrong in one line and exits non-zero: no traceback.

Each case runs the real CLI entry point; the message must name the path the user gave.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.commands import main

GRAPH_COMMANDS = (["stats"], ["query", "papers"], ["export"], ["validate"], ["dist", "-o", "DIST"])


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(argv)
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err
    return code, err


@pytest.fixture
def bad_files(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "a-directory").mkdir()
    (tmp_path / "latin1.ttl").write_bytes(b"<urn:a> <urn:b> \"caf\xe9\" .\n")
    (tmp_path / "notes.txt").write_text("These are notes, not Turtle.\n", encoding="utf-8")
    return {"directory": tmp_path / "a-directory", "not UTF-8": tmp_path / "latin1.ttl",
            "not Turtle": tmp_path / "notes.txt", "missing": tmp_path / "typo.ttl"}


@pytest.mark.parametrize("command", GRAPH_COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize("kind", ["directory", "not UTF-8", "not Turtle", "missing"])
def test_a_bad_graph_is_one_line_naming_it(capsys, tmp_path: Path, bad_files, command: list[str], kind: str) -> None:
    graph = bad_files[kind]
    argv = [a.replace("DIST", str(tmp_path / "dist")) for a in command]
    code, err = run(capsys, [*argv, "--graph", str(graph)])
    assert code != 0
    assert err.startswith("npt-kg: error: ") and str(graph) in err and len(err.splitlines()) == 1, err


def test_a_graph_path_that_does_not_exist_is_not_built(capsys, tmp_path: Path) -> None:
    typo = tmp_path / "typo.ttl"
    code, err = run(capsys, ["query", "papers", "--graph", str(typo)])
    assert code == 1 and "no such file" in err
    assert not typo.exists() and list(tmp_path.iterdir()) == []


def test_help_says_only_the_default_graph_is_built(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["query", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "only the default is built from the seed papers when missing" in text


def test_build_into_a_directory_is_refused(capsys, tmp_path: Path) -> None:
    code, err = run(capsys, ["build", "-o", str(tmp_path)])
    assert code == 1 and str(tmp_path) in err and "is a directory" in err


def test_a_query_file_that_does_not_exist_is_named(capsys, tmp_path: Path) -> None:
    code, err = run(capsys, ["query", str(tmp_path / "mine.rq")])
    assert code == 2 and "mine.rq: no such query file" in err


def test_a_truncated_utf8_paper_says_so_with_the_offset(capsys, tmp_path: Path) -> None:
    paper = tmp_path / "cut.txt"
    text = "不扩散核武器条约缔约国\n2026 年审议大会\n".encode()
    paper.write_bytes(text[:-2])  # the last character loses one of its three bytes (and the newline)
    code, err = run(capsys, ["build", "--strict", str(paper), "-o", str(tmp_path / "g.ttl")])
    assert code == 1
    assert "cut off in the middle of a character" in err and f"byte offset {len(text) - 4}" in err
