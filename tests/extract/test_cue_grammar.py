"""The cue grammar on hand-written papers: who is called upon, which lists are measures, what a
negation takes back, and how English names treaties.

The sentences are written here in the genre's manner, not copied from any evaluation paper.
"""

from __future__ import annotations

import pytest

from kg import vocab
from kg.extract import Extractor
from kg.extract.gazetteer import Gazetteer
from kg.extract.lexicon import load_lexicon
from kg.read.model import Section
from tests.extract.test_extract import item, paper, para

MT = vocab.MEASURE_TYPE_NS
RT = vocab.RISK_TYPE_NS
EN_SUBMITTER = "Working paper submitted by Austria, Mexico and Thailand on behalf of the Group of Friends of Testing"


@pytest.fixture
def extractor() -> Extractor:
    return Extractor(Gazetteer.load(), load_lexicon())


def _en(paragraphs, heading: str = "Recommendations"):
    return paper(EN_SUBMITTER, paragraphs=paragraphs, sections=[Section(1, heading, None, 5)], language="en")


def keys(entities) -> set[str]:
    return {e.key for e in entities}


def test_a_list_whose_items_open_with_what_the_author_asks_is_a_list_of_measures(extractor: Extractor) -> None:
    p = _en([para(1, "The Group:", [
        item("a", "Urges all States to sign the Comprehensive Nuclear-Test-Ban Treaty without delay;", 1, "1(a)"),
        item("b", "Supports the further development of the International Monitoring System;", 2, "1(b)"),
        item("c", "Calls on States parties to report regularly on their nuclear doctrines.", 3, "1(c)"),
    ])], heading="Nuclear testing")
    by_path = {m.path: m for m in extractor.extract(p).measures}
    assert set(by_path) == {"1(a)", "1(b)", "1(c)"}
    assert keys(by_path["1(a)"].addressees) == {"all-states"}
    assert keys(by_path["1(c)"].addressees) == {"all-states-parties"}  # "Calls on" in any case
    assert MT + "test-ban" in by_path["1(b)"].types


def test_a_list_of_statements_that_ask_nothing_is_not_a_list_of_measures(extractor: Extractor) -> None:
    p = _en([para(1, "The Group notes the following developments:", [
        item("a", "The number of ratifications has grown steadily;", 1, "1(a)"),
        item("b", "Several monitoring stations were certified last year.", 2, "1(b)"),
    ])], heading="Background")
    assert extractor.extract(p).measures == []


def test_those_by_whom_a_leads_steps_are_to_be_taken_are_called_upon(extractor: Extractor) -> None:
    p = _en([para(1, "The following steps should be taken by the nuclear-weapon States and, where appropriate, "
                     "by other States possessing nuclear weapons:", [
                         item("a", "Reduce the operational readiness of their forces;", 1, "1(a)")])])
    (m,) = extractor.extract(p).measures
    assert keys(m.addressees) == {"p5", "nuclear-armed-states"}


def test_a_paper_never_calls_upon_its_own_submitters(extractor: Extractor) -> None:
    p = _en([para(1, "Austria and Mexico call upon all States that have not yet done so to ratify the "
                     "Comprehensive Nuclear-Test-Ban Treaty.")])
    (m,) = extractor.extract(p).measures
    assert keys(m.addressees) == {"all-states"}


def test_sub_items_are_called_upon_as_their_step_is(extractor: Extractor) -> None:
    b = item("b", "Encourage States parties to strengthen export controls, including by:", 1, "1(b)",
             own="Encourage States parties to strengthen export controls, including by:", children=[
                 item("i", "Sharing information on denied transfers;", 1, "1(b)(i)", kind="roman"),
                 item("ii", "Adopting national control lists.", 2, "1(b)(ii)", kind="roman")])
    f = extractor.extract(_en([para(1, "Austria recommends that the Review Conference:", [b])]))
    subs = [m for m in f.measures if m.path.startswith("1(b)(")]
    assert [keys(m.addressees) for m in subs] == [{"review-conference", "all-states-parties"}] * 2


