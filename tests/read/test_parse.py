"""Small papers, written here, for each layout variant the genre shows."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from kg.errors import PaperError
from kg.read import parse_file, parse_text
from kg.read.model import ParsedPaper

HEADER = """不扩散核武器条约缔约国
2026 年审议大会
筹备委员会
第二届会议
2024 年 7 月 22 日至 8 月 2 日，日内瓦
关于某个问题的工作文件
某国提交的工作文件
"""


def parse(text: str, name: str = "paper.txt") -> ParsedPaper:
    return parse_text(text, Path(name))


def messages(paper: ParsedPaper) -> list[str]:
    return [w.message for w in paper.warnings]


# ---- header ---------------------------------------------------------------------------------


def test_a_printed_symbol_with_distribution_words_date_and_languages_on_shared_lines() -> None:
    paper = parse("""United Nations                         NPT/CONF.2026/PC.III/WP.12/Rev.1
   不扩散核武器条约缔约国                Distr.: General
   2026 年审议大会筹备委员会             2 May 2025
                                         Chinese
                                         Original: French
第三届会议
2025 年 4 月 28 日至 5 月 9 日，纽约
核裁军核查
法国提交的工作文件
1. 正文。
""")
    h = paper.header
    assert h.symbol == "NPT/CONF.2026/PC.III/WP.12/Rev.1"
    assert h.issue_date == dt.date(2025, 5, 2)
    assert (h.language, h.original_language) == ("zh", "fr")
    assert (h.conference_year, h.prepcom, h.session) == (2026, True, 3)
    assert (h.start_date, h.end_date, h.city) == (dt.date(2025, 4, 28), dt.date(2025, 5, 9), "纽约")
    assert (h.title, h.submitter_line) == ("核裁军核查", "法国提交的工作文件")
    assert h.lines["symbol"] == 1 and h.lines["session"] == 6
    assert paper.warnings == []


@pytest.mark.parametrize(("name", "code"), [("English", "en"), ("French", "fr"), ("Spanish", "es"),
                                            ("Russian", "ru"), ("Arabic", "ar"), ("Chinese", "zh")])
def test_original_language_names_map_to_bcp47(name: str, code: str) -> None:
    paper = parse(f"Chinese\nOriginal: {name}\n标题\n某国提交的工作文件\n1. 正文。\n")
    assert paper.header.original_language == code
    assert paper.header.language == "zh"


def test_header_lines_in_another_order_with_leading_spaces() -> None:
    paper = parse("""   2024 年 7 月 22 日至 8 月 2 日, 日内瓦
 Original: English
  第二届会议
 NPT/CONF.2026/PC.II/WP.7
 16 May 2024
 筹备委员会
  2026 年审议大会
  题目
  日本提交的工作文件
1. 正文。
""")
    h = paper.header
    assert h.symbol == "NPT/CONF.2026/PC.II/WP.7"
    assert (h.session, h.prepcom, h.conference_year) == (2, True, 2026)
    assert h.issue_date == dt.date(2024, 5, 16) and h.original_language == "en"
    assert (h.start_date, h.end_date, h.city) == (dt.date(2024, 7, 22), dt.date(2024, 8, 2), "日内瓦")
    assert h.title == "题目" and h.submitter_line == "日本提交的工作文件"


def test_a_review_conference_paper_has_no_session_and_is_not_a_prepcom() -> None:
    paper = parse("""不扩散核武器条约缔约国
