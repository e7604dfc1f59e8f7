"""The extractor on papers built by hand: what it reads from a cover block and from lists of items.

These papers are written here, not taken from the seeds, so the behaviour under test is the
genre's (submitter lines, list leads, treaty names), not any one file's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kg import vocab
from kg.extract import Extractor, HeaderFacts
from kg.extract.gazetteer import Gazetteer
from kg.extract.lexicon import load_lexicon
from kg.read.model import Footnote, Header, Item, Paragraph, ParsedPaper, Section

MT = vocab.MEASURE_TYPE_NS
RT = vocab.RISK_TYPE_NS


@pytest.fixture
def extractor() -> Extractor:
    return Extractor(Gazetteer.load(), load_lexicon())


def item(label: str, text: str, index: int, path: str, kind: str = "letter", children: list[Item] | None = None,
         marks: list[str] | None = None, own: str | None = None) -> Item:
    own_text = own if own is not None else text
    return Item(label=label, kind=kind, index=index, path=path, text=text, own_text=own_text, line=10 + index,
                footnote_marks=marks or [], children=children or [])


def paper(submitter: str = "奥地利提交的工作文件", paragraphs: list[Paragraph] | None = None,
          sections: list[Section] | None = None, footnotes: list[Footnote] | None = None, **header) -> ParsedPaper:
    fields = {"submitter_line": submitter, "start_date": dt.date(2025, 4, 28), "end_date": dt.date(2025, 5, 9),
              "city": "纽约", "prepcom": True, "session": 3, "title": "测试文件", **header}
    h = Header(**fields)
    return ParsedPaper(path=Path("papers/x_test.txt"), sha256="0" * 64, header=h,
                       sections=sections or [Section(1, "建议", None, 5)],
                       paragraphs=paragraphs or [], footnotes=footnotes or [])


def para(number: int, lead: str, items: list[Item] | None = None, section: int = 1,
         marks: list[str] | None = None) -> Paragraph:
    items = items or []
    text = lead + "".join(f" ({i.label}) {i.text}" for i in items)
    return Paragraph(number=number, section=section, text=text, lead=lead, line=20 + number, items=items,
                     footnote_marks=marks or [])


# --- cover block ------------------------------------------------------------------------------


def test_submitters_are_the_states_of_the_submitter_line(extractor: Extractor) -> None:
    h = extractor.read_header(paper("奥地利、智利和大不列颠及北爱尔兰联合王国提交的工作文件"))
    assert [e.key for e in h.submitters] == ["AT", "CL", "GB"]
    assert h.coalition is None


def test_a_speaker_on_behalf_of_a_known_coalition_names_its_members(extractor: Extractor) -> None:
    h = extractor.read_header(paper("新西兰代表新议程联盟(巴西、埃及、爱尔兰、墨西哥、新西兰和南非)提交的工作文件"))
    assert [e.key for e in h.submitters] == ["NZ"]
    assert h.coalition is not None and h.coalition.key == "new-agenda-coalition"
    assert sorted(e.key for e in h.members) == ["BR", "EG", "IE", "MX", "NZ", "ZA"]


def test_an_unknown_group_in_a_submitter_line_becomes_a_new_coalition(extractor: Extractor) -> None:
    h = extractor.read_header(paper("斐济代表太平洋裁军之友集团(斐济、瓦努阿图和萨摩亚)提交的工作文件"))
    assert h.coalition is not None and h.coalition.learned
    assert h.coalition.zh == "太平洋裁军之友集团"
    assert sorted(e.key for e in h.members) == ["FJ", "VU", "WS"]
    # once learned, the name is known everywhere in the build
    found = extractor.g.find("我们欢迎太平洋裁军之友集团的工作。")
    assert [m.entity.key for m in found] == [h.coalition.key]


def test_a_coalition_without_a_speaker_is_submitted_by_its_members(extractor: Extractor) -> None:
    h = extractor.read_header(paper("新议程联盟(巴西、埃及和爱尔兰)提交的工作文件"))
    assert h.coalition is not None and h.coalition.key == "new-agenda-coalition"
    assert sorted(e.key for e in h.submitters) == ["BR", "EG", "IE"]


def test_state_names_in_official_long_form_short_form_and_cldr_form_are_one_state(extractor: Extractor) -> None:
    for name, iso in [("美利坚合众国", "US"), ("美国", "US"), ("俄罗斯联邦", "RU"), ("俄罗斯", "RU"),
                      ("朝鲜民主主义人民共和国", "KP"), ("大韩民国", "KR"), ("伊朗伊斯兰共和国", "IR"),
                      ("荷兰王国", "NL"), ("联合王国", "GB"), ("英国", "GB"), ("教廷", "VA"), ("巴勒斯坦国", "PS")]:
        e = extractor.g.state_by_name(name)
        assert e is not None and e.key == iso, name


def test_an_unseen_state_in_a_submitter_line_is_found(extractor: Extractor) -> None:
    h = extractor.read_header(paper("圣文森特和格林纳丁斯、图瓦卢和多民族玻利维亚国提交的工作文件"))
    assert [e.key for e in h.submitters] == ["VC", "TV", "BO"]


def test_a_longer_name_is_not_read_again_as_the_shorter_names_inside_it(extractor: Extractor) -> None:
    keys = [m.entity.key for m in extractor.g.find("美利坚合众国、白俄罗斯、南苏丹和发展中国家在审议大会上")]
    assert keys == ["US", "BY", "SS"]  # not US twice, not RU, not SD, not CN, not the General Assembly


def test_the_review_conference_is_not_the_general_assembly(extractor: Extractor) -> None:
    keys = [m.entity.key for m in extractor.g.find("审议大会和大会第一委员会以及秘书长")]
    assert keys == ["first-committee", "secretary-general"]


# --- meetings ---------------------------------------------------------------------------------


def test_a_printed_cycle_is_not_inferred(extractor: Extractor) -> None:
    m = extractor.read_meeting(paper(conference_year=2026), [])
    assert m is not None and (m.cycle, m.session, m.cycle_inferred) == (2026, 3, False)
    assert m.iri == vocab.ID_NS + "meeting/revcon-2026/prepcom-3"
    assert m.city_en == "New York"


def test_a_prepcom_cycle_is_inferred_from_the_session_and_year(extractor: Extractor) -> None:
    p = paper(session=2)
    p.header.start_date, p.header.end_date = dt.date(2032, 5, 3), dt.date(2032, 5, 14)  # not on record
    m = extractor.read_meeting(p, [])
    assert m is not None and (m.cycle, m.session, m.cycle_inferred) == (2034, 2, True)


def test_a_review_conference_without_a_year_is_matched_by_its_postponed_dates(extractor: Extractor) -> None:
    p = paper(prepcom=False, session=None)
    p.header.start_date, p.header.end_date = dt.date(2022, 1, 4), dt.date(2022, 1, 28)
    m = extractor.read_meeting(p, [])
    assert m is not None and (m.cycle, m.session, m.cycle_inferred) == (2020, None, True)
    assert m.iri == vocab.ID_NS + "meeting/revcon-2020"


def test_the_cycle_printed_in_the_symbol_counts_as_printed(extractor: Extractor) -> None:
    p = paper(symbol="NPT/CONF.2030/PC.I/WP.3", session=None, prepcom=False)
    p.header.start_date, p.header.end_date = dt.date(2027, 4, 26), dt.date(2027, 5, 7)
    m = extractor.read_meeting(p, [])
    assert m is not None and (m.cycle, m.session, m.cycle_inferred) == (2030, 1, False)


# --- measures and risks -----------------------------------------------------------------------


def test_items_after_a_recommendation_lead_are_measures_typed_from_the_lexicon(extractor: Extractor) -> None:
    p = paper(paragraphs=[para(1, "我们建议采取以下措施：", [
        item("a", "核武器国家采取不首先使用核武器的政策；", 1, "1(a)"),
        item("b", "促请俄罗斯联邦和美利坚合众国立即解除核武器的高度戒备状态；", 2, "1(b)"),
        item("c", "为无核武器国家提供具有法律约束力的消极安全保证。", 3, "1(c)"),
    ])])
    f = extractor.extract(p)
    by_path = {m.path: m for m in f.measures}
    assert set(by_path) == {"1(a)", "1(b)", "1(c)"}
    assert MT + "no-first-use" in by_path["1(a)"].types
    assert MT + "de-alerting" in by_path["1(b)"].types
    assert {e.key for e in by_path["1(b)"].addressees} == {"RU", "US"}
    assert MT + "negative-security-assurances" in by_path["1(c)"].types
    assert by_path["1(c)"].addressees == []  # 为无核武器国家: the beneficiaries, not the addressees
    assert RT + "high-alert-posture" in by_path["1(b)"].mitigates
    assert f.risks == []


def test_a_measure_no_trigger_matches_gets_the_fallback_type_and_is_counted(extractor: Extractor) -> None:
    p = paper(paragraphs=[para(1, "我们建议采取以下措施：", [item("a", "举行一次会议。", 1, "1(a)")])])
    (m,) = extractor.extract(p).measures
    assert m.types == [MT + "other-measure"] and m.fallback


def test_items_after_a_risk_factor_lead_are_risks(extractor: Extractor) -> None:
    p = paper(sections=[Section(1, "导言", None, 5)], paragraphs=[para(1, "可能增加核风险的因素包括：", [
        item("1", "指挥和控制系统易受网络攻击", 1, "1•1", kind="bullet"),
        item("2", "武器系统自动化程度的提高", 2, "1•2", kind="bullet"),
    ])])
    f = extractor.extract(p)
    assert f.measures == []
    assert [(r.path, r.types, r.risky_action) for r in f.risks] == [
        ("1•1", [RT + "cyber-attack-c2"], False), ("1•2", [RT + "automation-ai"], False)]
    assert f.risks[0].iri.endswith("/p/1/1/risk")


def test_actions_to_avoid_are_risky_actions_and_never_measures(extractor: Extractor) -> None:
    p = paper(sections=[Section(1, "避免增加核冲突风险的行动", "四", 5)], paragraphs=[
        para(1, "有一些行动不利于核裁军，并增加核冲突的风险。这些行动包括但不限于：", [
            item("a", "明确威胁使用核武器；", 1, "1(a)"),
            item("b", "将核武器前移至第三国。", 2, "1(b)"),
        ])])
    f = extractor.extract(p)
    assert f.measures == []
    assert [(r.path, r.risky_action) for r in f.risks] == [("1(a)", True), ("1(b)", True)]
    assert f.risks[0].types == [RT + "threats-of-use"]
    assert f.risks[1].types == [RT + "forward-deployment"]


def test_sub_items_of_a_measure_are_measures_of_their_own(extractor: Extractor) -> None:
    children = [item("一", "承诺不在质量和数量上扩大核武库；", 1, "1(a)(一)", kind="numeral"),
                item("二", "奉行“不首先使用”政策。", 2, "1(a)(二)", kind="numeral")]
    a = item("a", "我们敦促各国实行最大限度的克制。可以采取以下措施：(一) 承诺不在质量和数量上扩大核武库；"
                  "(二) 奉行“不首先使用”政策。", 1, "1(a)", children=children,
             own="我们敦促各国实行最大限度的克制。可以采取以下措施：")
    f = extractor.extract(paper(paragraphs=[para(1, "我们建议采取以下措施：", [a])]))
    paths = [m.path for m in f.measures]
    assert paths == ["1(a)", "1(a)(一)", "1(a)(二)"]
    assert f.measures[0].quote == "我们敦促各国实行最大限度的克制。可以采取以下措施："
    assert f.measures[1].iri.endswith("/p/1/a/1/measure")
    assert MT + "freeze-no-increase" in f.measures[1].types
    assert MT + "no-first-use" in f.measures[2].types


def test_risk_sentences_in_a_plain_paragraph_give_one_risk_per_type(extractor: Extractor) -> None:
    p = paper(sections=[Section(1, "导言", None, 5)], paragraphs=[
        para(1, "新技术加剧了这些风险，特别是网络攻击的脆弱性。核武器的作用很重要。")])
    f = extractor.extract(p)
    types = {r.types[0] for r in f.risks}
    assert RT + "cyber-attack-c2" in types
    assert all(r.quote == "新技术加剧了这些风险，特别是网络攻击的脆弱性。" for r in f.risks)
    assert len({r.iri for r in f.risks}) == len(f.risks)


# --- what a unit names and cites --------------------------------------------------------------


def test_a_bare_treaty_refers_to_the_treaty_named_before_it_else_the_npt(extractor: Extractor) -> None:
    p = paper(sections=[Section(1, "导言", None, 5)], paragraphs=[
        para(1, "在《全面禁止核试验条约》生效之前，不采取有损于《条约》宗旨的行动。"),
        para(2, "我们重申《条约》第六条规定的义务。"),
    ])
    f = extractor.extract(p)
    p1, p2 = f.paragraphs
    assert [e.key for e in p1.mentions] == ["ctbt"]
    assert [e.key for e in p2.mentions] == ["npt"]
    assert [(t.key, r) for t, r in p2.articles] == [("npt", "VI")]


def test_document_symbols_and_resolutions_are_cited(extractor: Extractor) -> None:
    p = paper(sections=[Section(1, "导言", None, 5)],
              paragraphs=[para(1, "大会第 70/33 号决议和安全理事会第 1540(2004)号决议。", marks=["1"])],
              footnotes=[Footnote("1", "见 NPT/CONF.2000/28(第一和第二部分)和 NPT/CONF.2010/50 (Vol. I)，"
                                       "可查阅 https://undocs.org/ch/A/71/371。", 40)])
    f = extractor.extract(p)
    assert [s for s, _ in f.paragraphs[0].cites] == ["A/RES/70/33", "S/RES/1540 (2004)"]
    fn = f.footnotes[0]
    assert [s for s, _ in fn.cites] == ["NPT/CONF.2000/28", "NPT/CONF.2010/50 (Vol. I)"]
    assert fn.urls == ["https://undocs.org/ch/A/71/371"]
    assert f.paragraphs[0].footnotes == [fn.iri]


def test_a_dated_statement_is_identified_by_month_and_issuer(extractor: Extractor) -> None:
    p = paper(sections=[Section(1, "导言", None, 5)], paragraphs=[
        para(1, "在 2022 年 1 月核武器国家联合声明和 2022 年 11 月二十国集团领导人宣言的基础上发表声明。")])
    (u,) = extractor.extract(p).paragraphs
    assert [s.iri.rsplit("/", 1)[1] for s in u.statements] == ["2022-01-p5", "2022-11-g20"]
    assert not u.statements[0].day_known


def test_a_paper_with_a_symbol_is_named_after_it(extractor: Extractor) -> None:
    f = extractor.extract(paper(symbol="NPT/CONF.2026/PC.III/WP.7", conference_year=2026))
    assert f.doc == vocab.ID_NS + "doc/NPT-CONF.2026-PC.III-WP.7"
    g = extractor.extract(paper())
    assert g.doc == vocab.ID_NS + "doc/x_test"


def test_header_facts_can_be_given_so_a_build_reads_cover_blocks_first(extractor: Extractor) -> None:
    h = HeaderFacts([], None, [], None, None)
    assert extractor.extract(paper(), header=h).header is h


def test_a_statement_is_recognised_by_its_formula_and_its_issuer_in_one_sentence(extractor: Extractor) -> None:
    p = paper(sections=[Section(1, "导言", None, 5)], paragraphs=[
        para(1, "落实各项声明中的承诺，例如五个核武器拥有国发表的重申“核战争打不赢也打不得”概念的声明。"),
        para(2, "我们重申“核战争打不赢也打不得”。"),  # the formula alone: which statement is not said
        para(3, "五个核武器国家应减少核武器的作用。"),  # the issuer alone
    ])
    p1, p2, p3 = extractor.extract(p).paragraphs
    (st,) = p1.statements
    assert st.iri == vocab.ID_NS + "statement/2022-01-p5"
    assert st.known and st.day_known
    assert st.quote == "五个核武器拥有国发表的重申“核战争打不赢也打不得”概念的声明"
    assert p2.statements == [] and p3.statements == []


def test_a_statement_named_twice_in_one_unit_is_cited_once(extractor: Extractor) -> None:
    note = "2022 年 1 月 3 日，五个核武器国家领导人发表关于防止核战争和避免军备竞赛的联合声明。"
    p = paper(footnotes=[Footnote("1", note, 40)], paragraphs=[para(1, "我们欢迎该声明。", marks=["1"])])
    (fn,) = extractor.extract(p).footnotes
    (st,) = fn.statements
    assert st.iri == vocab.ID_NS + "statement/2022-01-p5"
    assert st.known  # the gazetteer's title and exact date win over the date read from the text
    assert st.quote.startswith("2022 年 1 月 3 日") and st.quote.endswith("联合声明")


def test_a_trigger_does_not_match_inside_a_longer_word() -> None:
    measures = load_lexicon().measures
    peaceful = MT + "peaceful-uses-and-non-proliferation"
    assert peaceful in measures.match("帮助发展中国家和平利用核能。")
    assert peaceful not in measures.match("限制具有核能力的运载系统，不利用核能力威胁他国。")


def test_items_of_a_report_are_typed_by_the_report_not_by_what_they_report_on(extractor: Extractor) -> None:
    report = para(1, "拥有核武器的国家应定期提供标准化资料，除其他外说明：", [
        item("a", "已部署核弹头的数量和状况，以及戒备状态；", 1, "1(a)"),
        item("b", "为解除核武器系统的戒备状态而采取的措施。", 2, "1(b)"),
    ])
    steps = para(2, "我们建议采取以下措施：", [item("a", "解除核武器系统的戒备状态。", 1, "2(a)")])
    f = extractor.extract(paper(paragraphs=[report, steps]))
    by_path = {m.path: m for m in f.measures}
    for path in ("1(a)", "1(b)"):
        assert by_path[path].types == [MT + "transparency-and-reporting"], path
        # what a report is to contain is not mitigated, and no risk follows from the type alone
        assert by_path[path].mitigates == [], path
        assert not by_path[path].fallback
    # the same words outside a report propose the step itself
    assert MT + "de-alerting" in by_path["2(a)"].types
    assert RT + "high-alert-posture" in by_path["2(a)"].mitigates


def test_a_report_lead_without_a_theme_gets_the_reporting_type(extractor: Extractor) -> None:
    f = extractor.extract(paper(paragraphs=[para(1, "核武器国家应每年报告以下情况：", [
        item("a", "不首先使用核武器的政策；", 1, "1(a)")])]))
    lead, m = f.measures  # the lead asks for the report: a step of its own (bench/eval/GUIDE.md)
    assert (lead.path, m.path) == ("1", "1(a)")
    assert m.types == lead.types == [MT + "transparency-and-reporting"]