def test_a_renounced_risk_is_not_a_risk(extractor: Extractor) -> None:
    lex = load_lexicon().risks
    assert RT + "lowered-threshold" not in lex.match("中国承诺在任何时候和任何情况下都不首先使用核武器。")
    assert RT + "lowered-threshold" in lex.match("一些国家考虑首先使用核武器，降低了使用门槛。")


def test_english_names_the_safety_conventions_and_the_agencys_statute(extractor: Extractor) -> None:
    p = _en([para(1, "States should join the Convention on Nuclear Safety, the Joint Convention and the "
                     "Convention on Early Notification of a Nuclear Accident, and respect the IAEA Statute.")],
            heading="Nuclear safety")
    (u,) = extractor.extract(p).paragraphs
    assert {e.key for e in u.mentions if e.kind == "treaty"} == {
        "convention-on-nuclear-safety", "joint-convention", "early-notification-convention", "iaea-statute"}


def test_a_bare_english_treaty_is_the_npt_and_its_articles_are_read(extractor: Extractor) -> None:
    p = _en([para(1, "States parties reaffirm their obligations under article VI of the Treaty.")],
            heading="Disarmament")
    (u,) = extractor.extract(p).paragraphs
    assert [e.key for e in u.mentions if e.kind == "treaty"] == ["npt"]
    assert [(t.key, r) for t, r in u.articles] == [("npt", "VI")]


def test_a_relative_clause_may_stand_between_the_call_verb_and_the_group(extractor: Extractor) -> None:
    p = paper(paragraphs=[para(1, "我们建议审议大会：", [
        item("a", "促请尚未缔结全面保障监督协定的缔约国尽快缔结此类协定；", 1, "1(a)"),
        item("b", "尚未批准有关议定书的核武器国家尽早批准该议定书。", 2, "1(b)"),
    ])])
    a, b = extractor.extract(p).measures
    assert keys(a.addressees) == {"review-conference", "all-states-parties"}
    assert keys(b.addressees) == {"review-conference", "p5"}  # the item opens with who is to act


def test_a_call_upon_a_pronoun_calls_upon_those_just_named(extractor: Extractor) -> None:
    p = paper(paragraphs=[para(1, "我们建议审议大会：", [
        item("a", "回顾核武器国家作出的承诺，并敦促它们全面履行这些承诺；", 1, "1(a)")])])
    (m,) = extractor.extract(p).measures
    assert keys(m.addressees) == {"review-conference", "p5"}


def test_a_step_that_names_a_zone_treaty_is_about_nuclear_weapon_free_zones(extractor: Extractor) -> None:
    p = paper(paragraphs=[para(1, "我们建议采取以下措施：", [
        item("a", "美利坚合众国尽快完成《非洲无核武器区条约》议定书的批准程序；", 1, "1(a)")])])
    (m,) = extractor.extract(p).measures
    assert m.types == [MT + "nuclear-weapon-free-zones"]
    assert m.triggers[MT + "nuclear-weapon-free-zones"] == "非洲无核武器区条约"


def test_the_name_of_those_called_upon_is_not_what_they_are_asked_to_do(extractor: Extractor) -> None:
    p = _en([para(1, "Austria recommends that the Review Conference:", [
        item("a", "Call upon States that have conducted nuclear tests to provide assistance to the victims;", 1,
             "1(a)"),
        item("b", "Call upon States with an original small quantities protocol to amend it.", 2, "1(b)"),
    ])])
    a, b = extractor.extract(p).measures
    assert a.types == [MT + "victim-assistance-and-remediation"]
    assert b.types == [MT + "safeguards-agreements"]  # nothing else named: the name gives the theme


def test_each_english_sentence_gives_its_own_risks(extractor: Extractor) -> None:
    p = _en([para(1, "Terrorists could acquire radioactive material. Cases of trafficking are recorded every "
                     "year.")], heading="Nuclear security")
    types = {r.types[0] for r in extractor.extract(p).risks}
    assert types == {RT + "non-state-actors", RT + "illicit-trafficking"}