2020 年审议大会
2022 年 1 月 4 日至 28 日，纽约
题目
某国提交的工作文件
1. 正文。
""")
    h = paper.header
    assert (h.conference_year, h.session, h.prepcom) == (2020, None, False)
    assert (h.start_date, h.end_date) == (dt.date(2022, 1, 4), dt.date(2022, 1, 28))


def test_a_conference_named_by_its_ordinal_gets_its_year() -> None:
    paper = parse("不扩散核武器条约缔约国第十次审议大会\n题目\n某国提交的工作文件\n1. 正文。\n")
    assert paper.header.conference_year == 2020


def test_meeting_dates_across_years() -> None:
    paper = parse("2024 年 12 月 30 日至 2025 年 1 月 3 日，日内瓦\n题目\n某国提交的工作文件\n1. 正文。\n")
    h = paper.header
    assert (h.start_date, h.end_date, h.city) == (dt.date(2024, 12, 30), dt.date(2025, 1, 3), "日内瓦")


def test_a_title_wrapped_mid_phrase_and_a_wrapped_submitter_with_a_footnote_mark() -> None:
    paper = parse("""第一届会议
2023 年 7 月 31 日至 8 月 11 日，维也纳
减少与核武器有关的风险范围的措施和避免增加这种风险的
措施
奥地利、智利、哥伦比亚、哥斯达黎加、厄瓜多尔、基里巴斯、列支敦
士登、马耳他提交的工作文件*
导言
1. 正文。
__________________
* 本文件逾期提交。
""")
    h = paper.header
    assert h.title == "减少与核武器有关的风险范围的措施和避免增加这种风险的措施"
    assert h.submitter_line == ("奥地利、智利、哥伦比亚、哥斯达黎加、厄瓜多尔、基里巴斯、列支敦士登、"
                                "马耳他提交的工作文件")
    assert h.submitter_footnote == "*"
    assert [(f.mark, f.text, f.line) for f in paper.footnotes] == [("*", "本文件逾期提交。", 10)]
    assert paper.sections[0].heading == "导言"
    assert paper.warnings == []


def test_a_submitter_line_cut_before_its_verb() -> None:
    paper = parse("题目\n新西兰代表新议程联盟(巴西、埃及和南非)\n提交的工作文件\n1. 正文。\n")
    assert paper.header.title == "题目"
    assert paper.header.submitter_line == "新西兰代表新议程联盟(巴西、埃及和南非)提交的工作文件"


def test_a_group_presenting_a_paper_and_a_title_with_its_own_footnote_mark() -> None:
    paper = parse("""2025 年 4 月 28 日至 5 月 9 日，纽约
核裁军*
不结盟运动集团提出的工作文件
1. 正文。
__________________
* 本文件未经正式编辑。
""")
    h = paper.header
    assert h.title == "核裁军" and h.title_footnote == "*"
    assert h.submitter_line == "不结盟运动集团提出的工作文件" and h.submitter_footnote is None


def test_a_revision_suffix_on_its_own_line_and_several_cover_fields_on_one_line() -> None:
    paper = parse("""NPT/CONF.2026/PC.II/WP.42
Rev.1
第二届会议    2024 年 7 月 22 日至 8 月 2 日，日内瓦    Chinese
2024 年 5 月 2 日声明的后续行动
某国提交的工作文件
1. 正文。
""")
    h = paper.header
    assert h.symbol == "NPT/CONF.2026/PC.II/WP.42/Rev.1"
    assert (h.session, h.city, h.language, h.end_date) == (2, "日内瓦", "zh", dt.date(2024, 8, 2))
    assert h.title == "2024 年 5 月 2 日声明的后续行动"


def test_a_submitter_list_wrapped_over_three_lines_inside_brackets() -> None:
    paper = parse("""核裁军：对本审议周期的贡献
