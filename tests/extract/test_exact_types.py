"""Exact types for a sample of seed items: a measure that is given one type too many fails here.

Each expectation is a reading of the item's text (quoted in the comment), not of the builder.
"""

from __future__ import annotations

import re
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


EXACT = [
    ("000", "19(k)", {"safety-and-security-of-weapons"}),  # 加强核武器储存的安全和安保
    ("000", "19(l)", {"protection-of-command-and-control"}),  # 保护核武器指挥和控制系统免受网络威胁
    ("000", "19(n)", {"fissile-material-cut-off"}),  # 维持暂停…生产用于核武器的裂变材料
    # 遵守…安全保证方面的承诺…建设性地参与对话，成为建立无核武器区条约议定书的缔约方 (was four types)
    ("000", "19(p)", {"negative-security-assurances", "dialogue-and-confidence-building",
                      "nuclear-weapon-free-zones"}),
    ("000", "20(d)", {"no-first-use"}),  # 核武器拥有国采取不首先使用的政策
    ("000", "20(g)", {"avoiding-dual-capable-systems"}),  # 避免核和常规双重用途军事设施
    ("001", "12(b)", {"condemning-threats"}),  # 各国应继续谴责一切核威胁
    # 促请…俄罗斯联邦和美利坚合众国…立即解除这种状态: naming the two is not bilateral arms control
    ("001", "12(d)", {"de-alerting"}),
    ("001", "12(h)(七)", {"universality"}),  # 所有尚未加入《条约》的国家必须…加入
    ("003", "5(b)", {"test-ban", "no-new-nuclear-weapons"}),  # 使CTBT生效…限制核武器在质量上的发展
]


@pytest.mark.parametrize(("paper", "path", "types"), EXACT, ids=[f"{p}-{q}" for p, q, _ in EXACT])
def test_measure_has_exactly_the_types_its_text_asks_for(seeds, paper: str, path: str, types: set[str]) -> None:
    assert set(measure(seeds[paper], path).types) == {MT + t for t in types}


def test_a_measure_mitigates_only_the_risks_its_text_names(seeds) -> None:
    # 19(h) 减少和消除对早期发射或预警即发射态势的任何依赖…避免提高其核力量的戒备级别:
    # de-alerting's scheme lists six kinds of risk; the text names one
    assert measure(seeds["000"], "19(h)").mitigates == [RT + "high-alert-posture"]
    assert measure(seeds["000"], "19(k)").mitigates == []  # no risk named
    assert measure(seeds["001"], "12(d)").mitigates == [RT + "high-alert-posture"]


def test_every_type_and_mitigated_risk_has_the_phrase_that_matched_in_the_text(seeds) -> None:
    for f in seeds.values():
        for m in f.measures:
            quote = re.sub(r"\s+", "", m.quote).lower()
            for t in m.mitigates + ([] if m.fallback else m.types):
                phrase = m.triggers.get(t)
                if phrase == "" and t in m.types:
                    continue  # a report's own type, from its lead
                assert phrase, (f.file, m.path, t)
                head = re.sub(r"\s+", "", phrase).lower()
                # the phrase is the item's words, or its lead's (a list's theme)
                assert head in quote or t in m.types, (f.file, m.path, t, phrase)


def test_seed_measures_have_at_most_two_types_on_average(seeds) -> None:
    measures = [m for f in seeds.values() for m in f.measures]
    assert sum(len(m.types) for m in measures) / len(measures) <= 2
    assert max(len(m.types) for m in measures) <= 3