def test_an_english_trigger_matches_its_inflected_forms_but_not_a_longer_word() -> None:
    lex = load_lexicon().measures
    assert MT + "test-ban" in lex.match("Several States have declared moratoriums on nuclear tests.")
    assert MT + "de-alerting" in lex.match("Forces that have been de-alerted should stay so.")
    assert MT + "de-alerting" not in lex.match("A de-alertness index was proposed.")


def test_a_step_that_names_no_type_takes_the_theme_of_the_papers_title(extractor: Extractor) -> None:
    p = paper(EN_SUBMITTER, paragraphs=[para(1, "Austria recommends that the Review Conference:", [
        item("a", "Invite States to contribute to technical work that would facilitate future negotiations.", 1,
             "1(a)")])], sections=[Section(1, "Recommendations", None, 5)], language="en",
        title="Fissile material cut-off treaty")
    (m,) = extractor.extract(p).measures
    assert m.types == [MT + "fissile-material-cut-off"] and not m.fallback


def test_the_one_a_lead_recommends_to_is_called_upon_by_every_item(extractor: Extractor) -> None:
    p = paper(paragraphs=[para(1, "奥地利促请筹备委员会向 2026 年审议大会建议：", [
        item("a", "呼吁核武器国家尽早签署各无核武器区条约的议定书；", 1, "1(a)")])])
    (m,) = extractor.extract(p).measures
    assert keys(m.addressees) == {"review-conference", "p5"}


def test_a_paragraph_that_asks_in_the_passive_is_a_measure(extractor: Extractor) -> None:
    p = _en([para(1, "The nuclear-weapon States that maintain moratoriums on the production of fissile material "
                     "for nuclear weapons are encouraged to make them legally binding.")], heading="Background")
    (m,) = extractor.extract(p).measures
    assert keys(m.addressees) == {"p5"}


def test_a_report_asked_of_an_international_body_is_not_the_transparency_of_states(extractor: Extractor) -> None:
    p = _en([para(1, "Austria recommends that the Review Conference:", [
        item("a", "Request the Director General of the IAEA to report regularly on the implementation of the "
                  "technical cooperation programme.", 1, "1(a)"),
        item("b", "Call upon the nuclear-weapon States to report regularly on their arsenals.", 2, "1(b)")])])
    a, b = extractor.extract(p).measures
    assert MT + "transparency-and-reporting" not in a.types and MT + "peaceful-uses-cooperation" in a.types
    assert MT + "transparency-and-reporting" in b.types


def test_a_broad_risk_yields_to_a_narrower_one_named_in_the_same_paragraph(extractor: Extractor) -> None:
    p = _en([para(1, "Technological developments add to these dangers. Hypersonic weapons compress decision "
                     "time.")], heading="Background")
    types = {t for r in extractor.extract(p).risks for t in r.types}
    assert RT + "hypersonic-short-decision-time" in types and RT + "technology" not in types


def test_a_chinese_group_named_by_its_relative_clause_is_called_upon_as_states_are(extractor: Extractor) -> None:
    p = paper(paragraphs=[para(1, "奥地利呼吁所有尚未缔结附加议定书的国家尽早缔结并执行附加议定书。")])
    (m,) = extractor.extract(p).measures
    assert keys(m.addressees) == {"all-states"}
    p = paper(paragraphs=[para(1, "奥地利敦促以色列作为该地区唯一未加入《条约》的国家，尽快加入《条约》。")])
    (m,) = extractor.extract(p).measures
    assert keys(m.addressees) == {"IL"}  # an apposition, not another group


def test_leads_that_end_in_a_modal_or_say_it_is_recommended_make_lists_of_measures(extractor: Extractor) -> None:
    for lead, who in (("审议大会应：", {"review-conference"}), ("所有缔约国都应当：", {"all-states-parties"}),
                      ("It is recommended that the Review Conference:", {"review-conference"})):
        p = paper(paragraphs=[para(1, lead, [item("a", "降低核力量的战备状态；", 1, "1(a)")])])
        (m,) = extractor.extract(p).measures
        assert keys(m.addressees) == who, lead


