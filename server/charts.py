"""The pictures of `/explore` as data: which named query feeds each view, and its Vega(-Lite) spec.

The browser (`static/explore.js`, with vega-embed) and the command line (`npt-kg plot`, with
vl-convert) draw the same specs from the same named queries, so a picture in a report is the
picture on the page. A spec reads its rows from the dataset `rows`: the query's SELECT results
as plain values (numbers as numbers, IRIs as strings), plus, for every IRI column `x`, a column
`xHref` with the page to open. Bilingual columns come in pairs (`typeLabelEn`, `typeLabelZh`);
`spec(name, lang)` adds the transform that picks one language, so the rows never change with the
language switch. No Flask here: the command line imports this module without an app.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
VEGA_SCHEMA = "https://vega.github.io/schema/vega/v5.json"
#: The Vega-Lite release the specs are written for: the browser loads this version from npm and
#: vl-convert is asked for the same one, so both compile a spec identically.
VEGA_LITE_VERSION = "5.21"
LANGS = ("en", "zh")
#: Fonts tried in order; the Chinese one is the Debian font the project installs (fonts-wqy-microhei).
FONT = "Helvetica Neue, Arial, WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif"
#: The dataset every spec reads.
ROWS = "rows"

Text = dict[str, str]


def _t(en: str, zh: str) -> Text:
    return {"en": en, "zh": zh}


@dataclass(frozen=True)
class View:
    """One picture: its named query, its spec, what a person reads about it, where its marks link to."""

    name: str
    query: str
    title: Text
    description: Text
    kind: str  # "vega-lite" | "vega"
    #: The named mark whose items are the data points (cells, nodes, bubbles): what tests count.
    mark: str
    #: Bilingual columns: the column the spec reads, made from `<column>En` / `<column>Zh`.
    labels: tuple[str, ...]
    #: Extra link columns: name → (named query, {its VALUES variable: the row's column}); the page links
    #: each mark to that query's table with the variables bound to the mark's row.
    links: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)


def _heatmap(x: str, x_title: Text, x_sort: str, y: str, y_title: Text, count: str, count_title: Text,
             tooltip: list[dict[str, Any]], scheme: str) -> dict[str, Any]:
    """Rows are cells; the y axis is ordered by its row totals, the x axis by a total column."""
    enc_x = {"field": x, "type": "nominal", "title": x_title,
             "sort": {"field": x_sort, "op": "max", "order": "descending"},
             "axis": {"labelAngle": -50, "labelLimit": 160, "orient": "top"}}
    enc_y = {"field": y, "type": "nominal", "title": y_title,
             "sort": {"field": count, "op": "sum", "order": "descending"},
             "axis": {"labelLimit": 260}}
    return {
        "width": {"step": 22},
        "height": {"step": 18},
        # the link on both layers: the count printed on a cell is clicked as often as the cell
        "encoding": {"x": enc_x, "y": enc_y, "href": {"field": "href"}},
        "layer": [
            {
                "name": "cells",
                "mark": {"type": "rect", "cursor": "pointer", "stroke": "#fff", "strokeWidth": 1},
                "encoding": {
                    "color": {"field": count, "type": "quantitative", "title": count_title,
                              "scale": {"scheme": scheme, "domainMin": 0}},
                    "tooltip": tooltip,
                },
            },
            {
                "mark": {"type": "text", "fontSize": 10, "cursor": "pointer"},
                "encoding": {
                    "text": {"field": count, "type": "quantitative"},
                    "color": {"condition": {"test": f"datum['{count}'] > 3", "value": "white"},
                              "value": "#222"},
                },
            },
        ],
    }


_MEASURES = _t("measures", "措施")
_PAPER = _t("paper", "工作文件")
_MEASURE_TYPE = _t("measure type", "措施类型")


def _cell_href(paper_or_actor: str) -> tuple[str, dict[str, str]]:
    return ("explore-measures", {paper_or_actor: paper_or_actor, "type": "type"})


VIEWS: dict[str, View] = {}


def _add(view: View) -> None:
    VIEWS[view.name] = view


_add(View(
    name="measure-types-by-paper",
    query="explore-measure-types-by-paper",
    title=_t("Measure types × papers", "措施类型 × 工作文件"),
    description=_t("How many measures of each type each paper proposes. Click a cell for the measures behind it.",
                   "每份工作文件提议的各类措施数量。点击单元格查看相应措施。"),
    kind="vega-lite", mark="cells_marks",
    labels=("typeLabel", "paperLabel"),
    links={"href": _cell_href("paper")},
    body=_heatmap("paperName", _PAPER, "paperTotal", "typeLabel", _MEASURE_TYPE, "measures", _MEASURES,
                  [{"field": "paperName", "title": _PAPER}, {"field": "paperLabel", "title": _t("title", "标题")},
                   {"field": "typeLabel", "title": _MEASURE_TYPE}, {"field": "measures", "title": _MEASURES}],
                  "blues"),
))
_add(View(
    name="measure-types-by-submitter",
    query="explore-measure-types-by-submitter",
    title=_t("Measure types × submitting states and coalitions", "措施类型 × 提交国和国家集团"),
    description=_t("How many measures of each type the papers of each state or coalition propose.",
                   "各国和国家集团提交的工作文件中各类措施的数量。"),
    kind="vega-lite", mark="cells_marks",
    labels=("typeLabel", "actorLabel"),
    links={"href": _cell_href("actor")},
    body=_heatmap("actorLabel", _t("submitted by or on behalf of", "提交方或代表方"), "actorTotal",
                  "typeLabel", _MEASURE_TYPE, "measures", _MEASURES,
                  [{"field": "actorLabel", "title": _t("state or coalition", "国家或国家集团")},
                   {"field": "typeLabel", "title": _MEASURE_TYPE}, {"field": "measures", "title": _MEASURES},
                   {"field": "papers", "title": _t("papers", "工作文件")}],
                  "greens"),
))
_add(View(
    name="risk-types-by-paper",
    query="explore-risk-types-by-paper",
    title=_t("Risk types × papers", "风险类型 × 工作文件"),
    description=_t("How many risks of each type each paper identifies. Click a cell for the risks behind it.",
                   "每份工作文件指出的各类风险数量。点击单元格查看相应风险。"),
    kind="vega-lite", mark="cells_marks",
    labels=("typeLabel", "paperLabel"),
    links={"href": ("explore-risks", {"paper": "paper", "type": "type"})},
    body=_heatmap("paperName", _PAPER, "paperTotal", "typeLabel", _t("risk type", "风险类型"), "risks",
                  _t("risks", "风险"),
                  [{"field": "paperName", "title": _PAPER}, {"field": "paperLabel", "title": _t("title", "标题")},
                   {"field": "typeLabel", "title": _t("risk type", "风险类型")},
                   {"field": "risks", "title": _t("risks", "风险")}],
                  "oranges"),
))
_add(View(
    name="timeline",
    query="explore-timeline",
    title=_t("Papers by meeting and main measure type", "按会议和主要措施类型排列的工作文件"),
    description=_t("Each bubble: the papers of a meeting whose measures are mostly of one type. "
                   "Click a bubble for the meeting.",
                   "每个气泡：某次会议上以某类措施为主的工作文件。点击气泡查看该会议。"),
    kind="vega-lite", mark="bubbles_marks",
    labels=("meetingLabel", "mainTypeLabel"),
    body={
        "width": {"step": 90},
        "height": {"step": 22},
        "layer": [{
            "name": "bubbles",
            "mark": {"type": "circle", "cursor": "pointer", "opacity": 0.85},
            "encoding": {
                "x": {"field": "meetingLabel", "type": "ordinal", "title": _t("meeting", "会议"),
                      "sort": {"field": "startDate", "op": "min", "order": "ascending"},
                      "axis": {"labelAngle": -30, "labelLimit": 200}},
                "y": {"field": "mainTypeLabel", "type": "nominal", "title": _t("main measure type", "主要措施类型"),
                      "sort": {"field": "papers", "op": "sum", "order": "descending"},
                      "axis": {"labelLimit": 260}},
                "size": {"field": "papers", "type": "quantitative", "title": _t("papers", "工作文件"),
                         "scale": {"range": [60, 900]}},
                "color": {"field": "mainTypeLabel", "type": "nominal", "legend": None,
                          "scale": {"scheme": "tableau20"}},
                "href": {"field": "meetingHref"},
                "tooltip": [{"field": "meetingLabel", "title": _t("meeting", "会议")},
                            {"field": "startDate", "title": _t("opened", "开幕")},
                            {"field": "mainTypeLabel", "title": _t("main measure type", "主要措施类型")},
                            {"field": "papers", "title": _t("papers", "工作文件")},
                            {"field": "paperNamesShort", "title": _t("which", "文件")}],
            },
        }],
        "transform": [{"calculate": "length(datum.paperNames) > 120 ? substring(datum.paperNames, 0, 120) + '…' "
                                    ": datum.paperNames", "as": "paperNamesShort"}],
    },
))

_NODE_COLORS = {"domain": ["paper", "state", "coalition", "organization"],
                "range": ["#4c78a8", "#f58518", "#54a24b", "#b279a2"]}
_add(View(
    name="network",
    query="explore-network",
    title=_t("States, coalitions and papers", "国家、国家集团与工作文件"),
    description=_t("Papers (blue) linked to the states that submitted them, the coalitions they speak for, the "
                   "actors their measures address, and the coalitions' members. Click a node for its page.",
                   "工作文件（蓝色）与提交国、所代表的国家集团、其措施所针对的行为方以及国家集团成员之间的联系。"
                   "点击节点打开其页面。"),
    kind="vega", mark="nodes",
    labels=("sourceLabel", "targetLabel"),
    body={
        "width": 900, "height": 640, "padding": 10, "autosize": "none",
        "data": [
            {"name": "sources", "source": ROWS, "transform": [
                {"type": "project", "fields": ["source", "sourceKind", "sourceLabel", "sourceHref"],
                 "as": ["id", "kind", "label", "href"]}]},
            {"name": "targets", "source": ROWS, "transform": [
                {"type": "project", "fields": ["target", "targetKind", "targetLabel", "targetHref"],
                 "as": ["id", "kind", "label", "href"]}]},
            {"name": "node-data", "source": ["sources", "targets"], "transform": [
                {"type": "aggregate", "groupby": ["id", "kind", "label", "href"], "ops": ["count"],
                 "as": ["degree"]}]},
            {"name": "link-data", "source": ROWS},
        ],
        "scales": [
            {"name": "kind", "type": "ordinal", **_NODE_COLORS},
            {"name": "size", "type": "sqrt", "domain": {"data": "node-data", "field": "degree"},
             "range": [60, 600], "zero": False},
        ],
        "legends": [{"fill": "kind", "orient": "top-left", "title": _t("kind", "类别"),
                     "encode": {"labels": {"update": {"text": {"signal": _t(
                         "datum.label",
                         "{'paper': '工作文件', 'state': '国家', 'coalition': '国家集团', "
                         "'organization': '组织'}[datum.label]")}}}}}],
        "marks": [
            {"type": "path", "name": "edges", "from": {"data": "link-data"}, "interactive": False,
             "encode": {"update": {"stroke": {"value": "#bbb"}, "strokeWidth": {"signal": "min(4, datum.weight)"},
                                   "strokeOpacity": {"value": 0.7}}},
             "transform": [{"type": "linkpath", "require": {"signal": "force"}, "shape": "line",
                            "sourceX": "datum.source.x", "sourceY": "datum.source.y",
                            "targetX": "datum.target.x", "targetY": "datum.target.y"}]},
            {"type": "symbol", "name": "nodes", "zindex": 1, "from": {"data": "node-data"},
             "encode": {
                 "enter": {"fill": {"scale": "kind", "field": "kind"}, "stroke": {"value": "white"},
                           "shape": {"signal": "datum.kind === 'paper' ? 'square' : 'circle'"}},
                 "update": {"size": {"scale": "size", "field": "degree"}, "cursor": {"value": "pointer"},
                            "href": {"field": "href"},
                            "tooltip": {"signal": "datum.label + ' (' + datum.kind + ')'"}}},
             "transform": [{"type": "force", "iterations": 300, "static": True, "signal": "force",
                            "forces": [
                                {"force": "center", "x": {"signal": "width / 2"}, "y": {"signal": "height / 2"}},
                                {"force": "collide", "radius": 14},
                                {"force": "nbody", "strength": -120},
                                {"force": "link", "links": "link-data", "id": "datum.id", "distance": 60},
                            ]}]},
            {"type": "text", "name": "node-labels", "from": {"data": "nodes"}, "interactive": False,
             "encode": {"update": {"x": {"field": "x"}, "y": {"field": "y"}, "dx": {"value": 8},
                                   "dy": {"value": 3}, "fontSize": {"value": 10}, "fill": {"value": "#333"},
                                   "text": {"field": "datum.label"},
                                   "limit": {"value": 160}}}},
        ],
    },
))


def localized(value: Any, lang: str) -> Any:
    """The spec with every `{"en": …, "zh": …}` text replaced by the language's string."""
    if isinstance(value, dict):
        if set(value) == set(LANGS) and all(isinstance(v, str) for v in value.values()):
            return value[lang]
        return {k: localized(v, lang) for k, v in value.items()}
    if isinstance(value, list):
        return [localized(v, lang) for v in value]
    return value


