"""The /explore page in a real headless Chromium, served by a real waitress server over the seed graph.

Each picture must draw an SVG with one mark per data point of its named query — the count is
taken from the query's own rows, fetched over HTTP like any client would — and the page must
say nothing on the console (a Content-Security-Policy violation or a failed request would).
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import chromium
import pytest

from kg import resources
from kg.build import build_graph
from kg.commands.assets import DEFAULT_DEST
from server import charts, create_app
from server.config import ServerConfig
from server.explore import SCRIPTS

pytestmark = [
    pytest.mark.skipif(not chromium.available(), reason="Debian's chromium is not installed"),
    pytest.mark.skipif(not all((DEFAULT_DEST / k / f).is_file() for k, f in SCRIPTS),
                       reason="Vega is not installed (npt-kg assets install)"),
]

ALL_DRAWN = """(function () {
  var charts = Array.from(document.querySelectorAll('.chart'));
  var states = charts.map(function (e) { return e.dataset.state; });
  return states.every(function (s) { return s === 'rendered' || s === 'error'; }) ? states : null;
})()"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, module_waitress_server):
    out = tmp_path_factory.mktemp("explore") / "npt-kg.ttl"
    build_graph([resources.SEEDS_DIR], out)
    app = create_app(ServerConfig(graph=out, use_workers=False, assets_dir=DEFAULT_DEST))
    return module_waitress_server(app)


@pytest.fixture(scope="module")
def page(server) -> Iterator[chromium.Page]:
    with chromium.browser() as page:
        page.goto(server.url + "/explore")
        states = page.wait_for(ALL_DRAWN, timeout=60)
        assert states == ["rendered"] * len(charts.VIEWS), f"pictures not drawn: {states}"
        yield page


def rows_over_http(server, query: str, **bound: str) -> list[dict]:
    """A named query's SELECT results, as JSON from this server."""
    args = urllib.parse.urlencode({**bound, "format": "json"})
    resp = server.get(f"/explore/data/{query}?{args}")
    assert resp.status == 200, resp.text
    return json.loads(resp.body)["results"]["bindings"]


def expected_marks(server, view: charts.View) -> int:
    rows = rows_over_http(server, view.query)
    if view.kind == "vega":  # the network: one node per distinct source or target
        return len({r["source"]["value"] for r in rows} | {r["target"]["value"] for r in rows})
    return len(rows)


def marks(page: chromium.Page, view: charts.View) -> int | None:
    return page.evaluate(f"""(function () {{
      var g = document.querySelector('.chart[data-view="{view.name}"] svg g.role-mark.{view.mark}');
      return g ? g.querySelectorAll(':scope > path').length : null;
    }})()""")


@pytest.mark.parametrize("name", list(charts.VIEWS))
def test_each_picture_draws_one_mark_per_row_of_its_named_query(server, page: chromium.Page, name: str) -> None:
    view = charts.VIEWS[name]
    want = expected_marks(server, view)
    assert want > 0, f"{view.query} has no rows on the seed graph"
    assert marks(page, view) == want


def test_the_page_says_nothing_on_the_console(page: chromium.Page) -> None:
    assert page.errors == []


def test_every_page_header_links_to_explore(server) -> None:
    for path in ("/", "/queries", "/explore"):
        assert 'href="/explore"' in server.get(path, headers={"Accept": "text/html"}).text


def test_the_language_switch_redraws_the_labels_in_chinese(server, page: chromium.Page) -> None:
    view = charts.VIEWS["measure-types-by-paper"]
    row = rows_over_http(server, view.query)[0]
    zh, en = row["typeLabelZh"]["value"], row["typeLabelEn"]["value"]
    text = f"document.querySelector('.chart[data-view=\"{view.name}\"] svg').textContent"
    assert en in page.evaluate(text)
    page.evaluate("document.querySelector('[data-set-lang=\"zh\"]').click()")
    drawn = page.wait_for("""(function () {
      var charts = Array.from(document.querySelectorAll('.chart'));
      return charts.every(function (e) { return e.dataset.lang === 'zh' && e.dataset.state === 'rendered'; });
    })()""")
    assert drawn
    assert zh in page.evaluate(text) and en not in page.evaluate(text)
    assert marks(page, view) == len(rows_over_http(server, view.query))
    assert page.errors == []
    page.evaluate("document.querySelector('[data-set-lang=\"en\"]').click()")
    page.wait_for("Array.from(document.querySelectorAll('.chart')).every(e => e.dataset.lang === 'en' "
                  "&& e.dataset.state === 'rendered')")


def test_a_heat_map_cell_opens_the_measures_behind_it(server, page: chromium.Page) -> None:
    view = charts.VIEWS["measure-types-by-paper"]
    box = page.evaluate(f"""(function () {{
      var cell = document.querySelector('.chart[data-view="{view.name}"] svg g.role-mark.{view.mark} > path');
      cell.scrollIntoView({{block: 'center', inline: 'center'}});
      var r = cell.getBoundingClientRect();
      return {{x: r.left + r.width / 2, y: r.top + r.height / 2}};
    }})()""")
    for kind in ("mousePressed", "mouseReleased"):
        page.call("Input.dispatchMouseEvent", type=kind, x=box["x"], y=box["y"], button="left", clickCount=1)
    url = page.wait_for("location.pathname === '/explore/data/explore-measures' ? location.href : null")
    assert url, "clicking a cell did not open the measures behind it"
    page.wait_for("document.readyState === 'complete'")
    args = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    cell = next(r for r in rows_over_http(server, view.query)
                if r["paper"]["value"] == args["paper"] and r["type"]["value"] == args["type"])
    listed = page.evaluate("document.querySelectorAll('table.results tbody tr').length")
    assert listed == int(cell["measures"]["value"])
    assert page.errors == []
    page.goto(server.url + "/explore")
    assert page.wait_for(ALL_DRAWN, timeout=60)


def test_screenshots_for_the_docs(page: chromium.Page, server, tmp_path: Path) -> None:
    """The page as a person sees it; `NPT_KG_SCREENSHOTS=docs/` keeps the pictures for the README."""
    import os

    out = Path(os.environ.get("NPT_KG_SCREENSHOTS") or tmp_path)
    for name in charts.VIEWS:
        page.evaluate(f"document.getElementById('view-{name}').scrollIntoView()")
        target = out / f"explore-{name}.png"
        page.screenshot(target)
        assert target.stat().st_size > 10_000