def test_an_impersonal_call_is_a_measure(extractor: Extractor) -> None:
    p = _en([para(1, "It is essential that all States parties conclude an additional protocol.")], heading="Background")
    (m,) = extractor.extract(p).measures
    assert MT + "additional-protocol" in m.types and keys(m.addressees) == {"all-states-parties"}


def test_a_step_that_only_introduces_sub_items_is_of_their_types(extractor: Extractor) -> None:
    b = item("b", "Take the following steps:", 2, "1(b)", children=[
        item("i", "Lower the alert levels of their forces;", 1, "1(b)(i)", kind="roman"),
        item("ii", "Keep their forces off high alert.", 2, "1(b)(ii)", kind="roman")])
    f = extractor.extract(_en([para(1, "The Group calls upon the nuclear-weapon States to:", [b])]))
    (m,) = [m for m in f.measures if m.path == "1(b)"]
    assert m.types == [MT + "de-alerting"] and not m.fallback and keys(m.addressees) == {"p5"}


def test_a_step_that_opens_with_a_report_is_typed_by_the_report_not_by_what_it_reports_on(
        extractor: Extractor) -> None:
    p = _en([para(1, "Austria recommends that the Review Conference:", [
        item("a", "Call upon the nuclear-weapon States to report on the alert levels of their forces;", 1, "1(a)"),
        item("b", "Call upon the nuclear-weapon States to report on their arsenals and to lower the alert levels "
                  "of their forces.", 2, "1(b)")])])
    a, b = extractor.extract(p).measures
    assert a.types == [MT + "transparency-and-reporting"]
    assert set(b.types) == {MT + "transparency-and-reporting", MT + "de-alerting"}  # 'and to': a second step


def test_what_a_step_is_for_does_not_type_it(extractor: Extractor) -> None:
    p = paper(paragraphs=[para(1, "建议审议大会：", [
        item("a", "鼓励各国开展裁军教育活动，以增进公众对核试验受害者的了解；", 1, "1(a)")])])
    (m,) = extractor.extract(p).measures
    assert m.types == [MT + "disarmament-education"]


def test_a_paragraph_under_recommendations_that_opens_with_a_step_is_a_measure(extractor: Extractor) -> None:
    p = _en([para(1, "Establish a subsidiary body on nuclear disarmament verification."),
             para(2, "Austria remains committed to these goals.")])
    assert [m.path for m in extractor.extract(p).measures] == ["1"]


def test_a_step_that_opens_by_asking_for_information_is_a_report_on_what_it_names(extractor: Extractor) -> None:
    p = _en([para(1, "The Group calls upon the nuclear-weapon States to:", [
        item("a", "Describe their nuclear doctrines and any change made to them;", 1, "1(a)"),
        item("b", "Provide information on their holdings of fissile material for nuclear weapons;", 2, "1(b)"),
        item("c", "Reduce the role of nuclear weapons in their doctrines.", 3, "1(c)")])])
    a, b, c = extractor.extract(p).measures
    assert a.types == b.types == [MT + "transparency-and-reporting"]
    assert MT + "transparency-and-reporting" not in c.types


def test_an_english_lead_listing_what_reports_include_types_its_items_as_reports(extractor: Extractor) -> None:
    p = _en([para(1, "The nuclear-weapon States are encouraged to submit national reports at each session "
                     "that include, as far as possible:", [
                         item("a", "The number of their deployed and non-deployed delivery vehicles;", 1, "1(a)"),
                         item("b", "Measures taken to lower the alert levels of their forces.", 2, "1(b)")])])
    measures = {m.path: m for m in extractor.extract(p).measures}
    assert measures["1(a)"].types == measures["1(b)"].types == [MT + "transparency-and-reporting"]


def test_an_umbrella_type_takes_the_narrower_type_its_lead_names(extractor: Extractor) -> None:
    p = _en([para(1, "The Group urges all States to strengthen technical cooperation, in particular by:", [
        item("a", "Promoting the peaceful uses of nuclear energy in developing countries.", 1, "1(a)")])],
        heading="Background")
    lead, m = extractor.extract(p).measures  # the lead asks for the step its item details: a step too
    assert (lead.path, m.path) == ("1", "1(a)")
    assert m.types == [MT + "peaceful-uses-cooperation"]
    assert m.type_from == {MT + "peaceful-uses-cooperation": "list lead"}  # the evidence says where the word is


