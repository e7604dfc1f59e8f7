"""The competency questions in queries/, answered on the graph built from seeds/.

Every expected answer below was worked out by reading the three seed papers:

- A = seeds/000_7fd555d8a5aa5ef7.txt: Austria, Chile, ... Thailand (11 States), PrepCom I
  of the 2026 cycle (Vienna, 31 July - 11 August 2023), 21 paragraphs, footnotes 1-6.
- B = seeds/001_f2694958423e3bfa.txt: New Zealand on behalf of the New Agenda Coalition,
  PrepCom II of the 2026 cycle (Geneva, 22 July - 2 August 2024), 12 paragraphs, footnotes *, 1-3.
- C = seeds/003_f88313c97aa13a38.txt: the United Kingdom, the 2020 Review Conference as
  convened for 4-28 January 2022 in New York, 18 paragraphs, no footnotes.

No paper prints its symbol, so papers are named by file stem.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, QuerySolutions, QueryTriples, Store

from kg import resources, vocab
from kg.build import build_graph
from kg.store import load_dataset
from kg.store.library import QUERIES_DIR, load_library
from kg.store.textindex import TextIndex, build_index, rewrite

DOC = vocab.ID_NS + "doc/"
A = DOC + "000_7fd555d8a5aa5ef7"
B = DOC + "001_f2694958423e3bfa"
C = DOC + "003_f88313c97aa13a38"
NAME = {A: "000_7fd555d8a5aa5ef7", B: "001_f2694958423e3bfa", C: "003_f88313c97aa13a38"}
NAC = vocab.ID_NS + "coalition/new-agenda-coalition"

A_SUBMITTERS = {"AT", "CL", "CO", "CR", "EC", "KI", "LI", "MT", "MX", "SM", "TH"}
NAC_MEMBERS = {"BR", "EG", "IE", "MX", "NZ", "ZA"}


def state(code: str) -> str:
    return vocab.ID_NS + "state/" + code


def treaty(slug: str) -> str:
    return vocab.ID_NS + "treaty/" + slug





# --- running the library ---------------------------------------------------------------


_TEXT_INDEXES: dict[int, TextIndex] = {}


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    out = tmp_path_factory.mktemp("seed-graph") / "npt-kg.ttl"
    build_graph([resources.SEEDS_DIR], out)
    loaded = load_dataset(out)
    # the paragraph index that `text:query` reads, as the served store has it
    index = out.with_name("paragraphs.fts.sqlite")
    build_index(loaded, index)
    _TEXT_INDEXES[id(loaded)] = TextIndex(index)
    return loaded


def run(store: Store, text: str):
    """A query the way the store answers it: `text:query` patterns read the paragraph index first."""
    return store.query(rewrite(text, _TEXT_INDEXES[id(store)]), use_default_graph_as_union=True)


LIBRARY = load_library()


def sparql(name: str, values: tuple[str, str] | None = None) -> str:
    """The query text, with its VALUES line's contents swapped when `values` = (old, new) is given."""
    text = LIBRARY[name].sparql
    if values is not None:
        old, new = values
        assert old in text, f"{name}: {old!r} not in its VALUES line"
        text = text.replace(old, new)
    return text


def _plain(term: object) -> str | None:
    if term is None:
        return None
    if isinstance(term, (NamedNode, Literal)):
        return term.value
    return str(term)


def select(store: Store, name: str, values: tuple[str, str] | None = None) -> list[dict[str, str | None]]:
    results = run(store, sparql(name, values))
    assert isinstance(results, QuerySolutions)
    variables = [v.value for v in results.variables]
    return [{v: _plain(row[v]) for v in variables} for row in results]


def split(cell: str | None, sep: str = ", ") -> set[str]:
    return set(cell.split(sep)) if cell else set()


def label(store: Store, iri: str) -> str:
    """The English label of a resource, for comparing against label columns."""
    rows = list(store.query(
        f'SELECT ?l WHERE {{ <{iri}> <{vocab.RDFS_NS}label> ?l FILTER(lang(?l) = "en") }}',
        use_default_graph_as_union=True,
    ))
    assert len(rows) == 1, f"{iri} has {len(rows)} English labels"
    return rows[0]["l"].value


def item_text(store: Store, iri: str) -> str:
    rows = list(store.query(f"SELECT ?t WHERE {{ <{iri}> <{vocab.NPT_NS}text> ?t }}",
                            use_default_graph_as_union=True))
    assert len(rows) == 1
    return rows[0]["t"].value