澳大利亚代表不扩散与裁军倡议(澳大利亚、加拿大、智利、德国、
日本、墨西哥、荷兰王国、尼日利亚、菲律宾、波兰、土耳其和阿拉
伯联合酋长国)提交的工
作文件*
1. 正文。
* 本文件逾期提交。
""")
    h = paper.header
    assert h.title == "核裁军：对本审议周期的贡献"
    assert h.submitter_line == ("澳大利亚代表不扩散与裁军倡议(澳大利亚、加拿大、智利、德国、日本、墨西哥、荷兰王国、"
                                "尼日利亚、菲律宾、波兰、土耳其和阿拉伯联合酋长国)提交的工作文件")
    assert h.submitter_footnote == "*"


def test_a_list_of_states_cut_mid_name_joins_the_submitter_but_a_lone_title_stays() -> None:
    paper = parse("核武器的人道主义后果：参考文件\n莫桑比克、中非共和国、尼日利亚、乌干达和沙\n"
                  "特阿拉伯提交的工作文件\n1. 正文。\n")
    assert paper.header.title == "核武器的人道主义后果：参考文件"
    assert paper.header.submitter_line == "莫桑比克、中非共和国、尼日利亚、乌干达和沙特阿拉伯提交的工作文件"
    paper = parse("2024 年 5 月 2 日，纽约\n裁军、不扩散、和平利用\n日本提交的工作文件\n1. 正文。\n")
    assert paper.header.title == "裁军、不扩散、和平利用"
    assert paper.header.submitter_line == "日本提交的工作文件"


def test_a_paper_without_any_header_is_read_with_a_warning() -> None:
    paper = parse("导言\n1. 第一段。\n2. 第二段。\n")
    assert paper.header.title is None and paper.header.submitter_line is None
    assert [p.number for p in paper.paragraphs] == [1, 2]
    assert paper.sections[0].heading == "导言"
    assert any("no header" in m for m in messages(paper))


def test_a_paper_with_only_a_header_is_not_a_working_paper() -> None:
    with pytest.raises(PaperError, match="no numbered paragraphs found") as info:
        parse(HEADER, "only-header.txt")
    assert "only-header.txt" in str(info.value)


# ---- body structure -------------------------------------------------------------------------


def test_paragraphs_without_headings_get_one_implicit_section() -> None:
    paper = parse(HEADER + "1. 第一段。\n2. 第二段。\n")
    assert len(paper.sections) == 1 and paper.sections[0].heading == "" and paper.sections[0].number is None
    assert {p.section for p in paper.paragraphs} == {1}


def test_numbered_unnumbered_and_wrapped_headings() -> None:
    paper = parse(HEADER + """  导言
1. 第一段。
 二. 减少和消除意外、因失误、未经授权或蓄意引爆核武器的风
险的措施
2. 第二段。
结论
3. 第三段。
""")
    assert [(s.number, s.heading, s.line) for s in paper.sections] == [
        (None, "导言", 8),
        ("二", "减少和消除意外、因失误、未经授权或蓄意引爆核武器的风险的措施", 10),
        (None, "结论", 13),
    ]
    assert [p.section for p in paper.paragraphs] == [1, 2, 3]


def test_a_paragraph_continues_over_lines_blank_lines_and_page_debris() -> None:
    paper = parse(HEADER + """1. 第一行没有

结束，继续

NPT/CONF.2026/PC.II/WP.42
2/5
24-08531 (C)
*2408531*
https://undocs.org/ch/A/71/371
   在下一页结束。