def test_an_item_that_states_a_view_in_a_list_of_requests_is_no_measure(extractor: Extractor) -> None:
    p = _en([para(1, "The Group:", [
        item("a", "Reaffirms that comprehensive safeguards agreements are the verification standard;", 1, "1(a)"),
        item("b", "Calls upon all States to conclude an additional protocol;", 2, "1(b)"),
        item("c", "Urges States to bring their safeguards agreements into force.", 3, "1(c)")])],
        heading="Safeguards")
    assert [m.path for m in extractor.extract(p).measures] == ["1(b)", "1(c)"]
    # under a heading of recommendations, the same opening asks the Conference to reaffirm: a measure
    q = _en([para(1, "Austria recommends that the Review Conference:", [
        item("a", "Reaffirm that comprehensive safeguards agreements are the verification standard.", 1, "1(a)")])])
    assert [m.path for m in extractor.extract(q).measures] == ["1(a)"]


def test_a_subject_with_a_relative_clause_before_its_modal_is_called_upon(extractor: Extractor) -> None:
    p = _en([para(1, "All States that have not yet done so should sign and ratify the Comprehensive "
                     "Nuclear-Test-Ban Treaty."),
             para(2, "States that still operate old small quantities protocols should amend them."),
             para(3, "States that have conducted nuclear tests carried a heavy responsibility.")],
            heading="Background")
    assert [m.path for m in extractor.extract(p).measures] == ["1", "2"]


def test_nuclear_weapons_inside_a_nuclear_weapon_free_zone_are_no_trigger(extractor: Extractor) -> None:
    p = paper(paragraphs=[para(1, "建议审议大会：", [
        item("a", "敦促核武器国家撤回对各无核武器区条约议定书的保留；", 1, "1(a)")])])
    (m,) = extractor.extract(p).measures
    assert MT + "ending-forward-deployment" not in m.types


def test_a_lead_asking_for_reports_that_contain_its_items_is_a_step_itself(extractor: Extractor) -> None:
    for lead, who in (
            ("Austria recommends that the nuclear-weapon States submit a national report to each session, "
             "containing, at a minimum, information on:", {"p5"}),
            ("集团还请核武器国家在其提交的报告中说明下列情况", {"p5"})):
        p = _en([para(3, lead, [item("a", "The number of their deployed warheads;", 1, "3(a)"),
                                item("b", "Their holdings of fissile material.", 2, "3(b)")])], heading="Background")
        measures = {m.path: m for m in extractor.extract(p).measures}
        assert set(measures) == {"3", "3(a)", "3(b)"}, lead
        assert MT + "transparency-and-reporting" in measures["3"].types
        assert keys(measures["3"].addressees) == who, lead
        assert measures["3(a)"].types == [MT + "transparency-and-reporting"]  # what the report contains


def test_a_lead_that_only_introduces_recommendations_is_no_step(extractor: Extractor) -> None:
    p = _en([para(3, "The Group recommends that the Review Conference:", [
        item("a", "Call upon the nuclear-weapon States to report on their arsenals;", 1, "3(a)")])])
    assert [m.path for m in extractor.extract(p).measures] == ["3(a)"]


@pytest.mark.parametrize("text", [
    "The Office for Disarmament Affairs might consider preparing educational material on disarmament.",
    "States possessing nuclear weapons are accordingly encouraged to diminish the role of these weapons "
    "in their doctrines.",
    "It would be desirable for all States parties to take part in developing verification arrangements.",
    "An interactive dialogue on those reports could usefully be held at each session of the Preparatory Committee.",
])
def test_softer_calls_of_the_genre_make_a_paragraph_a_measure(extractor: Extractor, text: str) -> None:
    assert [m.path for m in extractor.extract(_en([para(4, text)], heading="Background")).measures] == ["4"]