def by(rows: list[dict[str, str | None]], *keys: str) -> dict:
    out: dict = {}
    for row in rows:
        key = row[keys[0]] if len(keys) == 1 else tuple(row[k] for k in keys)
        assert key not in out, f"duplicate row for {key}"
        out[key] = row
    return out


def strip_end(text: str | None) -> str:
    return (text or "").rstrip("；;。. ")





# --- every file in queries/ ------------------------------------------------------------

QUERY_FILES = sorted(QUERIES_DIR.glob("*.rq"))


def test_the_library_has_the_competency_questions():
    expected = {
        "papers", "coalitions", "states-proposing-measure-type", "shared-measure-types",
        "measures-addressed-to-states", "treaties-by-paper", "risks-by-paper", "measures-mitigating-risk",
        "cited-documents", "states-in-several-papers", "measure-provenance", "paper-counts",
        "measure-type-matrix", "search-paragraphs", "paper-subgraph",
    }
    assert expected <= set(LIBRARY)


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_every_query_file_has_a_header_and_parses(path: Path):
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", path.stem), "file names are short kebab-case"
    query = LIBRARY[path.stem]
    for key in ("title", "title@zh", "description"):
        assert query.meta.get(key), f"{path.name}: missing '# {key}:' header"
    assert re.search(r"[\u4e00-\u9fff]", query.meta["title@zh"]), "title@zh is Chinese"
    Store().query(query.sparql)  # raises SyntaxError on a malformed query


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_every_query_runs_on_the_seed_graph_and_answers(store: Store, path: Path):
    results = run(store, LIBRARY[path.stem].sparql)
    answers = list(results)
    assert answers, f"{path.stem} has no answer on the seed graph"





# --- 1. papers -------------------------------------------------------------------------


def test_papers_lists_each_seed_paper_with_meeting_dates_and_submitters(store: Store):
    rows = by(select(store, "papers"), "paper")
    assert set(rows) == {A, B, C}
    assert all(r["symbol"] is None for r in rows.values())  # no seed prints its symbol

    a, b, c = rows[A], rows[B], rows[C]
    assert a["title"] == "减少与核武器有关的风险范围的措施和避免增加这种风险的措施"
    assert b["title"] == "核武器国家未能在履行核裁军义务和承诺方面取得进展，导致核风险达到空前水平"
    assert c["title"] == "建立一个没有核武器的世界：参考文件"

    assert a["meeting"] == vocab.ID_NS + "meeting/revcon-2026/prepcom-1"
    assert b["meeting"] == vocab.ID_NS + "meeting/revcon-2026/prepcom-2"
    assert c["meeting"] == vocab.ID_NS + "meeting/revcon-2020"
    assert (a["startDate"], a["endDate"]) == ("2023-07-31", "2023-08-11")
    assert (b["startDate"], b["endDate"]) == ("2024-07-22", "2024-08-02")
    assert (c["startDate"], c["endDate"]) == ("2022-01-04", "2022-01-28")
    assert (a["issueDate"], b["issueDate"], c["issueDate"]) == (None, "2024-05-16", None)

    assert split(a["submitters"]) == {label(store, state(s)) for s in A_SUBMITTERS}
    assert split(b["submitters"]) == {label(store, state("NZ"))}
    assert split(c["submitters"]) == {label(store, state("GB"))}
    assert (split(a["coalition"]), split(b["coalition"]), split(c["coalition"])) == (
        set(), {"New Agenda Coalition"}, set())


def test_papers_come_in_meeting_order(store: Store):
    assert [r["paper"] for r in select(store, "papers")] == [C, A, B]





# --- 2. coalitions ---------------------------------------------------------------------


def test_the_new_agenda_coalition_has_its_six_members_and_one_paper(store: Store):
    rows = by(select(store, "coalitions"), "coalition")
    nac = rows[NAC]
    assert nac["coalitionLabel"] == "New Agenda Coalition"
    assert split(nac["members"]) == {label(store, state(s)) for s in NAC_MEMBERS}
    assert nac["memberCount"] == "6"
    assert nac["papers"] == NAME[B]
    assert nac["submittedBy"] == label(store, state("NZ"))


def test_coalitions_named_in_the_text_are_listed_without_members(store: Store):
    # C 5 names 《关于核裁军的斯德哥尔摩倡议》、《不扩散与裁军倡议》和《为实现核裁军创造环境倡议》;
    # no paper says who belongs to them, and none was submitted on their behalf.
    rows = by(select(store, "coalitions"), "coalition")
    named = {vocab.ID_NS + "coalition/" + s for s in ("stockholm-initiative", "npdi", "cend")}
    assert set(rows) == {NAC} | named
    for coalition in named:
        assert rows[coalition]["memberCount"] == "0"
        assert not rows[coalition]["papers"]





