"""`npt-kg plot`: the pictures of /explore as SVG and PNG files, from the seed graph."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyoxigraph import QuerySolutions

from kg import resources
from kg.build import build_graph
from kg.commands import main
from kg.commands.plot import font_dirs, rows_of
from kg.store import load_dataset
from kg.store.library import load_library
from server import charts

pytest.importorskip("vl_convert")


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plot") / "npt-kg.ttl"
    build_graph([resources.SEEDS_DIR], out)
    return out


def rows(graph: Path, view: charts.View) -> list[dict]:
    results = load_dataset(graph).query(load_library()[view.query].sparql, use_default_graph_as_union=True)
    assert isinstance(results, QuerySolutions)
    return rows_of(results)


def marks_in(svg: str, mark: str) -> int:
    """Items of a named mark in vl-convert's SVG: the <path> children of its group."""
    start = svg.index(f'role-mark {mark}"')
    group = svg[start:svg.index("</g>", start)]
    return len(re.findall(r"<path ", group))


@pytest.mark.parametrize("name", list(charts.VIEWS))
def test_plot_writes_an_svg_with_one_mark_per_data_point(graph: Path, tmp_path: Path, name: str, capsys) -> None:
    view = charts.VIEWS[name]
    data = rows(graph, view)
    want = len({r["source"] for r in data} | {r["target"] for r in data}) if view.kind == "vega" else len(data)
    out = tmp_path / f"{name}.svg"
    assert main(["plot", name, "-o", str(out), "--graph", str(graph)]) == 0
    svg = out.read_text(encoding="utf-8")
    assert svg.startswith("<svg")
    assert want > 0 and marks_in(svg, view.mark) == want
    assert f"{len(data)} rows" in capsys.readouterr().out


@pytest.mark.skipif(not font_dirs(None), reason="no CJK font (fonts-wqy-microhei) installed")
def test_plot_in_chinese_labels_with_the_chinese_names_and_renders_a_png(graph: Path, tmp_path: Path) -> None:
    view = charts.VIEWS["measure-types-by-paper"]
    first = rows(graph, view)[0]
    svg = tmp_path / "zh.svg"
    assert main(["plot", view.name, "-o", str(svg), "--lang", "zh", "--graph", str(graph)]) == 0
    text = svg.read_text(encoding="utf-8")
    assert first["typeLabelZh"] in text and first["typeLabelEn"] not in text
    png = tmp_path / "zh.png"
    assert main(["plot", view.name, "-o", str(png), "--lang", "zh", "--graph", str(graph)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5_000


@pytest.mark.parametrize(("argv", "message"), [
    (["plot", "no-such-picture", "-o", "x.svg"], "unknown picture"),
    (["plot", "timeline", "-o", "x.pdf"], "write .svg or .png"),
    (["plot", "timeline", "-o", "x.svg", "--font-dir", "no/such/dir"], "--font-dir is not a folder"),
])
def test_plot_refuses_bad_arguments_in_one_line_and_writes_nothing(argv, message, tmp_path: Path, graph: Path,
                                                                   capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main([*argv, "--graph", str(graph)]) != 0
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err
    assert not list(tmp_path.glob("x.*"))