def test_a_softer_statement_of_what_could_happen_is_no_measure(extractor: Extractor) -> None:
    text = "A miscalculation could lead to the use of nuclear weapons, with consequences no State could manage."
    assert extractor.extract(_en([para(4, text)], heading="Background")).measures == []


@pytest.mark.parametrize("lead", ["为此，第十一次审议大会不妨：", "因此，审议大会应当明确阐述以下几点。"])
def test_chinese_leads_that_offer_or_require_points_to_the_conference_make_lists_of_measures(
        extractor: Extractor, lead: str) -> None:
    p = paper(paragraphs=[para(2, lead, [item("a", "鼓励各缔约国在国家报告中列入有关资料；", 1, "2(a)")])],
              sections=[Section(1, "背景", None, 5)])
    (m,) = extractor.extract(p).measures
    assert m.path == "2(a)" and "review-conference" in keys(m.addressees)


def test_any_other_state_possessing_nuclear_weapons_is_called_upon_as_the_group_is(extractor: Extractor) -> None:
    p = _en([para(5, "The Group calls on the nuclear-weapon States, as well as on any other State possessing "
                     "nuclear weapons, to take the following steps:", [
                         item("a", "Lower the alert levels of their forces;", 1, "5(a)")])])
    (m,) = extractor.extract(p).measures
    assert keys(m.addressees) == {"p5", "nuclear-armed-states"}


def _zh(paragraphs, heading: str = "建议"):
    return paper("奥地利、墨西哥和泰国提交的工作文件", paragraphs=paragraphs, sections=[Section(1, heading, None, 5)])


def test_a_lead_that_asks_for_a_step_its_items_detail_is_a_step_too(extractor: Extractor) -> None:
    en = _en([para(1, "States parties should tighten their national export controls, including by:", [
        item("a", "Adopting legislation on brokering and transit;", 1, "1(a)"),
        item("b", "Implementing resolution 1540 (2004) in full.", 2, "1(b)")])], heading="Export controls")
    assert [m.path for m in extractor.extract(en).measures] == ["1", "1(a)", "1(b)"]
    zh = _zh([para(1, "我们鼓励各国制定国家裁军教育战略，其中包括：", [item("a", "将裁军教育纳入课程；", 1, "1(a)")])])
    by_path = {m.path: m for m in extractor.extract(zh).measures}
    assert set(by_path) == {"1", "1(a)"} and keys(by_path["1"].addressees) == {"all-states"}
    # a lead that only introduces its items stays a lead
    plain = _en([para(1, "The Group calls upon all States parties to:", [
        item("a", "Adopt legislation on brokering and transit.", 1, "1(a)")])])
    assert [m.path for m in extractor.extract(plain).measures] == ["1(a)"]


def test_points_a_conference_should_agree_on_are_steps(extractor: Extractor) -> None:
    p = _zh([para(1, "审议大会应就第十条的适用达成共同谅解，其要点如下：", [
        item("a", "退出国仍须对其违约行为承担责任；", 1, "1(a)"),
        item("b", "安全理事会应立即审议任何退出通知。", 2, "1(b)")])], heading="退出")
    by_path = {m.path: m for m in extractor.extract(p).measures}
    assert set(by_path) == {"1", "1(a)", "1(b)"}
    assert keys(by_path["1(b)"].addressees) == {"review-conference", "security-council"}


def test_a_name_opening_a_sentence_with_a_capital_is_still_the_name(extractor: Extractor) -> None:
    p = _en([para(1, "Supplier States should require comprehensive safeguards as a condition of any new transfer."),
             para(2, "The Conference should affirm that irreversibility applies to every reduction.")])
    by_path = {m.path: m for m in extractor.extract(p).measures}
    assert keys(by_path["1"].addressees) == {"developed-states-parties"}
    assert keys(by_path["2"].addressees) == {"review-conference"}


def test_a_subject_after_its_relative_clause_and_a_comma_is_called_upon(extractor: Extractor) -> None:
    p = _zh([para(1, "寻求海军核动力推进的无核武器国家，应与国际原子能机构尽早商定相关安排。")], heading="遵约")
    (m,) = extractor.extract(p).measures
    assert keys(m.addressees) == {"non-nuclear-weapon-states"}