2. 第二段。
""")
    assert paper.paragraphs[0].text == "第一行没有结束，继续在下一页结束。"
    assert paper.paragraphs[1].text == "第二段。"


def test_latin_words_cut_at_a_line_break_keep_one_space_and_chinese_none() -> None:
    paper = parse(HEADER + "1. 见 Too Close for Comfort: Options\n"
                           "for Policy (2014 年 4 月)，第 60 页，以及\n另一份。\n")
    assert paper.paragraphs[0].text == ("见 Too Close for Comfort: Options for Policy (2014 年 4 月)，"
                                        "第 60 页，以及另一份。")


def test_lettered_items_with_fullwidth_brackets() -> None:
    paper = parse(HEADER + "1. 包括：\n（a）第一项；\n（b）第二项。\n")
    p = paper.paragraphs[0]
    assert [(i.label, i.kind, i.path, i.index, i.text) for i in p.items] == [
        ("a", "letter", "1(a)", 1, "第一项；"), ("b", "letter", "1(b)", 2, "第二项。")]
    assert p.lead == "包括："
    assert p.text == "包括：(a) 第一项；(b) 第二项。"


def test_numeral_sub_items_nest_under_the_lettered_item_even_behind_a_bullet() -> None:
    paper = parse(HEADER + "1. 建议：\n(a) 甲；\n(b) 可以采取以下措施：\n(一) 子一；\n- (二) 子二；\n(c) 丙。\n")
    items = paper.paragraphs[0].items
    assert [i.label for i in items] == ["a", "b", "c"]
    assert [(c.label, c.kind, c.path, c.index) for c in items[1].children] == [
        ("一", "numeral", "1(b)(一)", 1), ("二", "numeral", "1(b)(二)", 2)]
    assert items[1].text == "可以采取以下措施：(一) 子一；(二) 子二；"
    assert paper.warnings == []


def test_roman_and_circled_sub_items() -> None:
    paper = parse(HEADER + "1. 建议：\n(a) 甲：\n(i) 一；\n(ii) 二；\n(b) 乙：\n㈠ 三；\n㈡ 四。\n")
    a, b = paper.paragraphs[0].items
    assert [(c.label, c.kind, c.path) for c in a.children] == [
        ("i", "numeral", "1(a)(i)"), ("ii", "numeral", "1(a)(ii)")]
    assert [(c.label, c.path) for c in b.children] == [("一", "1(b)(一)"), ("二", "1(b)(二)")]


def test_plain_bullets_are_numbered_and_bullets_after_a_colon_item_nest_under_it() -> None:
    paper = parse(HEADER + "15. 因素包括：\n• 紧张局势加剧\n• 网络攻击\n的脆弱性\n· 自动化\n"
                           "16. 包括：\n(a) 以下各点：\n- 甲\n- 乙\n(b) 丙。\n")
    p15, p16 = paper.paragraphs
    assert [(i.label, i.kind, i.path) for i in p15.items] == [
        ("1", "bullet", "15•1"), ("2", "bullet", "15•2"), ("3", "bullet", "15•3")]
    assert p15.items[1].text == "网络攻击的脆弱性"
    assert [i.label for i in p16.items] == ["a", "b"]
    assert [c.path for c in p16.items[0].children] == ["16(a)•1", "16(a)•2"]


def test_bullets_standing_for_lost_letters_are_inferred_from_the_lettered_run_after_them() -> None:
    paper = parse(HEADER + "1. 包括：\n- 甲；\n- 乙；\n(c) 丙；\n(d) 丁。\n2. 包括：\n- 戊；\n- 己。\n")
    p1, p2 = paper.paragraphs
    assert [(i.label, i.kind, i.inferred_label, i.path) for i in p1.items] == [
        ("a", "letter", True, "1(a)"), ("b", "letter", True, "1(b)"),
        ("c", "letter", False, "1(c)"), ("d", "letter", False, "1(d)")]
    assert [(i.label, i.kind, i.inferred_label) for i in p2.items] == [("1", "bullet", False), ("2", "bullet", False)]


def test_an_item_marker_in_the_middle_of_a_line_is_text() -> None:
    paper = parse(HEADER + "5. 责成工作组：\n探讨其他措施，其中包括但不限于：(a) 透明度措施；(b) 减少\n风险的措施。\n")
    p = paper.paragraphs[0]
    assert p.items == []
    assert p.text == "责成工作组：探讨其他措施，其中包括但不限于：(a) 透明度措施；(b) 减少风险的措施。"


def test_sub_items_without_a_lettered_parent_are_kept_with_a_warning() -> None:
    paper = parse(HEADER + "1. 措施：\n(一) 甲；\n(二) 乙。\n")
    items = paper.paragraphs[0].items
    assert [(i.label, i.kind, i.path) for i in items] == [("一", "numeral", "1(一)"), ("二", "numeral", "1(二)")]
    assert any("no lettered item above it" in m for m in messages(paper))
    assert paper.warnings[0].line == 9


def test_an_unbalanced_bracket_in_an_item_marker_is_read_with_a_warning() -> None:
    paper = parse(HEADER + "1. 措施包括：\n(a) 甲；\n(b 乙；\n(c) 丙。\n")
    items = paper.paragraphs[0].items
    assert [(i.label, i.text) for i in items] == [("a", "甲；"), ("b", "乙；"), ("c", "丙。")]
    assert [(w.line, w.message) for w in paper.warnings] == [(10, "unbalanced bracket in item marker (b")]


def test_item_letters_out_of_sequence_are_kept_with_a_warning() -> None:
    paper = parse(HEADER + "1. 包括：\n(a) 甲；\n(d) 丁。\n")
    assert [i.label for i in paper.paragraphs[0].items] == ["a", "d"]
    assert any("out of sequence" in m for m in messages(paper))


def test_a_paragraph_number_out_of_sequence_is_text_and_a_jump_is_a_warning() -> None:
    paper = parse(HEADER + "1. 第一段，见\n1. 的说明。\n4. 第四段。\n")
    assert [p.number for p in paper.paragraphs] == [1, 4]
    assert paper.paragraphs[0].text == "第一段，见1. 的说明。"
    assert any("jump from 1 to 4" in m for m in messages(paper))


def test_a_heading_after_unpunctuated_bullets_and_a_heading_left_above_the_footnotes() -> None:
    body = ["1. 这些发展包括：", "• 核武器保持高度戒备状态", "• 暗示和明确威胁使用核武器", "  前进方向",
            "2. 秘书长的报告指出，减少风险的措施并不取代全面履行核裁军义务。1", "  建议与结论",
            "__________________", " 1 见联合国裁军研究所发表的相关报告，可查", "阅 www.unidir.org。",
            "http://www.unidir.org", "3. 第三段。"]
    # Enough full-width text around them for the page width to be known.
    filler = [f"{n}. " + "我们认为，核裁军与核不扩散相辅相成，值得所有缔约国高度重视并积极参与" for n in range(4, 25)]
    paper = parse(HEADER + "\n".join(body + filler) + "\n")
    assert [s.heading for s in paper.sections] == ["", "前进方向", "建议与结论"]
    p1, p2, p3 = paper.paragraphs[:3]
    assert [i.text for i in p1.items] == ["核武器保持高度戒备状态", "暗示和明确威胁使用核武器"]
    assert (p2.section, p2.footnote_marks, p3.section) == (2, ["1"], 3)
    assert paper.footnotes[0].text == "见联合国裁军研究所发表的相关报告，可查阅 www.unidir.org。"
    assert paper.warnings == []


def test_a_mark_before_a_word_that_starts_with_a_counter_character() -> None:
    paper = parse(HEADER + "1. 核裁军显得尤为重要。1 日本已详细介绍了相关行动，截至 2024 年 5 月 1 日。\n"
                           "__________________\n 1 见相关报告。\n")
    assert paper.paragraphs[0].text == "核裁军显得尤为重要。日本已详细介绍了相关行动，截至 2024 年 5 月 1 日。"
    assert paper.paragraphs[0].footnote_marks == ["1"]


def test_text_between_a_heading_and_the_next_paragraph_is_reported_not_placed() -> None:
    paper = parse(HEADER + "导言\n这是一段没有编号的说明文字。\n1. 第一段。\n")
    assert paper.paragraphs[0].text == "第一段。"
    assert any("could not be placed" in m for m in messages(paper))


# ---- footnotes ------------------------------------------------------------------------------


def test_footnotes_in_the_middle_of_a_paragraph_and_numbers_that_are_content() -> None:
    paper = parse(HEADER + """1. 自 2016 年起距午夜 90 秒。1 在许多情况下，根据行动 21 设立的资料库