# --- 3. states proposing a measure type --------------------------------------------------


def test_states_proposing_de_alerting_include_coalition_members(store: Store):
    # A 19(i) "分阶段解除高度戒备战略部队的戒备状态"; B 12(d) asks Russia and the US to end high alert.
    rows = by(select(store, "states-proposing-measure-type"), "state")
    assert set(rows) == {state(s) for s in A_SUBMITTERS | NAC_MEMBERS | {"NZ"}}
    assert split(rows[state("MX")]["roles"]) == {"submitter", "coalition member"}
    assert split(rows[state("MX")]["papers"]) == {NAME[A], NAME[B]}
    assert split(rows[state("NZ")]["roles"]) == {"submitter", "coalition member"}
    assert split(rows[state("IE")]["roles"]) == {"coalition member"}
    assert split(rows[state("AT")]["roles"]) == {"submitter"}
    assert split(rows[state("AT")]["papers"]) == {NAME[A]}
    assert rows[state("ZA")]["isoCode"] == "ZA"


def test_states_proposing_the_test_ban(store: Store):
    # A 19(m) (moratorium until the CTBT enters into force) and C 5(b) (bring the CTBT into force);
    # B names the CTBT only among the dangers of paragraph 1, not in a proposal.
    rows = by(select(store, "states-proposing-measure-type", values=("mt:de-alerting", "mt:test-ban")), "state")
    assert set(rows) == {state(s) for s in A_SUBMITTERS | {"GB"}}
    assert split(rows[state("GB")]["papers"]) == {NAME[C]}
    assert split(rows[state("MX")]["roles"]) == {"submitter"}





# --- 4. shared measure types ---------------------------------------------------------

#: Measure types each paper proposes, read off the items (A/B/C as in the module docstring).
SHARED_TYPES: dict[str, set[str]] = {
    "bilateral-arms-control": {A, B, C},        # A 20(a); B 12(h)(五); C 5(a) (B 12(d) only names the two)
    "freeze-no-increase": {A, B, C},            # A 19(f), 20(b); B 12(h)(四); C 5(a) "保持在绝对最低水平"
    "negative-security-assurances": {A, B, C},  # A 19(p), 20(f); B 12(h)(二); C 5(d)
    "stockpile-reductions": {A, B, C},          # A 19(a)-(d); B 12(h)(五); C 5(a)
    "compliance-with-obligations": {A, B},      # A 19(p); B 12(a), 12(h)(九)
    "de-alerting": {A, B},                      # A 19(h)-(j), 20(c); B 12(d), 12(h)(三)
    # B 12(h)(五); C 15 "支持包容各方的对话". A 19(p) asks for assurances and zone protocols, and to
    # "建设性地参与对话" on them: the measure-type model, sure of those two, finds dialogue improbable there
    "dialogue-and-confidence-building": {B, C},
    "fissile-material-cut-off": {A, C},         # A 19(n); C 5(c)
    "no-first-use": {A, B},                     # A 20(d); B 12(h)(三)
    "no-new-nuclear-weapons": {A, C},           # A 19(m), 20(b); C 5(b) "限制核武器在质量上的发展"
    "nuclear-weapon-free-zones": {A, C},        # A 19(p); C 5(d)
    "reduced-role-in-doctrine": {A, B},         # A 19(g); B 12(h)(三) "仅用于防御的姿态"
    "restraint-statements": {A, B},             # A 20(e); B 12(h)(一)
    "test-ban": {A, C},                         # A 19(m); C 5(b)
    "transparency-and-reporting": {A, B, C},    # A 11, 13, 19(q); B 12(g), 12(h)(八); C 15, 17 (透明、可核查和不可逆)
}


def test_measure_types_shared_by_several_papers(store: Store):
    # Not shared: multilateral negotiations (only B 12(a) "致力于多边谈判": A 19(f), 20(f) and C 5(c)
    # negotiate a freeze, assurances and a cut-off treaty, whose types they get), ending forward
    # deployment (only B 12(c): A 11(a) and 13(a) ask for reports on deployed warheads, not an end
    # to deployment) and peaceful uses (only C 5(f), 5(g):
    # "具有核能力的运载系统" in A 20(a) is nuclear-capable, not nuclear energy).
    rows = by(select(store, "shared-measure-types"), "type")
    assert {t.removeprefix(vocab.MEASURE_TYPE_NS) for t in rows} == set(SHARED_TYPES)
    for slug, papers in SHARED_TYPES.items():
        row = rows[vocab.MEASURE_TYPE_NS + slug]
        assert split(row["papers"]) == {NAME[p] for p in papers}, slug
        assert row["paperCount"] == str(len(papers))


