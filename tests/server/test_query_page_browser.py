"""The query page and the pages' Chinese in a real headless Chromium, against a real server.

Needs Debian's chromium and the npm assets (`make assets`); CI installs both.
"""

from __future__ import annotations

import json
import os
import urllib.parse
from pathlib import Path

import pytest
from browser import CHROMIUM, Browser
from test_server_sample import AUSTRIA, PAPER, QUERY_FILES, sample_config

from kg import vocab
from kg.commands.assets import PACKAGES, installed_package
from server import create_app
from server.app import close_app
from server.config import DEFAULT_ASSETS_DIR

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or any(installed_package(p) is None for p in PACKAGES),
    reason="needs chromium and the npm assets (make assets)")

MAX_ROWS = 40
EDITOR = "window.nptKgYasgui.getTab().getYasqe()"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, module_waitress_server):
    app = create_app(sample_config(tmp_path_factory.mktemp("browser"), assets_dir=DEFAULT_ASSETS_DIR,
                                   max_rows=MAX_ROWS, access_log=False))
    yield module_waitress_server(app, threads=6)
    close_app(app)


@pytest.fixture
def browser():
    b = Browser()
    yield b
    b.close()


def open_query_page(browser: Browser, url: str):
    page = browser.new_page()
    page.goto(url, ready="window.nptKgYasgui && document.querySelector('.CodeMirror') !== null")
    return page


def run_query(page, sparql: str) -> None:
    page.evaluate(f"{EDITOR}.setValue({json.dumps(sparql)}); void 0")
    page.evaluate(f"{EDITOR}.query(); void 0")
    page.wait_for("window.nptKgYasgui.getTab().getYasr().results && "
                  "window.nptKgYasgui.getTab().getYasr().results.getBindings().length > 0")


def test_named_queries_are_a_searchable_list_not_tabs(server, browser) -> None:
    page = open_query_page(browser, server.url + "/sparql")
    assert page.evaluate("document.querySelectorAll('#query-list li').length") == len(QUERY_FILES)
    assert page.evaluate("window.nptKgYasgui.persistentConfig.getTabs().length") == 1
    page.evaluate("var s = document.getElementById('query-search'); s.value = 'label'; "
                  "s.dispatchEvent(new Event('input'))")
    visible = page.evaluate("[...document.querySelectorAll('#query-list li')].filter(li => !li.hidden)"
                            ".map(li => li.dataset.name)")
    assert visible == ["states"]  # only its description mentions labels
    page.evaluate("document.querySelector('#query-list li[data-name=states] a').click()")
    page.wait_for(f"{EDITOR}.getValue().includes('NonNuclearWeaponState')")
    assert page.evaluate("window.nptKgYasgui.persistentConfig.getTabs().length") == 2


def test_a_share_link_reopens_the_query_in_a_fresh_browser(server, browser) -> None:
    page = open_query_page(browser, server.url + "/sparql")
    query = f"SELECT ?label WHERE {{ <{AUSTRIA}> ?p ?label }} # shared"
    page.evaluate(f"{EDITOR}.setValue({json.dumps(query)}); void 0")
    link = page.evaluate("window.nptKgYasgui.getTab().getShareableLink()")
    assert link.startswith(server.url + "/sparql#") and "query=" in link
    fresh = Browser()
    try:
        other = open_query_page(fresh, link)
        assert other.wait_for(f"{EDITOR}.getValue() === {json.dumps(query)}")
    finally:
        fresh.close()


def test_the_last_query_survives_a_reload(server, browser) -> None:
    page = open_query_page(browser, server.url + "/sparql")
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 3 # kept across reloads"
    page.evaluate(f"{EDITOR}.setValue({json.dumps(query)}); void 0")  # typed, never run, still focused
    page.goto(server.url + "/sparql", ready="window.nptKgYasgui && document.querySelector('.CodeMirror')")
    assert page.wait_for(f"{EDITOR}.getValue() === {json.dumps(query)}")