def _label_transforms(view: View, lang: str) -> list[dict[str, Any]]:
    first, second = ("Zh", "En") if lang == "zh" else ("En", "Zh")
    return [{"type": "formula", "as": col,
             "expr": f"datum.{col}{first} != null ? datum.{col}{first} : datum.{col}{second}"}
            for col in view.labels]


def spec(name: str, lang: str = "en", rows: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The full spec of a view in one language; `rows` fills its dataset (else the page fills it)."""
    view = VIEWS[name]
    if lang not in LANGS:
        raise ValueError(f"language {lang!r}: use one of {', '.join(LANGS)}")
    body = localized(copy.deepcopy(view.body), lang)
    pick = _label_transforms(view, lang)
    values = rows if rows is not None else []
    if view.kind == "vega":
        data = [{"name": ROWS, "values": values, "transform": pick}, *body.pop("data")]
        return {"$schema": VEGA_SCHEMA, "description": view.title[lang], "config": {"text": {"font": FONT},
                "legend": {"labelFont": FONT, "titleFont": FONT}}, "data": data, **body}
    vl_pick = [{"calculate": t["expr"], "as": t["as"]} for t in pick]
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": view.title[lang],
        "datasets": {ROWS: values},
        "data": {"name": ROWS},
        **{k: v for k, v in body.items() if k != "transform"},
        "transform": [*vl_pick, *body.get("transform", [])],
        "config": {"font": FONT, "view": {"stroke": None}},
    }