def test_shared_measure_types_count_the_measures_and_their_types_list_the_items(store: Store):
    rows = by(select(store, "shared-measure-types"), "type")
    lists = {q.subject.value: q.object.value for q in store.quads_for_pattern(None, vocab.NPT.itemList, None)}
    items = {t.removeprefix(vocab.MEASURE_TYPE_NS): split(lists[t], "; ") for t in rows}
    for t, r in rows.items():
        assert r["measureCount"] == str(len(split(lists[t], "; "))), t
    assert items["no-first-use"] == {f"{NAME[A]} 20(d)", f"{NAME[B]} 12(h)(三)"}
    assert items["test-ban"] == {f"{NAME[A]} 19(m)", f"{NAME[C]} 5(b)"}
    assert items["fissile-material-cut-off"] == {f"{NAME[A]} 19(n)", f"{NAME[C]} 5(c)"}
    assert items["negative-security-assurances"] == {
        f"{NAME[A]} 19(p)", f"{NAME[A]} 20(f)", f"{NAME[B]} 12(h)(二)", f"{NAME[C]} 5(d)"}
    assert items["bilateral-arms-control"] == {
        f"{NAME[A]} 20(a)", f"{NAME[B]} 12(h)(五)", f"{NAME[C]} 5(a)"}
    # A 11(e) asks for reports on de-alerting steps: a transparency measure, not de-alerting itself
    assert items["de-alerting"] == {
        f"{NAME[A]} 19(h)", f"{NAME[A]} 19(i)", f"{NAME[A]} 19(j)", f"{NAME[A]} 20(c)",
        f"{NAME[B]} 12(d)", f"{NAME[B]} 12(h)(三)"}


def test_measures_by_type_lists_each_measure_under_each_of_its_types(store: Store):
    rows = select(store, "measures-by-type")
    nfu = [r for r in rows if r["type"] == vocab.MEASURE_TYPE_NS + "no-first-use"]
    assert {(r["paperName"], r["itemPath"]) for r in nfu} == {(NAME[A], "20(d)"), (NAME[B], "12(h)(三)")}
    assert {r["typeLabelZh"] for r in nfu} == {"不首先使用"}
    # B 12(h)(三) proposes no first use and de-alerting ("解除待命状态") in one item
    b_h3 = {r["type"] for r in rows if r["measure"] == B + "/p/12/h/3/measure"}
    assert {vocab.MEASURE_TYPE_NS + "no-first-use", vocab.MEASURE_TYPE_NS + "de-alerting"} <= b_h3





# --- 5. measures addressed to named states ----------------------------------------------


def test_measures_addressed_to_russia_and_the_united_states(store: Store):
    rows = by(select(store, "measures-addressed-to-states"), "measure")
    expected = {
        A + "/p/20/a/measure": "20(a)",   # 俄罗斯恢复充分执行《新裁武条约》，美国和俄罗斯 ... 谈判
        B + "/p/12/d/measure": "12(d)",   # 促请 ... 俄罗斯联邦和美利坚合众国相互商定立即解除这种状态
        B + "/p/12/h/5/measure": "12(h)(五)",  # 俄罗斯联邦和美国 ... 应重新参与新的裁减战略武器会谈
        C + "/p/5/a/measure": "5(a)",     # 美国和俄罗斯就进一步大幅削减其核武库总量进行谈判并达成协议
    }
    assert set(rows) == set(expected)
    both = {label(store, state("RU")), label(store, state("US"))}
    for measure, path in expected.items():
        assert rows[measure]["itemPath"] == path
        assert split(rows[measure]["addressedTo"]) == both
    assert strip_end(rows[B + "/p/12/d/measure"]["quote"]) == (
        "促请仍保持核武器高度戒备状态的俄罗斯联邦和美利坚合众国相互商定立即解除这种状态"
    )


def test_measures_addressed_to_the_united_kingdom_are_none(store: Store):
    # The UK submits C but no paper calls upon it by name.
    rows = select(store, "measures-addressed-to-states",
                  values=("<https://w3id.org/npt-kg/id/state/RU> <https://w3id.org/npt-kg/id/state/US>",
                          "<https://w3id.org/npt-kg/id/state/GB>"))
    assert rows == []





# --- 6. treaties by paper --------------------------------------------------------------


