"""Working papers written for the tests, in the genre's variants, as paper dicts for `unpdf`.

Each is small but carries what its variant needs: English cover blocks of a Preparatory
Committee session and of a Review Conference, the three forms of the submitter line (a list of
States; one State on behalf of a coalition with its members in brackets; a group of States),
numbered paragraphs, lettered items running past (h) to (i) and (j), (i)/(ii) sub-items, raised
footnote marks, and long words that the PDF maker hyphenates at line ends. `RISK_ZH` is the
Chinese version of `RISK_EN` (same symbol); it names one State that the English does not, so
the two versions disagree in one place.
"""

from __future__ import annotations

import copy
from typing import Any

SYMBOL = "NPT/CONF.2026/PC.I/WP.31"


def _blocks(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"kind": k, "text": t} for k, t in pairs]


RISK_EN: dict[str, Any] = {
    "lang": "en", "symbol": SYMBOL, "date": "2 August 2023", "languages": ["Original: English"],
    "job": "23-15021 (E)",
    "conference": ["Preparatory Committee for the 2026 Review Conference of the",
                   "Parties to the Treaty on the Non-Proliferation of", "Nuclear Weapons"],
    "session": "First session", "place_dates": "Vienna, 31 July–11 August 2023",
    "title": "Reducing the risk of nuclear weapons use",
    "submitter": "Working paper submitted by Austria, Chile, Mexico and Thailand",
    "blocks": _blocks(
        ("heading", "Introduction"),
        ("para", "1. The risk that nuclear weapons will be used, intentionally, by miscalculation or by accident, "
                 "has grown in recent years, as relations between nuclear-armed States have deteriorated and the "
                 "arms control architecture has been eroded.[^1] The implementation of article VI of the Treaty "
                 "remains the only guarantee against these dangers."),
        ("para", "2. Disruptive technologies, including offensive cyber capabilities and artificial intelligence "
                 "in command and control systems, compound the risk and shorten the time available to leaders "
                 "for decisions of unprecedented consequence."),
        ("heading", "Recommendations"),
        ("para", "3. The States parties should agree on the following measures:"),
        ("item", "(a) Reduce the operational readiness of nuclear weapon systems;"),
        ("item", "(b) Establish crisis communication channels between nuclear-armed States;"),
        ("item", "(c) Refrain from nuclear rhetoric and threats of use;"),
        ("item", "(d) Adopt declaratory policies of no first use;"),
        ("item", "(e) Provide negative security assurances to non-nuclear-weapon States;"),
        ("item", "(f) Notify each other in advance of ballistic missile launches;"),
        ("item", "(g) Retain human control over decisions on the employment of nuclear weapons;"),
        ("item", "(h) Report regularly on their nuclear arsenals and doctrines;"),
        ("item", "(i) Sign and ratify the Comprehensive Nuclear-Test-Ban Treaty;"),
        ("item", "(j) Support negotiations on a fissile material cut-off treaty."),
        ("para", "4. The Conference should request the nuclear-weapon States to report on:"),
        ("item", "(a) Their nuclear doctrines, including:"),
        ("subitem", "(i) The role of nuclear weapons in their security policies;"),
        ("subitem", "(ii) The circumstances in which the use of nuclear weapons would be considered;"),
        ("item", "(b) The measures taken to reduce risks, in cooperation with the United Kingdom of Great Britain "
                 "and Northern Ireland and the Russian Federation.[^2]"),
        ("para", "5. The International Atomic Energy Agency should be invited to present its work on the "
                 "safety and security of nuclear installations in areas of armed conflict."),
    ),
    "footnotes": {
        "1": "See the Final Document of the 2010 Review Conference (NPT/CONF.2010/50 (Vol. I)).",
        "2": "See also the statement of the Republic of Korea of 3 January 2022.",
    },
}

