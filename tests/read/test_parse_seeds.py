"""The three seed papers, read by hand and compared with what the parser makes of them.

Each expectation below was written from the seed text itself (line numbers are lines of
the seed file), not copied from parser output.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kg.read import parse_file
from kg.read.model import Item, Paragraph, ParsedPaper

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def seed(prefix: str) -> ParsedPaper:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return parse_file(path)


@pytest.fixture(scope="module")
def p000() -> ParsedPaper:
    return seed("000")


@pytest.fixture(scope="module")
def p001() -> ParsedPaper:
    return seed("001")


@pytest.fixture(scope="module")
def p003() -> ParsedPaper:
    return seed("003")


def para(paper: ParsedPaper, number: int) -> Paragraph:
    (found,) = [p for p in paper.paragraphs if p.number == number]
    return found


def labels(items: list[Item]) -> list[str]:
    return [it.label for it in items]


def letters(first: str, last: str) -> list[str]:
    return [chr(c) for c in range(ord(first), ord(last) + 1)]


def all_text(paper: ParsedPaper) -> str:
    return "".join(p.text for p in paper.paragraphs)


# ---- seed 000: Vienna PrepCom, eleven states, footnotes under rules, URL debris --------------


def test_000_header(p000: ParsedPaper) -> None:
    h = p000.header
    assert h.symbol is None
    assert h.session == 1 and h.prepcom is True
    assert h.conference_year is None
    assert (h.start_date, h.end_date, h.city) == (dt.date(2023, 7, 31), dt.date(2023, 8, 11), "维也纳")
    assert h.issue_date is None and h.original_language is None
    assert h.language == "zh"  # not printed on this cover: read from the text
    assert h.title == "减少与核武器有关的风险范围的措施和避免增加这种风险的措施"
    assert h.submitter_line == ("奥地利、智利、哥伦比亚、哥斯达黎加、厄瓜多尔、基里巴斯、列支敦士登、"
                                "马耳他、墨西哥、圣马力诺、泰国提交的工作文件")
    assert h.submitter_footnote is None
    assert h.lines["session"] == 1 and h.lines["title"] == 5 and h.lines["submitter_line"] == 9


def test_000_sections_in_order_with_the_wrapped_heading_rejoined(p000: ParsedPaper) -> None:
    assert [(s.number, s.heading) for s in p000.sections] == [
        (None, "导言"),
        ("一", "与现有核武器相关风险有关的透明度措施"),
        ("二", "减少和消除意外、因失误、未经授权或蓄意引爆核武器的风险的措施"),
        ("三", "减少核风险的其他措施"),
        ("四", "避免不利于核裁军和增加核冲突风险的行动"),
    ]
    assert [s.line for s in p000.sections] == [13, 116, 190, 281, 314]


def test_000_paragraphs_and_their_sections(p000: ParsedPaper) -> None:
    assert [p.number for p in p000.paragraphs] == list(range(1, 22))
    expected = {**dict.fromkeys(range(1, 8), 1), **dict.fromkeys(range(8, 14), 2),
                **dict.fromkeys(range(14, 20), 3), 20: 4, 21: 5}
    assert {p.number: p.section for p in p000.paragraphs} == expected
    assert para(p000, 1).line == 15 and para(p000, 14).line == 194 and para(p000, 21).line == 316


def test_000_items_per_paragraph(p000: ParsedPaper) -> None:
    with_items = {p.number: labels(p.items) for p in p000.paragraphs if p.items}
    assert with_items == {
        11: letters("a", "h"),
        13: letters("a", "c"),
        15: ["1", "2", "3"],
        19: letters("a", "q"),
        20: letters("a", "g"),
        21: letters("a", "f"),
    }
    assert {it.kind for it in para(p000, 15).items} == {"bullet"}
    assert [it.path for it in para(p000, 15).items] == ["15•1", "15•2", "15•3"]
    assert para(p000, 15).items[1].text == "核武器指挥和控制系统及预警网络易受网络攻击和非国家行为体攻击的脆弱性"


def test_000_item_after_a_page_break_stays_in_its_paragraph(p000: ParsedPaper) -> None:
    h = para(p000, 19).items[7]
    assert (h.label, h.path, h.line) == ("h", "19(h)", 243)
    assert h.text.startswith("制定和执行核武器政策") and h.text.endswith("戒备级别；")
    b = para(p000, 13).items[1]  # printed after footnotes 4-6 and two URL lines
    assert (b.path, b.line, b.text) == ("13(b)", 184, "在其领土内的运载工具的数量和类型；")


def test_000_paragraph_2_continues_after_its_footnotes(p000: ParsedPaper) -> None:
    p2 = para(p000, 2)
    assert p2.text.startswith("虽然有关“险情”的数据")
    assert "末日时钟的评估中，而该时钟自 2023 年初以来一直处在前所未有的距午夜 90 秒的位置" in p2.text
    assert p2.text.endswith("甚至比冷战高峰时期更接近午夜。")
    assert "除其他外" not in p2.text and "chathamhouse" not in p2.text
    assert "核战争有多近。在许多情况下，似乎是运气而不是控制程序挽救了局面。在紧张时期" in p2.text
    assert p2.footnote_marks == ["1", "2"]


def test_000_footnotes_and_where_they_are_marked(p000: ParsedPaper) -> None:
    assert [(f.mark, f.line) for f in p000.footnotes] == [
        ("1", 41), ("2", 45), ("3", 112), ("4", 174), ("5", 176), ("6", 180)]
    marked = {p.number: p.footnote_marks for p in p000.paragraphs if p.footnote_marks}
    assert marked == {2: ["1", "2"], 6: ["3"], 8: ["4"], 9: ["5"], 12: ["6"]}
    f1, f2, f3, _, f5, f6 = p000.footnotes
    assert f1.text == ("除其他外，见查塔姆研究所发表的“Too Close for Comfort: Cases of Near Nuclear Use and "
                       "Options for Policy”(2014 年 4 月)，可查阅 "
                       "www.chathamhouse.org/publications/papers/view/199200。")
    assert f2.text.startswith("同上，以及许多引文") and f2.text.endswith("Lessons from the Life of Robert S. "
                                                                "McNamara (Rowman & Littlefield Publishers, "
                                                                "2005)，第 60 页。")
    assert f3.text == "A/71/371，2016 年 9 月 1 日。"
    assert f5.text == ("各国还可以使用秘书长根据 2010 年审议大会行动计划行动 21 设立的资料库。"
                       "可在该资料库中增加关于减少风险措施的具体报告。")
    assert f6.text == "见 A/71/371。"


def test_000_marks_are_cut_from_the_text_but_numbers_that_are_content_stay(p000: ParsedPaper) -> None:
    assert para(p000, 8).text.startswith("透明度原则以及不可逆转原则")
    assert para(p000, 9).text.endswith("也将是重要的。")
    assert para(p000, 12).text.endswith("提供给会员国和公众。")
    assert "大会第 70/33 号决议授权的 2016 年推进" in para(p000, 5).text
    assert "该决议第 3 段责成" in para(p000, 5).text
    assert "以及 20 国集团申明" in para(p000, 20).items[4].text


def test_000_inline_items_inside_a_quotation_are_text(p000: ParsedPaper) -> None:
    p5 = para(p000, 5)
    assert p5.items == []
    assert p5.text.endswith("其中包括但不限于：(a) 与现有核武器相关风险有关的透明度措施；(b) 减少和消除意外、因"
                            "失误、未经授权或蓄意引爆核武器风险的措施。")


def test_000_no_page_debris_in_the_text_and_no_warnings(p000: ParsedPaper) -> None:
    text = all_text(p000)
    assert "http" not in text and "undocs" not in text and "____" not in text
    assert p000.warnings == []


# ---- seed 001: New Agenda Coalition, lost item letters, superscript footnotes ----------------


def test_001_header(p001: ParsedPaper) -> None:
    h = p001.header
    assert h.symbol is None
    assert h.issue_date == dt.date(2024, 5, 16)
    assert (h.language, h.original_language) == ("zh", "en")
    assert (h.conference_year, h.prepcom, h.session) == (2026, True, 2)
    assert (h.start_date, h.end_date, h.city) == (dt.date(2024, 7, 22), dt.date(2024, 8, 2), "日内瓦")
    assert h.title == "核武器国家未能在履行核裁军义务和承诺方面取得进展，导致核风险达到空前水平"
    assert h.submitter_line == "新西兰代表新议程联盟(巴西、埃及、爱尔兰、墨西哥、新西兰和南非)提交的工作文件"
    assert h.submitter_footnote == "*"
    assert h.lines["issue_date"] == 7 and h.lines["original_language"] == 9 and h.lines["submitter_line"] == 18


def test_001_sections(p001: ParsedPaper) -> None:
    assert [s.heading for s in p001.sections] == [
        "核危险空前严重",
        "核裁军和军备控制进程停滞不前，使本已危险的局势雪上加霜",
        "核武器的灾难性人道主义后果",
        "不能简单通过管理而消除使用核武器的风险",
        "减少核危险的考虑可以发挥作用，但不能取代必要的核裁军措施",
        "建议",
    ]
    assert all(s.number is None for s in p001.sections)
    assert [p.number for p in p001.paragraphs] == list(range(1, 13))
    assert [p.section for p in p001.paragraphs] == [1, 2, 2, 2, 2, 2, 3, 4, 5, 5, 5, 6]


def test_001_bullets_whose_letters_were_lost_are_inferred_from_the_run_that_follows(p001: ParsedPaper) -> None:
    items = para(p001, 1).items
    assert labels(items) == letters("a", "n")
    assert [it.inferred_label for it in items] == [True] * 7 + [False] * 7
    assert {it.kind for it in items} == {"letter"}
    assert items[0].path == "1(a)" and items[0].text == "威胁使用核武器，无论暗示还是明示；"
    assert items[7].line == 37 and items[7].text == "进一步降低本已很低的核裁军透明度和问责制水平；"
    assert "新议程联盟重申" not in para(p001, 1).text  # the * footnote printed between (g) and (h)


def test_001_lettered_items_and_numeral_sub_items(p001: ParsedPaper) -> None:
    assert labels(para(p001, 8).items) == letters("a", "k")
    p12 = para(p001, 12)
    assert labels(p12.items) == letters("a", "h")
    h = p12.items[7]
    assert labels(h.children) == list("一二三四五六七八九")
    assert [c.index for c in h.children] == list(range(1, 10))
    assert {c.kind for c in h.children} == {"numeral"}
    assert h.children[2].path == "12(h)(三)"
    assert h.children[1].text == "核武器国家保证在任何情况下不对无核武器国家使用或威胁使用核武器；"
    assert h.text.startswith("在彻底消除核武器之前") and "(九) 所有国家都应遵守" in h.text
    assert "见 NPT/CONF.2000/28" not in h.text


def test_001_footnotes(p001: ParsedPaper) -> None:
    assert [(f.mark, f.line) for f in p001.footnotes] == [("*", 33), ("1", 123), ("2", 125), ("3", 127)]
    assert p001.footnotes[0].text.startswith("新议程联盟重申，向不扩散核武器条约缔约国")
    assert p001.footnotes[1].text == "见 NPT/CONF.2000/28(第一和第二部分)。"
    p12 = para(p001, 12)
    assert p12.items[0].footnote_marks == ["1"]
    assert p12.items[0].text.startswith("重申现有《条约》义务")
    assert "彻底消除其核武库。现在比以往任何时候" in p12.items[0].text
    first = p12.items[7].children[0]
    assert first.footnote_marks == ["2", "3"]
    assert "核武器国家联合声明和 2022 年 11 月二十国集团领导人宣言的基础上" in first.text
    assert p001.warnings == []


# ---- seed 003: Review Conference, no session line, bullets, page breaks with leading spaces ---


def test_003_header(p003: ParsedPaper) -> None:
    h = p003.header
    assert h.symbol is None and h.session is None and h.prepcom is False and h.conference_year is None
    assert (h.start_date, h.end_date, h.city) == (dt.date(2022, 1, 4), dt.date(2022, 1, 28), "纽约")
    assert h.title == "建立一个没有核武器的世界：参考文件"
    assert h.submitter_line == "大不列颠及北爱尔兰联合王国提交的工作文件"
    assert h.submitter_footnote is None


def test_003_sections_and_paragraphs(p003: ParsedPaper) -> None:
    assert [s.heading for s in p003.sections] == ["导言", "可实现的短期进展", "处理长期问题", "全球责任", "结论"]
    assert [p.number for p in p003.paragraphs] == list(range(1, 19))
    assert [p.section for p in p003.paragraphs] == [1] * 4 + [2] * 2 + [3] * 6 + [4] * 4 + [5] * 2


def test_003_items(p003: ParsedPaper) -> None:
    with_items = {p.number: labels(p.items) for p in p003.paragraphs if p.items}
    assert with_items == {5: letters("a", "g"), 7: letters("a", "c"), 11: ["1", "2", "3"]}
    bullets = para(p003, 11).items
    assert [(b.kind, b.path, b.inferred_label) for b in bullets] == [
        ("bullet", "11•1", False), ("bullet", "11•2", False), ("bullet", "11•3", False)]
    assert [b.text[:4] for b in bullets] == ["透明度：", "核查：要", "不可逆性"]
    assert "接受有关拆除其核武器、储存和处置其组件、销毁相关设施或将其转用" in bullets[1].text
    assert para(p003, 7).items[1].line == 111


def test_003_paragraph_after_a_page_break_with_a_leading_space(p003: ParsedPaper) -> None:
    p16 = para(p003, 16)
    assert p16.line == 261
    assert p16.text.startswith("多边主义必须是我们方法的基础")
    assert para(p003, 15).text.endswith("所有人的安全和稳定不受减损的无核武器世界。")
    assert p003.footnotes == [] and p003.warnings == []


# ---- all seeds ----------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["000", "001", "003"])
def test_paragraph_text_is_its_lead_followed_by_its_items(prefix: str) -> None:
    paper = seed(prefix)
    for p in paper.paragraphs:
        assert p.text.startswith(p.lead)
        pos = len(p.lead)
        for it in p.items:
            found = p.text.find(it.text, pos)
            assert found >= pos, (p.number, it.path)
            pos = found + len(it.text)
        assert "\n" not in p.text