def test_result_iris_of_the_graph_open_the_local_page(server, browser) -> None:
    page = open_query_page(browser, server.url + "/sparql")
    run_query(page, f"SELECT ?state WHERE {{ ?state a <{vocab.NPT_NS}NonNuclearWeaponState> }}")
    hrefs = page.wait_for("(() => { const a = [...document.querySelectorAll('.yasr a')]"
                          ".map(a => a.getAttribute('href')).filter(h => h && h.includes('state/'));"
                          " return a.length ? a : null })()")
    assert "/id/state/AT" in hrefs and not any(h.startswith(vocab.ID_NS) for h in hrefs)


def test_a_result_cut_by_the_row_cap_says_so(server, browser) -> None:
    page = open_query_page(browser, server.url + "/sparql")
    run_query(page, "SELECT ?s WHERE { ?s a ?type }")  # the ontology alone has more than MAX_ROWS
    notice = page.wait_for("(() => { const n = document.getElementById('row-cap');"
                           " return n.hidden ? null : n.textContent })()")
    assert str(MAX_ROWS) in notice and "incomplete" in notice
    run_query(page, f"SELECT ?s WHERE {{ ?s a <{vocab.NPT_NS}NonNuclearWeaponState> }}")
    assert page.wait_for("document.getElementById('row-cap').hidden")


def test_select_results_chart_as_bars_and_as_a_pivot(server, browser) -> None:
    page = open_query_page(browser, server.url + "/sparql")
    run_query(page, "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY DESC(?n)")
    page.evaluate("window.nptKgYasgui.getTab().getYasr().selectPlugin('chart')")
    assert page.wait_for("document.querySelector('.npt-chart canvas') !== null && typeof Chart === 'function'")
    assert page.wait_for("Chart.getChart(document.querySelector('.npt-chart canvas')).data.labels.length > 3")
    page.evaluate("const v = document.querySelector('.npt-chart select[name=view]'); v.value = 'pivot';"
                  "v.dispatchEvent(new Event('change'))")
    cells = page.wait_for("document.querySelectorAll('table.npt-pivot tbody tr').length")
    assert cells > 3
    if os.environ.get("NPT_KG_SCREENSHOTS"):
        page.evaluate("const w = document.querySelector('.npt-chart select[name=view]'); w.value = 'bar';"
                      "w.dispatchEvent(new Event('change'))")
        page.wait_for("document.querySelector('.npt-chart canvas') !== null")
        page.screenshot(Path(os.environ["NPT_KG_SCREENSHOTS"]) / "screenshot-query.png", width=1280, height=1000)


def test_every_file_the_query_page_loads_is_local(server, browser) -> None:
    page = open_query_page(browser, server.url + "/sparql")
    run_query(page, "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type")
    page.evaluate("window.nptKgYasgui.getTab().getYasr().selectPlugin('chart')")
    names = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert names and all(n.startswith(server.url + "/") or n.startswith("data:") for n in names), names
    assert any("/assets/yasgui/" in n for n in names) and any("/assets/chartjs/" in n for n in names)


def test_chinese_renders_in_the_served_font_on_a_bare_machine(server, browser, tmp_path: Path) -> None:
    """The page asks for Noto Sans SC from this server and the browser uses it.

    The screenshot goes to $NPT_KG_SCREENSHOTS when set (docs/screenshot-chinese.png was taken so)."""
    page = browser.new_page()
    page.goto(server.url + "/id/" + urllib.parse.quote(PAPER[len(vocab.ID_NS):]))
    page.wait_for("document.fonts.status === 'loaded'")
    assert page.evaluate("document.fonts.check('16px \"Noto Sans SC\"', '奥地利')")
    assert "降低核风险的措施" in page.evaluate("document.body.innerText")
    loaded = page.evaluate("[...document.fonts].filter(f => f.family.includes('Noto Sans SC') "
                           "&& f.status === 'loaded').length")
    assert loaded >= 1
    fonts = [n for n in page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
             if n.endswith(".woff2")]
    assert fonts and all(n.startswith(server.url + "/assets/noto-sans-sc/") for n in fonts)
    shots = Path(os.environ.get("NPT_KG_SCREENSHOTS") or tmp_path)
    shot = page.screenshot(shots / "screenshot-chinese.png", width=1100, height=700)
    assert shot.stat().st_size > 10_000