#: The Chinese version of RISK_EN: the same symbol and paragraphs; item 4(b) also names China.
RISK_ZH: dict[str, Any] = {
    "lang": "zh", "symbol": SYMBOL, "date": "2 August 2023", "languages": ["Chinese", "Original: English"],
    "job": "23-15021 (C)",
    "conference": ["不扩散核武器条约缔约国", "2026 年审议大会", "筹备委员会"],
    "session": "第一届会议", "place_dates": "2023 年 7 月 31 日至 8 月 11 日，维也纳",
    "title": "减少使用核武器的风险",
    "submitter": "奥地利、智利、墨西哥和泰国提交的工作文件",
    "blocks": _blocks(
        ("heading", "导言"),
        ("para", "1. 近年来，由于核武装国家之间关系恶化、军备控制架构遭到侵蚀，"
                 "蓄意、误判或意外使用核武器的风险有所上升。[^1]执行《条约》第六条仍然是防范这些危险的唯一保障。"),
        ("para", "2. 颠覆性技术，包括进攻性网络能力和指挥控制系统中的人工智能，加剧了风险，"
                 "缩短了领导人作出后果空前的决定的时间。"),
        ("heading", "建议"),
        ("para", "3. 缔约国应商定以下措施："),
        ("item", "(a) 降低核武器系统的戒备状态；"),
        ("item", "(b) 在核武装国家之间建立危机沟通渠道；"),
        ("item", "(c) 不发表核言论，不威胁使用核武器；"),
        ("item", "(d) 通过不首先使用核武器的宣示政策；"),
        ("item", "(e) 向无核武器国家提供消极安全保证；"),
        ("item", "(f) 相互事先通报弹道导弹发射；"),
        ("item", "(g) 在使用核武器的决定上保留人的控制；"),
        ("item", "(h) 定期报告其核武库和核理论；"),
        ("item", "(i) 签署和批准《全面禁止核试验条约》；"),
        ("item", "(j) 支持就禁止生产裂变材料条约进行谈判。"),
        ("para", "4. 审议大会应请核武器国家报告以下情况："),
        ("item", "(a) 其核理论，包括："),
        ("subitem", "(一) 核武器在其安全政策中的作用；"),
        ("subitem", "(二) 考虑使用核武器的情形；"),
        ("item", "(b) 与大不列颠及北爱尔兰联合王国、俄罗斯联邦和中国合作采取的减少风险措施。[^2]"),
        ("para", "5. 应请国际原子能机构介绍其在武装冲突地区核设施安全和安保方面的工作。"),
    ),
    "footnotes": {
        "1": "见 2010 年审议大会最后文件(NPT/CONF.2010/50 (Vol. I))。",
        "2": "另见大韩民国 2022 年 1 月 3 日的声明。",
    },
}

NAC_EN: dict[str, Any] = {
    "lang": "en", "symbol": "NPT/CONF.2020/WP.8", "date": "29 April 2022", "languages": ["Original: English"],
    "job": "22-06731 (E)",
    "conference": ["2020 Review Conference of the Parties to the Treaty",
                   "on the Non-Proliferation of Nuclear Weapons"],
    "session": "", "place_dates": "New York, 1–26 August 2022",
    "title": "Nuclear disarmament",
    "submitter": "Working paper submitted by New Zealand on behalf of the New Agenda Coalition "
                 "(Brazil, Egypt, Ireland, Mexico, New Zealand and South Africa)[^*]",
    "blocks": _blocks(
        ("para", "1. The New Agenda Coalition recalls the unequivocal undertaking by the nuclear-weapon States to "
                 "accomplish the total elimination of their nuclear arsenals, agreed in 2000 and reaffirmed in "
                 "2010 (NPT/CONF.2010/50 (Vol. I))."),
        ("para", "2. The Coalition calls upon the nuclear-weapon States to:"),
        ("item", "(a) Implement their disarmament obligations under article VI without further delay;"),
        ("item", "(b) Diminish the role of nuclear weapons in their security doctrines;"),
        ("item", "(c) Report on their implementation using a standard reporting form."),
        ("para", "3. The Coalition will continue to work with the United States of America, the Russian "
                 "Federation and all other States towards a world without nuclear weapons."),
    ),
    "footnotes": {"*": "The present paper is also submitted on behalf of the Coalition's members."},
}

NAM_EN: dict[str, Any] = {
    "lang": "en", "symbol": "NPT/CONF.2026/PC.II/WP.5", "date": "10 July 2024", "languages": ["Original: English"],
    "job": "24-12345 (E)",
    "conference": ["Preparatory Committee for the 2026 Review Conference of the",
                   "Parties to the Treaty on the Non-Proliferation of", "Nuclear Weapons"],
    "session": "Second session", "place_dates": "Geneva, 22 July–2 August 2024",
    "title": "Peaceful uses of nuclear energy",
    "submitter": "Working paper submitted by the Group of Non-Aligned States Parties to the Treaty on the "
                 "Non-Proliferation of Nuclear Weapons",
    "blocks": _blocks(
        ("para", "1. The Group of Non-Aligned States Parties reaffirms the inalienable right of all States parties "
                 "to develop research, production and use of nuclear energy for peaceful purposes without "
                 "discrimination, in conformity with article IV of the Treaty."),
        ("para", "2. The Group calls upon the International Atomic Energy Agency to strengthen its technical "
                 "cooperation programme and to ensure that its resources are sufficient, assured and predictable."),
    ),
    "footnotes": {},
}


def renumbered(paper: dict[str, Any], k: int) -> dict[str, Any]:
    """A copy of `paper` under another symbol (for corpora of many papers)."""
    p = copy.deepcopy(paper)
    head, _, n = p["symbol"].rpartition(".")
    p["symbol"] = f"{head}.{int(n) + 100 * k}"
    return p