def test_treaties_referenced_by_each_paper(store: Store):
    rows = by(select(store, "treaties-by-paper"), "paper", "treaty")
    assert set(rows) == {
        (A, treaty("npt")), (A, treaty("ctbt")), (A, treaty("fmct")), (A, treaty("new-start")),
        (B, treaty("npt")), (B, treaty("ctbt")), (B, treaty("outer-space-treaty")), (B, treaty("tpnw")),
        (C, treaty("npt")), (C, treaty("ctbt")), (C, treaty("fmct")),
    }
    # where: A 19(m) CTBT, 19(n) FMCT, 20(a) New START; C 5(b) CTBT, 5(c) FMCT, 2 Article VI
    assert split(rows[A, treaty("ctbt")]["citedIn"]) == {"19(m)"}
    assert split(rows[A, treaty("fmct")]["citedIn"]) == {"19(n)"}
    assert split(rows[A, treaty("new-start")]["citedIn"]) == {"20(a)"}
    assert split(rows[C, treaty("ctbt")]["citedIn"]) == {"5(b)"}
    assert split(rows[C, treaty("fmct")]["citedIn"]) == {"5(c)"}
    assert split(rows[B, treaty("tpnw")]["citedIn"]) == {"12(h)(九)"}
    assert split(rows[B, treaty("outer-space-treaty")]["citedIn"]) == {"12(h)(九)"}
    assert split(rows[B, treaty("ctbt")]["citedIn"]) == {"1(f)"}  # the sixth item of 1, its letter lost in print
    # C names the NPT in 1, 5(f), 8, 11, the third bullet of 11 and 16, and its Article VI in 2
    assert split(rows[C, treaty("npt")]["citedIn"]) == {"1", "2", "5(f)", "8", "11", "11•3", "16"}
    assert rows[C, treaty("npt")]["articles"] == label(store, treaty("npt/article-VI"))
    assert not rows[A, treaty("npt")]["articles"]





# --- 7. risks by paper ----------------------------------------------------------------


def test_risks_by_paper_for_forward_deployment_cyber_and_testing(store: Store):
    rows = by(select(store, "risks-by-paper"), "paper", "riskType")
    rt = vocab.RISK_TYPE_NS
    fwd = {p: rows[p, rt + "forward-deployment"] for p in (A, B) if (p, rt + "forward-deployment") in rows}
    # A 2 "在其他国家部署核武器", A 4 "通过前沿部署缩短反应时间", A 21(f) "将核武器前移" (to avoid);
    # B 1(i) "核武器的前沿部署"
    assert set(fwd) == {A, B}
    assert split(fwd[A]["readFrom"]) == {"2", "4", "21(f)"}
    assert (fwd[A]["risks"], fwd[A]["actionsToAvoid"]) == ("3", "1")
    assert split(fwd[B]["readFrom"]) == {"1(i)"}
    assert (C, rt + "forward-deployment") not in rows
    # cyber: A 1 "网络黑客攻击", A 15 second bullet; B 1(j) and 8(i) "网络空间"
    assert split(rows[A, rt + "cyber-attack-c2"]["readFrom"]) == {"1", "15•2"}
    assert split(rows[B, rt + "cyber-attack-c2"]["readFrom"]) == {"1(j)", "8(i)"}
    assert (C, rt + "cyber-attack-c2") not in rows
    # resumption of testing: only B 1(f) "带来恢复核试验的相关风险"
    testing = {p for p, t in rows if t == rt + "resumption-of-testing"}
    assert testing == {B}
    assert split(rows[B, rt + "resumption-of-testing"]["readFrom"]) == {"1(f)"}
    assert rows[B, rt + "cyber-attack-c2"]["riskTypeLabel"] == "cyber attack on command and control or early warning"





# --- 8. measures mitigating a risk type ------------------------------------------------


def test_measures_mitigating_cyber_attacks_on_command_and_control(store: Store):
    rows = select(store, "measures-mitigating-risk")
    assert [(r["measure"], r["itemPath"]) for r in rows] == [(A + "/p/19/l/measure", "19(l)")]
    assert split(rows[0]["mitigates"]) == {label(store, vocab.ID_NS + "risk-type/cyber-attack-c2")}
    assert strip_end(rows[0]["quote"]) == "确保保护核武器指挥和控制系统免受网络威胁"


def test_measures_mitigating_high_alert_are_those_whose_text_names_it(store: Store):
    rows = select(store, "measures-mitigating-risk", values=("rt:cyber-attack-c2", "rt:high-alert-posture"))
    # A 19(h) 解除戒备, 19(i) 降低戒备状态, 20(c) 戒备; B 12(d) 降低核武器系统的戒备状态
    assert {(r["paperName"], r["itemPath"]) for r in rows} == {
        (NAME[A], "19(h)"), (NAME[A], "19(i)"), (NAME[A], "20(c)"), (NAME[B], "12(d)"),
    }