def test_a_call_upon_those_just_named_by_a_pronoun_is_a_step(extractor: Extractor) -> None:
    p = _en([para(1, "The Group recalls the joint statement of the five nuclear-weapon States and encourages them "
                     "to reaffirm it.")], heading="Dialogue")
    (m,) = extractor.extract(p).measures
    assert keys(m.addressees) == {"p5"}


def test_the_depositaries_named_alone_are_the_three_states_and_inside_the_p5_only_the_p5(extractor: Extractor) -> None:
    p = _zh([para(1, "收到退约通知后，三个保存国政府应立即召集缔约国进行磋商。"),
             para(2, "呼吁核武器国家，特别是三个保存国，率先履行裁军承诺。")], heading="退约")
    by_path = {m.path: m for m in extractor.extract(p).measures}
    assert keys(by_path["1"].addressees) == {"GB", "RU", "US"}
    assert keys(by_path["2"].addressees) == {"p5"}


def test_annex_2_states_named_by_their_clause_or_after_in_particular(extractor: Extractor) -> None:
    p = _zh([para(1, "敦促附件二所列尚未批准《全面禁止核试验条约》的国家尽快批准该条约。"),
             para(2, "呼吁尚未批准该条约的国家，特别是其批准对条约生效不可或缺的其余八个国家，尽快批准。")],
            heading="禁试")
    by_path = {m.path: m for m in extractor.extract(p).measures}
    assert keys(by_path["1"].addressees) == {"annex-2-states"}
    assert keys(by_path["2"].addressees) == {"all-states", "annex-2-states"}
    en = _en([para(1, "We call upon all States that have not yet ratified the Treaty to do so, in particular the eight "
                      "remaining annex 2 States.")], heading="Testing")
    (m,) = extractor.extract(en).measures
    assert keys(m.addressees) == {"all-states", "annex-2-states"}


def test_a_lead_ending_in_its_modal_is_a_list_of_steps_for_its_subject(extractor: Extractor) -> None:
    p = _en([para(1, "Without prejudice to their other obligations, the nuclear-weapon States should", [
        item("a", "lower the readiness of their forces;", 1, "1(a)"),
        item("b", "publish their doctrines.", 2, "1(b)")])], heading="Risk reduction")
    by_path = {m.path: m for m in extractor.extract(p).measures}
    assert set(by_path) == {"1(a)", "1(b)"} and keys(by_path["1(a)"].addressees) == {"p5"}


def test_a_body_that_submits_the_paper_does_not_call_upon_itself() -> None:
    ex = Extractor(Gazetteer.load(), load_lexicon())
    p = paper("老挝人民民主共和国代表东南亚国家联盟提交的工作文件",
              paragraphs=[para(1, "东盟请国际原子能机构支持建立区域核安全监管机构网络。")],
              sections=[Section(1, "核安全", None, 5)])
    (m,) = ex.extract(p).measures
    assert keys(m.addressees) == {"iaea"}


def test_a_call_a_resolution_or_a_past_conference_made_is_history_not_a_step(extractor: Extractor) -> None:
    p = _zh([para(1, "联合国大会在其关于该地区的历次决议中，呼吁国际社会协助受影响的人口。"),
             para(2, "2010 年审议大会请核武器国家考虑降低战备状态。"),
             para(3, "审议大会应再次呼吁国际社会协助受影响的人口。")], heading="背景")
    assert [m.path for m in extractor.extract(p).measures] == ["3"]
    en = _en([para(1, "In resolution 64/35, the General Assembly called upon all States to observe the day."),
              para(2, "The Group calls upon all States to observe the day.")], heading="Background")
    assert [m.path for m in extractor.extract(en).measures] == ["2"]


