"""The three seed papers, read by the real parser and extractor, checked against a reading of their text."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import vocab
from kg.extract import Extractor, PaperFacts
from kg.extract.gazetteer import Gazetteer
from kg.extract.lexicon import load_lexicon
from kg.read import parse_file

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
MT = vocab.MEASURE_TYPE_NS
RT = vocab.RISK_TYPE_NS


@pytest.fixture(scope="module")
def seeds() -> dict[str, PaperFacts]:
    x = Extractor(Gazetteer.load(), load_lexicon())
    return {p.name[:3]: x.extract(parse_file(p)) for p in sorted(SEEDS.glob("*.txt"))}


def measure(f: PaperFacts, path: str):
    (m,) = [m for m in f.measures if m.path == path]
    return m


def risk_types(f: PaperFacts, path: str) -> set[str]:
    return {t for r in f.risks if r.path == path for t in r.types}


# --- 000: eleven states, PrepCom I of the 2026 cycle ------------------------------------------


def test_000_is_submitted_by_eleven_states(seeds: dict[str, PaperFacts]) -> None:
    f = seeds["000"]
    assert sorted(e.key for e in f.header.submitters) == \
        ["AT", "CL", "CO", "CR", "EC", "KI", "LI", "MT", "MX", "SM", "TH"]
    assert f.header.coalition is None
    assert f.symbol is None and f.doc.endswith("/doc/000_7fd555d8a5aa5ef7")


def test_000_went_to_the_first_prepcom_session_of_the_2026_cycle_inferred(seeds: dict[str, PaperFacts]) -> None:
    m = seeds["000"].meeting
    assert m is not None
    assert (m.cycle, m.session, m.cycle_inferred) == (2026, 1, True)
    assert (str(m.start), str(m.end), m.city_zh, m.city_en) == ("2023-07-31", "2023-08-11", "维也纳", "Vienna")


def test_000_structure(seeds: dict[str, PaperFacts]) -> None:
    f = seeds["000"]
    assert [p.number for p in f.paragraphs] == list(range(1, 22))
    assert len(f.sections) == 5
    assert len(f.footnotes) == 6
    # (a)-(h) of 11, (a)-(c) of 13, three bullets of 15, (a)-(q) of 19, (a)-(g) of 20, (a)-(f) of 21
    assert len(f.items) == 8 + 3 + 3 + 17 + 7 + 6


def test_000_cites_the_mandating_resolution_and_the_oewg_report(seeds: dict[str, PaperFacts]) -> None:
    cited = {s for u in seeds["000"].units for s, _ in u.cites}
    assert cited == {"A/RES/70/33", "A/71/371"}


def test_000_measure_types(seeds: dict[str, PaperFacts]) -> None:
    f = seeds["000"]
    assert MT + "de-alerting" in measure(f, "19(h)").types
    assert MT + "protection-of-command-and-control" in measure(f, "19(l)").types
    assert MT + "test-ban" in measure(f, "19(m)").types
    assert MT + "fissile-material-cut-off" in measure(f, "19(n)").types
    assert MT + "no-first-use" in measure(f, "20(d)").types
    assert MT + "negative-security-assurances" in measure(f, "20(f)").types
    assert MT + "avoiding-dual-capable-systems" in measure(f, "20(g)").types
    assert MT + "transparency-and-reporting" in measure(f, "11(b)").types  # from the lead: 下列透明措施
    assert {e.key for e in measure(f, "20(a)").addressees} >= {"RU", "US"}
    assert [t.key for t in measure(f, "20(a)").treaties] == ["new-start"]


def test_000_risk_factors_of_paragraph_15(seeds: dict[str, PaperFacts]) -> None:
    f = seeds["000"]
    assert RT + "regional-conflicts" in risk_types(f, "15•1")
    assert RT + "cyber-attack-c2" in risk_types(f, "15•2")
    assert RT + "automation-ai" in risk_types(f, "15•3")


def test_000_paragraph_1_names_risks_without_a_list(seeds: dict[str, PaperFacts]) -> None:
    types = risk_types(seeds["000"], "1")
    assert {RT + "miscalculation", RT + "hypersonic-short-decision-time", RT + "cyber-attack-c2",
            RT + "automation-ai", RT + "lowered-threshold"} <= types


def test_000_section_iv_lists_risky_actions_not_measures(seeds: dict[str, PaperFacts]) -> None:
    f = seeds["000"]
    paths = [f"21({c})" for c in "abcdef"]
    assert not [m for m in f.measures if m.path in paths]
    risky = {r.path for r in f.risks if r.risky_action}
    assert risky == set(paths)
    assert RT + "threats-of-use" in risk_types(f, "21(b)")
    assert RT + "forward-deployment" in risk_types(f, "21(f)")


# --- 001: the New Agenda Coalition at PrepCom II ----------------------------------------------


def test_001_new_zealand_on_behalf_of_the_new_agenda_coalition(seeds: dict[str, PaperFacts]) -> None:
    h = seeds["001"].header
    assert [e.key for e in h.submitters] == ["NZ"]
    assert h.coalition is not None and h.coalition.key == "new-agenda-coalition"
    assert sorted(e.key for e in h.members) == ["BR", "EG", "IE", "MX", "NZ", "ZA"]


def test_001_meeting_is_printed(seeds: dict[str, PaperFacts]) -> None:
    f = seeds["001"]
    m = f.meeting
    assert m is not None and (m.cycle, m.session, m.cycle_inferred, m.city_en) == (2026, 2, False, "Geneva")
    assert str(f.issue_date) == "2024-05-16" and f.original_language == "en"


def test_001_structure_and_citations(seeds: dict[str, PaperFacts]) -> None:
    f = seeds["001"]
    assert [p.number for p in f.paragraphs] == list(range(1, 13))
    assert sorted(fn.mark for fn in f.footnotes) == ["*", "1", "2", "3"]
    assert len(f.items) == 14 + 11 + 8 + 9
    cited = {s for u in f.units for s, _ in u.cites}
    assert cited == {"NPT/CONF.2026/PC.I/WP.5", "NPT/CONF.2000/28"}
    statements = {s.iri.rsplit("/", 1)[1] for u in f.units for s in u.statements}
    assert statements == {"2022-01-p5", "2022-11-g20"}


def test_001_measures(seeds: dict[str, PaperFacts]) -> None:
    f = seeds["001"]
    d = measure(f, "12(d)")
    assert MT + "de-alerting" in d.types
    assert sorted(e.key for e in d.addressees) == ["RU", "US"]
    assert MT + "condemning-threats" in measure(f, "12(b)").types
    assert MT + "declassification" in measure(f, "12(g)").types
    assert MT + "no-first-use" in measure(f, "12(h)(三)").types
    assert MT + "universality" in measure(f, "12(h)(七)").types
    assert {t.key for t in measure(f, "12(h)(九)").treaties} == {"npt", "outer-space-treaty", "tpnw"}
    # sub-items are measures of their own, and so is (h)
    assert {m.path for m in f.measures} >= {"12(h)"} | {f"12(h)({n})" for n in "一二三四五六七八九"}


def test_001_risks_of_paragraphs_1_and_8(seeds: dict[str, PaperFacts]) -> None:
    f = seeds["001"]
    listed = {r.path for r in f.risks if r.path.startswith(("1(", "8("))}
    assert len(listed) == 14 + 11
    assert RT + "threats-of-use" in risk_types(f, "1(a)")
    assert RT + "resumption-of-testing" in risk_types(f, "1(f)")
    assert RT + "human-error-false-alarms" in risk_types(f, "8(d)")
    assert not [m for m in f.measures if m.path.startswith(("1(", "8("))]


# --- 003: the United Kingdom at the 2020 Review Conference ------------------------------------


def test_003_united_kingdom_at_the_2020_review_conference(seeds: dict[str, PaperFacts]) -> None:
    f = seeds["003"]
    assert [e.key for e in f.header.submitters] == ["GB"]
    m = f.meeting
    assert m is not None and (m.cycle, m.session, m.cycle_inferred, m.city_en) == (2020, None, True, "New York")
    assert (str(m.start), str(m.end)) == ("2022-01-04", "2022-01-28")
    assert m.iri.endswith("/meeting/revcon-2020")


def test_003_seven_steps_are_measures(seeds: dict[str, PaperFacts]) -> None:
    f = seeds["003"]
    # the seven steps, and two narrative paragraphs that themselves call on States
    # (15: 各国必须合作并参与讨论; 17: 我们邀请所有国家与我们合作，采取必要的…步骤)
    assert [m.path for m in f.measures] == [f"5({c})" for c in "abcdefg"] + ["15", "17"]
    assert MT + "test-ban" in measure(f, "5(b)").types
    assert [t.key for t in measure(f, "5(b)").treaties] == ["ctbt"]
    assert MT + "fissile-material-cut-off" in measure(f, "5(c)").types
    assert MT + "nuclear-weapon-free-zones" in measure(f, "5(d)").types
    assert sorted(e.key for e in measure(f, "5(a)").addressees if e.kind == "state") == ["RU", "US"]


def test_003_names_initiatives_organizations_and_article_vi(seeds: dict[str, PaperFacts]) -> None:
    f = seeds["003"]
    by_number = {u.number: u for u in f.paragraphs}
    assert {e.key for e in by_number[5].mentions} == {"stockholm-initiative", "npdi", "cend"}
    assert {e.key for e in by_number[16].mentions} == {"npt", "ctbto", "iaea", "conference-on-disarmament"}
    assert [(t.key, r) for t, r in by_number[2].articles] == [("npt", "VI")]
    assert len(f.footnotes) == 0 and len(f.paragraphs) == 18