def test_a_measure_type_that_mitigates_a_risk_does_not_make_its_measures_mitigate_it(store: Store):
    """The scheme's npt:mitigates on a measure type documents the type; a measure is listed for its own text only."""
    risk = vocab.ID_NS + "risk-type/high-alert-posture"
    listed = {r["measure"] for r in select(store, "measures-mitigating-risk",
                                          values=("rt:cyber-attack-c2", "rt:high-alert-posture"))}
    by_type_only = {r["m"].value for r in store.query(f"""
        PREFIX npt: <{vocab.NPT_NS}>
        SELECT DISTINCT ?m WHERE {{
          ?type npt:mitigates <{risk}> . ?m a npt:Measure ; npt:measureType ?type .
          FILTER NOT EXISTS {{ ?m npt:mitigates <{risk}> }}
        }}""", use_default_graph_as_union=True)}
    assert by_type_only, "the seed graph has measures of a type that mitigates high alert, not naming it themselves"
    assert not listed & by_type_only
    direct = {r["m"].value for r in store.query(f"""
        PREFIX npt: <{vocab.NPT_NS}>
        SELECT ?m WHERE {{ ?m a npt:Measure ; npt:mitigates <{risk}> }}""", use_default_graph_as_union=True)}
    assert listed == direct


def test_measures_mitigating_a_broader_risk_type_include_narrower_ones(store: Store):
    narrow = {r["measure"] for r in select(store, "measures-mitigating-risk")}
    broad = select(store, "measures-mitigating-risk", values=("rt:cyber-attack-c2", "rt:technology"))
    assert narrow and narrow <= {r["measure"] for r in broad}





# --- 9. cited documents ----------------------------------------------------------------


def test_un_documents_cited_by_each_paper(store: Store):
    rows = by(select(store, "cited-documents"), "paper", "citedSymbol")
    assert set(rows) == {
        (A, "A/71/371"), (A, "A/RES/70/33"),
        (B, "NPT/CONF.2026/PC.I/WP.5"), (B, "NPT/CONF.2000/28"),
    }
    assert rows[A, "A/71/371"]["document"] == DOC + "A-71-371"
    assert rows[A, "A/RES/70/33"]["document"] == DOC + "A-RES-70-33"
    assert rows[B, "NPT/CONF.2000/28"]["document"] == DOC + "NPT-CONF.2000-28"
    assert rows[B, "NPT/CONF.2026/PC.I/WP.5"]["document"] == DOC + "NPT-CONF.2026-PC.I-WP.5"
    # A: footnotes 3, 4 and 6 cite A/71/371; paragraph 5 cites resolution 70/33 ("大会第 70/33 号决议")
    assert split(rows[A, "A/71/371"]["citedIn"]) == {"fn 3", "fn 4", "fn 6"}
    assert split(rows[A, "A/RES/70/33"]["citedIn"]) == {"5"}
    assert split(rows[B, "NPT/CONF.2026/PC.I/WP.5"]["citedIn"]) == {"fn *"}
    assert split(rows[B, "NPT/CONF.2000/28"]["citedIn"]) == {"fn 1"}





# --- 10. states in several papers ------------------------------------------------------


def test_states_in_more_than_one_paper(store: Store):
    # Mexico submits A and is a member of the coalition behind B; Russia and the US are
    # called upon in A 20(a), B 12(d) and C 5(a). Ireland is not in C: "北爱尔兰" is
    # Northern Ireland, part of the United Kingdom's name.
    rows = by(select(store, "states-in-several-papers"), "state")
    assert set(rows) == {state("MX"), state("RU"), state("US")}
    assert rows[state("MX")]["paperCount"] == "2"
    assert split(rows[state("MX")]["papers"]) == {NAME[A], NAME[B]}
    assert split(rows[state("MX")]["roles"]) == {"submitter", "coalition member"}
    for code in ("RU", "US"):
        assert rows[state(code)]["paperCount"] == "3"
        assert split(rows[state(code)]["roles"]) == {"addressee", "mentioned"}
        assert rows[state(code)]["isoCode"] == code
    assert [r["state"] for r in select(store, "states-in-several-papers")][-1] == state("MX")





# --- 11. measure provenance ------------------------------------------------------------


def test_provenance_of_the_de_alerting_call_in_the_nac_paper(store: Store):
    rows = select(store, "measure-provenance")
    assert len(rows) == 1
    row = rows[0]
    assert row["paper"] == B
    assert row["symbol"] is None
    assert row["sectionOrder"] == "6"
    assert row["sectionHeading"] == "建议"
    assert row["paragraphNumber"] == "12"
    assert row["itemPath"] == "12(d)"
    expected = "促请仍保持核武器高度戒备状态的俄罗斯联邦和美利坚合众国相互商定立即解除这种状态"
    assert strip_end(row["quote"]) == expected
    assert strip_end(row["sourceText"]) == expected