__________________
 1 见 Too Close for Comfort: Options
for Policy，第 60 页。
 2 同上。
继续使用。2
2. 见第 3 段。
""")
    p1 = paper.paragraphs[0]
    assert p1.text == "自 2016 年起距午夜 90 秒。在许多情况下，根据行动 21 设立的资料库继续使用。"
    assert p1.footnote_marks == ["1", "2"]
    assert [(f.mark, f.text, f.line) for f in paper.footnotes] == [
        ("1", "见 Too Close for Comfort: Options for Policy，第 60 页。", 10), ("2", "同上。", 12)]
    assert paper.paragraphs[1].text == "见第 3 段。"
    assert paper.warnings == []


def test_superscript_marks_with_bodies_printed_without_a_rule() -> None:
    paper = parse(HEADER + "1. 建议：\n(a) 消除其核武库。¹ 现在；\n(b) 联合声明² 和宣言³ 的基础上；\n"
                           "¹ 见 NPT/CONF.2000/28。\n² 联合声明。\n³ 宣言。\n(c) 最后。\n")
    a, b, c = paper.paragraphs[0].items
    assert (a.text, a.footnote_marks) == ("消除其核武库。现在；", ["1"])
    assert (b.text, b.footnote_marks) == ("联合声明和宣言的基础上；", ["2", "3"])
    assert c.text == "最后。"
    assert [(f.mark, f.text) for f in paper.footnotes] == [("1", "见 NPT/CONF.2000/28。"), ("2", "联合声明。"),
                                                          ("3", "宣言。")]


def test_a_superscript_mark_without_a_body_and_a_body_without_a_mark_are_warnings() -> None:
    paper = parse(HEADER + "1. 正文⁴ 继续。\n__________________\n 1 无人引用的脚注。\n")
    assert paper.paragraphs[0].text == "正文继续。"
    found = messages(paper)
    assert any("⁴ has no footnote body" in m for m in found)
    assert any("footnote 1: its mark was not found" in m for m in found)


def test_a_mark_in_a_heading_is_recorded_on_the_section() -> None:
    paper = parse(HEADER + "导言¹\n1. 正文。\n¹ 关于导言的说明。\n")
    assert paper.sections[0].heading == "导言"
    assert paper.sections[0].footnote_marks == ["1"]


# ---- files and encodings ------------------------------------------------------------------------


SMALL = HEADER + "导言\n1. 第一段，包括：\n(a) 甲；\n(b) 乙。1\n____________\n 1 见 A/71/371。\n2. 第二段。\n"


@pytest.mark.parametrize("encoding", ["gbk", "utf-16", "utf-16-le", "utf-8-sig"])
def test_other_encodings_give_the_same_parse_as_utf8(tmp_path: Path, encoding: str) -> None:
    ref = tmp_path / "ref.txt"
    ref.write_bytes(SMALL.encode("utf-8"))
    other = tmp_path / "other.txt"
    other.write_bytes(SMALL.encode(encoding))
    a, b = parse_file(ref), parse_file(other)
    assert a.sha256 != b.sha256
    assert (a.header, a.sections, a.paragraphs, a.footnotes, a.warnings) == (
        b.header, b.sections, b.paragraphs, b.footnotes, b.warnings)


def test_line_numbers_count_source_lines_even_with_crlf(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(SMALL.replace("\n", "\r\n").encode())
    paper = parse_file(path)
    assert paper.header.lines["title"] == 6
    assert [p.line for p in paper.paragraphs] == [9, 14]
    assert paper.footnotes[0].line == 13
    assert paper.paragraphs[0].items[1].footnote_marks == ["1"]
    assert paper.stem == "crlf"


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (b"\x00\x01\x02\x03" * 100, "binary"),
    (b"%PDF-1.4\n1 0 obj\n", "PDF"),
    ("不扩散核武器条约缔约国\n题目\n某国提交的工作文件\n".encode(), "no numbered paragraphs found"),
])
def test_files_that_are_not_papers_are_refused_naming_the_file(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "bad-paper.txt"
    path.write_bytes(data)
    with pytest.raises(PaperError, match=message) as info:
        parse_file(path)
    assert str(path) in str(info.value)


# ---- property: splitting neither loses nor duplicates text ----------------------------------

# Ideographs and the punctuation used inside sentences; no digits, Latin, brackets or numerals
# that could form a marker, and none of the counters (年, 条, 个 …) that make a number content.
ALPHABET = "核武器国家约裁军风险减少措施安全保证透明度核查承诺会议区域和平利用能源合作建议应当各方"
INNER = "，、"


@st.composite
def sentences(draw: st.DrawFn, end: str) -> str:
    parts = draw(st.lists(st.text(ALPHABET, min_size=1, max_size=12), min_size=1, max_size=4))
    seps = draw(st.lists(st.sampled_from([*INNER, "。"]), min_size=len(parts) - 1, max_size=len(parts) - 1))
    out = parts[0]
    for sep, part in zip(seps, parts[1:], strict=True):
        out += sep + part
    return out + end


@st.composite
def papers(draw: st.DrawFn) -> list[dict]:
    paras = []
    for _ in range(draw(st.integers(1, 6))):
        shape = draw(st.sampled_from(["plain", "letters", "bullets"]))
        heading = draw(st.one_of(st.none(), st.text(ALPHABET, min_size=1, max_size=15)))
        if shape == "plain":
            paras.append({"heading": heading, "lead": draw(sentences("。")), "items": []})
            continue
        items = []
        for k in range(draw(st.integers(1, 5))):
            children = []
            if shape == "letters" and draw(st.booleans()):
                children = [draw(sentences("；")) for _ in range(draw(st.integers(1, 3)))]
            text = draw(sentences("：" if children else "；"))
            items.append({"label": chr(97 + k) if shape == "letters" else str(k + 1), "text": text,
                          "children": children})
        paras.append({"heading": heading, "lead": draw(sentences("：")), "items": items, "shape": shape})
    return paras


def render(paras: list[dict], data: st.DataObject) -> str:
    """Lay the paper out as extracted PDF text: cut lines anywhere, blank lines and indents at random."""
    lines = HEADER.splitlines()

    def emit(text: str, marker: str = "") -> None:
        # A marker is never cut: the first line holds it and maybe some of the text.
        text = marker + text
        pos = 0
        while pos < len(text):
            width = data.draw(st.integers(len(marker) if pos == 0 else 1, 40))
            indent = " " * data.draw(st.integers(0, 3))
            lines.append(indent + text[pos:pos + width])
            pos += width
            lines.extend([""] * data.draw(st.integers(0, 2)))

    for n, para in enumerate(paras, 1):
        if para["heading"]:
            # Headings are short: extraction wraps them once at most.
            cut = data.draw(st.integers(1, len(para["heading"])))
            for piece in (para["heading"][:cut], para["heading"][cut:]):
                if piece:
                    lines.append(" " * data.draw(st.integers(0, 3)) + piece)
                    lines.extend([""] * data.draw(st.integers(0, 2)))
        emit(para["lead"], f"{n}. ")
        for item in para["items"]:
            marker = f"({item['label']}) " if para["shape"] == "letters" else data.draw(st.sampled_from(["• ", "- "]))
            emit(item["text"], marker)
            for k, child in enumerate(item["children"]):
                emit(child, f"({'一二三四五六七八九'[k]}) ")
    return "\n".join(lines) + "\n"


_MARKERS = re.compile(r"\((?:[a-z]+|[一二三四五六七八九十]+)\) |• ")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paras=papers(), data=st.data())
def test_splitting_neither_loses_nor_duplicates_text(paras: list[dict], data: st.DataObject) -> None:
    rendered = render(paras, data)
    note(rendered)
    paper = parse(rendered)
    assert [p.number for p in paper.paragraphs] == list(range(1, len(paras) + 1))
    assert paper.warnings == []
    for para, got in zip(paras, paper.paragraphs, strict=True):
        assert got.lead == para["lead"]
        expected = para["lead"] + "".join(it["text"] + "".join(it["children"]) for it in para["items"])
        assert _MARKERS.sub("", got.text) == expected
        assert [(i.label, len(i.children)) for i in got.items] == [
            (it["label"], len(it["children"])) for it in para["items"]]
    stored = "".join(_MARKERS.sub("", p.text) for p in paper.paragraphs)
    original = "".join(p["lead"] + "".join(i["text"] + "".join(i["children"]) for i in p["items"]) for p in paras)
    assert stored == original
    headings = [p["heading"] for p in paras if p["heading"]]
    assert [s.heading for s in paper.sections if s.heading] == headings


DEBRIS = ["https://undocs.org/ch/A/71/371", "2/5", "24-08531 (C)", "NPT/CONF.2026/PC.II/WP.42", "*2408531*"]


@st.composite
def papers_with_footnotes(draw: st.DrawFn) -> tuple[list[list[str]], list[str]]:
    """Paragraphs as lists of sentences, and the footnote bodies marked after some of those sentences."""
    paras = [draw(st.lists(sentences("。"), min_size=1, max_size=4)) for _ in range(draw(st.integers(1, 4)))]
    notes = [draw(sentences("。")) for _ in range(sum(len(p) for p in paras))]
    return paras, notes


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=papers_with_footnotes(), data=st.data())
def test_footnotes_at_page_bottoms_never_swallow_or_split_paragraph_text(
        content: tuple[list[list[str]], list[str]], data: st.DataObject) -> None:
    paras, notes = content
    lines = HEADER.splitlines()
    expected_marks: list[list[str]] = []
    bodies: list[str] = []
    for n, sentences_ in enumerate(paras, 1):
        marks: list[str] = []
        text = f"{n}. "
        pending: list[tuple[int, str]] = []  # (position in text after which the mark ends, mark)
        for sentence in sentences_:
            text += sentence
            if data.draw(st.booleans()):
                mark = str(len(bodies) + 1)
                bodies.append(notes[len(bodies)])
                marks.append(mark)
                text += mark + " "
                pending.append((len(text), mark))
        expected_marks.append(marks)
        pieces: list[str] = []
        pos = 0
        while pos < len(text):
            width = data.draw(st.integers(len(f"{n}. ") if pos == 0 else 1, 40))
            piece = text[pos:pos + width]
            if pieces and piece.strip().isdigit():
                pieces[-1] += piece  # a mark stays on the line of the text it follows
            else:
                pieces.append(piece)
            pos += width
        printed = 0
        for piece in pieces:
            lines.append(piece)
            printed += len(piece)
            lines.extend([""] * data.draw(st.integers(0, 1)))
            # Footnotes whose marks are now printed may go to the bottom of this page.
            due = [m for end, m in pending if end <= printed]
            if due and data.draw(st.booleans()):
                pending = [(end, m) for end, m in pending if end > printed]
                lines.append("__________________")
                for mark in due:
                    body = bodies[int(mark) - 1]
                    cut = data.draw(st.integers(1, len(body)))
                    lines.append(f" {mark} {body[:cut]}")
                    if body[cut:]:
                        lines.append(body[cut:])
                lines.extend(data.draw(st.lists(st.sampled_from(DEBRIS), min_size=1, max_size=3)))
        if pending:  # the page ends with the paragraph
            lines.append("__________________")
            lines.extend(f" {m} {bodies[int(m) - 1]}" for _, m in pending)
            lines.append(data.draw(st.sampled_from(DEBRIS)))
    rendered = "\n".join(lines) + "\n"
    note(rendered)
    paper = parse(rendered)
    assert paper.warnings == []
    assert [p.text for p in paper.paragraphs] == ["".join(s) for s in paras]
    assert [p.footnote_marks for p in paper.paragraphs] == expected_marks
    assert [(f.mark, f.text) for f in paper.footnotes] == [(str(k), b) for k, b in enumerate(bodies, 1)]
