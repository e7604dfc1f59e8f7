"""`npt-kg plot NAME -o FILE.svg|FILE.png`: the pictures of `/explore`, for reports.

The view's named query runs on the built graph and its rows fill the same Vega-Lite (or Vega)
spec the page draws (`server.charts`); vl-convert renders it without a browser. Chinese labels
need a CJK font: the Debian package fonts-wqy-microhei (installed by `.ci/run`) is found in its
usual folder, or `--font-dir` names another folder of .ttf/.otf/.ttc files.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, QuerySolutions

from kg.commands.graphfile import load_graph
from kg.commands.query import execute
from kg.errors import UserError
from kg.store.library import resolve
from kg.util.atomic import write_atomically
from server import charts

#: Where Debian's CJK font packages put their files (fonts-wqy-microhei, fonts-noto-cjk).
FONT_DIRS = (Path("/usr/share/fonts/truetype/wqy"), Path("/usr/share/fonts/opentype/noto"),
             Path("/usr/share/fonts/truetype/noto"))
_NUMERIC = {"http://www.w3.org/2001/XMLSchema#" + t
            for t in ("integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger")}
SUFFIXES = (".svg", ".png")
_FONT_FILES = {".ttf", ".ttc", ".otf"}


def rows_of(solutions: QuerySolutions) -> list[dict[str, Any]]:
    """SELECT results as the rows a spec reads: numbers as numbers, IRIs as strings, with `xHref`."""
    names = [v.value for v in solutions.variables]
    rows = []
    for solution in solutions:
        row: dict[str, Any] = {}
        for name in names:
            term = solution[name]
            if term is None:
                continue
            if isinstance(term, NamedNode):
                row[name] = row[name + "Href"] = term.value
            elif isinstance(term, Literal) and term.datatype.value in _NUMERIC:
                row[name] = float(term.value) if "." in term.value or "e" in term.value.lower() else int(term.value)
            else:
                row[name] = term.value
        rows.append(row)
    return rows


def font_dirs(extra: Path | None) -> list[Path]:
    """The folders with a CJK font to hand to vl-convert."""
    if extra is not None:
        if not extra.is_dir():
            raise UserError(f"{extra}: --font-dir is not a folder")
        return [extra]
    return [d for d in FONT_DIRS if d.is_dir() and any(f.suffix.lower() in _FONT_FILES for f in d.iterdir())]


def render(spec: dict[str, Any], kind: str, suffix: str, scale: float = 2.0) -> str | bytes:
    """SVG text or PNG bytes of a spec."""
    import vl_convert as vlc  # imported late: a large extension only this command needs

    if kind == "vega":
        return vlc.vega_to_svg(spec) if suffix == ".svg" else vlc.vega_to_png(spec, scale=scale)
    if suffix == ".svg":
        return vlc.vegalite_to_svg(spec, vl_version=charts.VEGA_LITE_VERSION)
    return vlc.vegalite_to_png(spec, vl_version=charts.VEGA_LITE_VERSION, scale=scale)


def run(args: argparse.Namespace) -> int:
    """Run the view's query, fill its spec, write the picture."""
    if args.name not in charts.VIEWS:
        raise UserError(f"unknown picture {args.name!r}; available: {', '.join(charts.VIEWS)}", exit_code=2)
    out = Path(args.output)
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise UserError(f"{out}: write .svg or .png (the picture's format is taken from the file name)", exit_code=2)
    if out.is_dir():
        raise UserError(f"{out}: is a folder; give a file name ending in .svg or .png")
    try:
        import vl_convert as vlc
    except ImportError as exc:
        raise UserError("npt-kg plot needs vl-convert-python: pip install 'npt-kg[plot]'") from exc
    dirs = font_dirs(args.font_dir)
    if args.lang == "zh" and not dirs:
        raise UserError("no Chinese font found for --lang zh: install fonts-wqy-microhei, or pass --font-dir")
    for d in dirs:
        vlc.register_font_directory(str(d))
    view = charts.VIEWS[args.name]
    store = load_graph(Path(args.graph))
    results = execute(store, resolve(view.query))
    assert isinstance(results, QuerySolutions), f"{view.query} is a SELECT query"
    rows = rows_of(results)
    try:
        picture = render(charts.spec(view.name, args.lang, rows), view.kind, suffix, scale=args.scale)
    except (ValueError, RuntimeError) as exc:
        raise UserError(f"{args.name}: could not draw the picture: {' '.join(str(exc).split())[:300]}") from exc
    write_atomically(out, picture)
    print(f"{args.name}: {len(rows)} rows -> {out}")
    return 0