def test_provenance_of_a_sub_item_climbs_to_its_paragraph(store: Store):
    rows = select(store, "measure-provenance",
                  values=("/p/12/d/measure", "/p/12/h/3/measure"))
    assert len(rows) == 1
    row = rows[0]
    assert (row["paragraphNumber"], row["itemPath"], row["sectionHeading"]) == ("12", "12(h)(三)", "建议")
    assert row["sourceText"].startswith("在政策理论层面保持克制，例如，奉行“不首先使用”政策")





# --- 12. paper counts ------------------------------------------------------------------


def test_paper_counts_of_paragraphs_items_footnotes_and_citations(store: Store):
    rows = by(select(store, "paper-counts"), "paper")
    assert set(rows) == {A, B, C}
    assert {p: rows[p]["paragraphs"] for p in rows} == {A: "21", B: "12", C: "18"}
    # A: 11(a-h) 8, 13(a-c) 3, 15 bullets 3, 19(a-q) 17, 20(a-g) 7, 21(a-f) 6
    # B: 1 seven bullets + (h)-(n), 8(a-k) 11, 12(a-h) 8 + 12(h)(一)-(九) 9
    # C: 5(a-g) 7, 7(a-c) 3, 11 bullets 3
    assert {p: rows[p]["items"] for p in rows} == {A: "44", B: "42", C: "13"}
    assert {p: rows[p]["footnotes"] for p in rows} == {A: "6", B: "4", C: "0"}
    # measures: A 11(a-h), 13(a-c), 19(a-q), 20(a-g); B 12(a-h) and 12(h)(一)-(九); C 5(a-g);
    # and paragraphs that call on someone themselves: A 12, B 10, C 15 and 17; and the leads of A 11 and 13,
    # which ask for the reports whose contents their items list
    assert {p: rows[p]["measures"] for p in rows} == {A: "38", B: "18", C: "9"}
    # actions advised against: A 21(a)-(f) ("避免不利于核裁军和增加核冲突风险的行动")
    assert {p: rows[p]["actionsToAvoid"] for p in rows} == {A: "6", B: "0", C: "0"}
    # risks: at least A 15 (three bullets) and 21(a)-(f); B 1(a)-(n) and 8(a)-(k);
    # C 8 (political tensions) and 10 (arms races), besides risks read from whole paragraphs
    assert int(rows[A]["risks"]) >= 9 and int(rows[B]["risks"]) >= 25 and int(rows[C]["risks"]) >= 2
    # A: A/71/371, A/RES/70/33, and in 20(e) the P5 statement and the G20 Bali declaration;
    # B: WP.5, NPT/CONF.2000/28 and the same two statements (footnotes 2 and 3)
    assert {p: rows[p]["citations"] for p in rows} == {A: "4", B: "4", C: "0"}





def _paper_counts_of(papers: dict[str, str], tmp: Path) -> dict[str, str | None]:
    """paper-counts' one row for the papers written to `tmp` (file name -> text), built together."""
    for name, text in papers.items():
        (tmp / name).write_text(text, encoding="utf-8")
    out = tmp / "graph.ttl"
    summary = build_graph([tmp], out, strict=True)
    assert summary.papers == 1 and summary.versions == len(papers)
    [row] = list(load_dataset(out).query(LIBRARY["paper-counts"].sparql, use_default_graph_as_union=True))
    return {v: row[v].value for v in ("paragraphs", "items", "footnotes", "measures", "citations")}


def test_paper_counts_count_a_paper_in_two_languages_once(tmp_path: Path):
    """A Chinese and an English version are one paper: each paragraph is counted once, not once per language."""
    from tests.read import samples
    from tests.read.unpdf import paper_text

    zh, en = paper_text(samples.RISK_ZH), paper_text(samples.RISK_EN)
    (tmp_path / "zh").mkdir()
    (tmp_path / "pair").mkdir()
    alone = _paper_counts_of({"wp31-c.txt": zh}, tmp_path / "zh")
    pair = _paper_counts_of({"wp31-c.txt": zh, "wp31-e.txt": en}, tmp_path / "pair")
    assert int(alone["paragraphs"]) > 0 and int(alone["items"]) > 0
    assert pair["paragraphs"] == alone["paragraphs"]
    assert pair["items"] == alone["items"]
    assert pair["footnotes"] == alone["footnotes"]