def test_states_in_a_position_to_do_so_are_all_states_and_a_long_modal_lead_is_a_step(extractor: Extractor) -> None:
    p = _en([para(1, "States in a position to do so are invited to support the recovery of affected regions, "
                     "including by:", [item("a", "Financing long-term health monitoring;", 1, "1(a)")]),
             para(2, "States possessing nuclear weapons should reduce the operational readiness of their forces, "
                     "with a view to removing all nuclear weapons from high alert, including by:",
                  [item("a", "Separating warheads from delivery vehicles.", 1, "2(a)")])], heading="Recovery")
    by_path = {m.path: m for m in extractor.extract(p).measures}
    assert set(by_path) == {"1", "1(a)", "2", "2(a)"}
    assert keys(by_path["1(a)"].addressees) == {"all-states"}
    assert keys(by_path["2(a)"].addressees) == {"nuclear-armed-states"}


def test_what_a_report_is_to_cover_makes_its_items_reports_only(extractor: Extractor) -> None:
    p = _zh([para(1, "缔约国应在其国家报告中说明执行《条约》第六条的情况，其中包括：", [
        item("a", "核弹头的数量和类型；", 1, "1(a)"),
        item("b", "为降低核武器系统战备状态所采取的措施。", 2, "1(b)")])], heading="透明度")
    by_path = {m.path: m for m in extractor.extract(p).measures}
    assert by_path["1(b)"].types == [MT + "transparency-and-reporting"]


def test_more_leads_that_make_their_items_steps(extractor: Extractor) -> None:
    zh = _zh([para(1, "核武器国家应在国家报告中以标准格式提供以下资料", [item("a", "核弹头的总数；", 1, "1(a)")]),
              para(2, "我们呼吁国际社会加大对受影响地区的援助，具体做法包括：",
                   [item("a", "资助医疗方案；", 1, "2(a)")]),
              para(3, "审议大会应就第十条的适用形成共同理解，包括：", [item("a", "退出国仍须承担责任；", 1, "3(a)")])],
             heading="建议")
    by_path = {m.path: m for m in extractor.extract(zh).measures}
    assert {"1", "1(a)", "2", "2(a)", "3(a)"} <= set(by_path)
    assert keys(by_path["1"].addressees) == {"p5"}, "国家报告 is a national report, not all States"
    en = _en([para(1, "The following understandings could usefully be reflected in the final document:", [
                  item("a", "The Security Council should consider any notice of withdrawal at once.", 1, "1(a)")]),
              para(2, "We propose that the Conference begin work on a binding instrument, which would:", [
                  item("a", "prohibit the use of nuclear weapons against non-nuclear-weapon States.", 1, "2(a)")])])
    by_path = {m.path: m for m in extractor.extract(en).measures}
    assert {"1(a)", "2", "2(a)"} <= set(by_path)
    assert keys(by_path["1(a)"].addressees) >= {"security-council"}


def test_a_submitting_body_that_also_encourages_is_making_a_call() -> None:
    ex = Extractor(Gazetteer.load(), load_lexicon())
    p = paper("Working paper submitted by Thailand on behalf of the Association of Southeast Asian Nations",
              paragraphs=[para(1, "ASEAN also encourages universities in the region to teach nuclear security.")],
              sections=[Section(1, "Education", None, 5)], language="en")
    (m,) = ex.extract(p).measures
    assert "asean" not in keys(m.addressees)


def test_a_lead_whose_step_shall_include_its_items_and_a_demand_are_steps(extractor: Extractor) -> None:
    zh = _zh([para(1, "我们提议审议大会确认，缔约国将就受害者援助开展国际合作，这种合作应包括：", [
        item("a", "提供医疗援助；", 1, "1(a)")])], heading="援助")
    assert [m.path for m in extractor.extract(zh).measures] == ["1", "1(a)"]
    en = _en([para(1, "The Group further demands that all States parties prohibit any nuclear transfer to States "
                      "outside the Treaty.")], heading="Safeguards")
    (m,) = extractor.extract(en).measures
    assert keys(m.addressees) == {"all-states-parties"}


def test_a_call_upon_them_in_an_action_plan_of_the_past_is_history(extractor: Extractor) -> None:
    p = _zh([para(1, "2010 年审议大会通过的行动计划要求核武器国家加快进展，"
                     "并在行动 21 中鼓励它们商定一种标准报告格式。")], heading="导言")
    assert extractor.extract(p).measures == []