# --- 13. measure type matrix -----------------------------------------------------------


def test_measure_type_matrix_has_every_cell(store: Store):
    rows = select(store, "measure-type-matrix")
    cells = by(rows, "type", "paper")
    types = {t for t, _ in cells}
    assert set(cells) == {(t, p) for t in types for p in (A, B, C)}
    assert {t.removeprefix(vocab.MEASURE_TYPE_NS) for t in types} >= set(SHARED_TYPES)
    assert all(int(r["measures"]) >= 0 for r in rows)
    dealert = vocab.MEASURE_TYPE_NS + "de-alerting"
    nfu = vocab.MEASURE_TYPE_NS + "no-first-use"
    assert [cells[dealert, p]["measures"] for p in (A, B, C)] == ["4", "2", "0"]
    assert [cells[nfu, p]["measures"] for p in (A, B, C)] == ["1", "1", "0"]
    # types only C proposes: peaceful uses (5(f), 5(g)) and nuclear security (5(f) "全球核安全")
    peaceful = vocab.MEASURE_TYPE_NS + "peaceful-uses-and-non-proliferation"
    assert [cells[peaceful, p]["measures"] for p in (A, B, C)] == ["0", "0", "2"]





# --- 14. search ------------------------------------------------------------------------


def test_search_paragraphs_for_alert(store: Store):
    rows = select(store, "search-paragraphs")
    assert [(r["paperName"], r["number"]) for r in rows] == [
        (NAME[A], "11"), (NAME[A], "13"), (NAME[A], "17"), (NAME[A], "19"), (NAME[B], "12"),
    ]
    assert all("戒备" in r["snippet"] for r in rows)


def test_search_paragraphs_for_cyber(store: Store):
    rows = select(store, "search-paragraphs", values=('"戒备"', '"网络"'))
    assert [(r["paperName"], r["number"]) for r in rows] == [
        (NAME[A], "1"), (NAME[A], "15"), (NAME[A], "19"), (NAME[B], "1"), (NAME[B], "8"),
    ]


def test_search_finds_words_broken_across_source_lines(store: Store):
    # C 5 prints "可实\n现的" across a line break: "有意义的、可实现的措施"
    rows = select(store, "search-paragraphs", values=('"戒备"', '"可实现的措施"'))
    assert [(r["paperName"], r["number"]) for r in rows] == [(NAME[C], "5")]





# --- 15. paper sub-graph ---------------------------------------------------------------


def test_paper_subgraph_without_a_paper_is_one_page_of_papers(store: Store):
    def papers_in(sparql: str) -> set[str]:
        results = store.query(sparql, use_default_graph_as_union=True)
        assert isinstance(results, QueryTriples)
        return {t.subject.value for t in results if t.predicate.value == vocab.RDF_NS + "type"
                and t.object.value == vocab.NPT.WorkingPaper.value}

    query = LIBRARY["paper-subgraph"]
    assert query.page_size == 10
    every = papers_in(query.bind())
    assert len(every) == 3  # the seeds fit in the default page
    first, second = papers_in(query.paged(limit=1)), papers_in(query.paged(limit=1, offset=1))
    assert len(first) == len(second) == 1 and first != second and first | second <= every
    # a paper given as the parameter is found wherever it sits in the page order
    assert papers_in(query.paged(limit=1, text=query.bind({"paper": [C]}))) == {C}


def test_paper_subgraph_holds_the_uk_paper_and_its_parts(store: Store):
    results = store.query(LIBRARY["paper-subgraph"].bind({"paper": [C]}), use_default_graph_as_union=True)
    assert isinstance(results, QueryTriples)
    triples = list(results)
    subjects = {t.subject.value for t in triples}
    sections = {f"{C}/s/{n}" for n in range(1, 6)}
    paragraphs = {f"{C}/p/{n}" for n in range(1, 19)}
    items = {f"{C}/p/5/{x}" for x in "abcdefg"} | {f"{C}/p/7/{x}" for x in "abc"} | {f"{C}/p/11/{n}" for n in (1, 2, 3)}
    text_units = {s for s in subjects if "/measure" not in s and "/risk" not in s}
    assert text_units == {C} | sections | paragraphs | items
    assert all(s.startswith(C + "/") for s in subjects - {C})
    # every outgoing triple of those subjects, nothing less
    for s in (C, f"{C}/p/5", f"{C}/p/5/b"):
        in_store = {(q.predicate, q.object) for q in store.quads_for_pattern(NamedNode(s), None, None)}
        in_result = {(t.predicate, t.object) for t in triples if t.subject.value == s}
        assert in_result == in_store
