"""A phrase bank for synthetic working papers: realistic fragments, recombined by `bench.generate`.

The fragments follow the language of Chinese NPT working papers (measures, risks, treaties,
citations, meetings) without copying any paper: the generator joins subjects, verbs, objects
and purposes at random, so every synthetic paragraph is new text of the same genre.
"""

from __future__ import annotations

import datetime as dt

from babel import Locale

# --- states -------------------------------------------------------------------------------

#: ISO 3166-1 alpha-2 codes of the 193 UN member states.
_UN_MEMBER_TABLE = """
AF AL DZ AD AO AG AR AM AU AT AZ BS BH BD BB BY BE BZ BJ BT BO BA BW BR BN BG BF BI CV KH CM CA
CF TD CL CN CO KM CG CR CI HR CU CY CZ KP CD DK DJ DM DO EC EG SV GQ ER EE SZ ET FJ FI FR GA GM GE
DE GH GR GD GT GN GW GY HT HN HU IS IN ID IR IQ IE IL IT JM JP JO KZ KE KI KW KG LA LV LB LS LR LY
LI LT LU MG MW MY MV ML MT MH MR MU MX FM MC MN ME MA MZ MM NA NR NP NL NZ NI NE NG MK NO OM PK PW
PA PG PY PE PH PL PT QA KR MD RO RU RW KN LC VC WS SM ST SA SN RS SC SL SG SK SI SB SO ZA SS ES LK
SD SR SE CH SY TJ TH TL TG TO TT TN TR TM TV UG UA AE GB TZ US UY UZ VU VE VN YE ZM ZW
"""
UN_MEMBERS: tuple[str, ...] = tuple(_UN_MEMBER_TABLE.split())

#: UN members that are not parties to the Treaty (or have announced withdrawal): they submit no papers.
NON_PARTIES: frozenset[str] = frozenset({"IN", "PK", "IL", "SS", "KP"})

NUCLEAR_WEAPON_STATES: tuple[str, ...] = ("CN", "FR", "RU", "GB", "US")

#: Official long forms used in UN documents, where they differ from the CLDR short name.
UN_FORMS: dict[str, str] = {
    "GB": "大不列颠及北爱尔兰联合王国",
    "US": "美利坚合众国",
    "RU": "俄罗斯联邦",
    "KR": "大韩民国",
    "IR": "伊朗伊斯兰共和国",
    "SY": "阿拉伯叙利亚共和国",
    "VE": "委内瑞拉玻利瓦尔共和国",
    "BO": "多民族玻利维亚国",
    "TZ": "坦桑尼亚联合共和国",
    "MD": "摩尔多瓦共和国",
    "LA": "老挝人民民主共和国",
    "FM": "密克罗尼西亚联邦",
    "BN": "文莱达鲁萨兰国",
    "NL": "荷兰王国",
    "CZ": "捷克共和国",
    "CD": "刚果民主共和国",
    "CG": "刚果",
}

#: CLDR names that UN documents never print (they carry CLDR's disambiguating brackets).
_CLDR_UNUSED: frozenset[str] = frozenset({"CD", "CG"})


def state_names() -> dict[str, tuple[str, ...]]:
    """ISO code -> the Chinese names a paper may print for that state (CLDR short name, UN form)."""
    cldr = Locale("zh").territories
    names: dict[str, tuple[str, ...]] = {}
    for code in UN_MEMBERS:
        forms = [] if code in _CLDR_UNUSED else [cldr[code]]
        if code in UN_FORMS and UN_FORMS[code] not in forms:
            forms.append(UN_FORMS[code])
        names[code] = tuple(forms)
    return names


# --- coalitions -----------------------------------------------------------------------------

#: Coalition name (as printed) -> member states (ISO codes), as they stood when they last submitted.
COALITIONS: dict[str, tuple[str, ...]] = {
    "新议程联盟": ("BR", "EG", "IE", "MX", "NZ", "ZA"),
    "不扩散与裁军倡议": ("AU", "CA", "CL", "DE", "JP", "MX", "NL", "NG", "PH", "PL", "TR", "AE"),
    "维也纳十国集团": ("AU", "AT", "CA", "DK", "FI", "HU", "IE", "NL", "NZ", "NO", "SE"),
    "降低戒备状态小组": ("CL", "MY", "NZ", "NG", "SE", "CH"),
    "关于核裁军的斯德哥尔摩倡议": (
        "AR", "CA", "FI", "DE", "ID", "JP", "JO", "KZ", "NL", "NZ", "NO", "KR", "ES", "SE", "CH",
    ),
}

# --- meetings -------------------------------------------------------------------------------

CITIES: dict[str, str] = {"维也纳": "Vienna", "日内瓦": "Geneva", "纽约": "New York"}

#: Real meeting dates where they are on record: (cycle, session or 0 for the Review Conference).
KNOWN_MEETINGS: dict[tuple[int, int], tuple[str, dt.date, dt.date]] = {
    (2026, 1): ("维也纳", dt.date(2023, 7, 31), dt.date(2023, 8, 11)),
    (2026, 2): ("日内瓦", dt.date(2024, 7, 22), dt.date(2024, 8, 2)),
    (2026, 3): ("纽约", dt.date(2025, 4, 28), dt.date(2025, 5, 9)),
    (2026, 0): ("纽约", dt.date(2026, 4, 27), dt.date(2026, 5, 22)),
    (2020, 1): ("维也纳", dt.date(2017, 5, 2), dt.date(2017, 5, 12)),
    (2020, 2): ("日内瓦", dt.date(2018, 4, 23), dt.date(2018, 5, 4)),
    (2020, 3): ("纽约", dt.date(2019, 4, 29), dt.date(2019, 5, 10)),
    (2020, 0): ("纽约", dt.date(2022, 1, 4), dt.date(2022, 1, 28)),
    (2015, 1): ("维也纳", dt.date(2012, 4, 30), dt.date(2012, 5, 11)),
    (2015, 2): ("日内瓦", dt.date(2013, 4, 22), dt.date(2013, 5, 3)),
    (2015, 3): ("纽约", dt.date(2014, 4, 28), dt.date(2014, 5, 9)),
    (2015, 0): ("纽约", dt.date(2015, 4, 27), dt.date(2015, 5, 22)),
    (2010, 0): ("纽约", dt.date(2010, 5, 3), dt.date(2010, 5, 28)),
}

#: Review cycles the generator spreads papers over (the Conference year names the cycle).
CYCLES: tuple[int, ...] = (2000, 2005, 2010, 2015, 2020, 2026, 2030)

SESSION_ZH: dict[int, str] = {1: "第一届会议", 2: "第二届会议", 3: "第三届会议", 4: "第四届会议"}
ROMAN: dict[int, str] = {1: "I", 2: "II", 3: "III", 4: "IV"}
ORIGINALS: tuple[tuple[str, str], ...] = (("English", "en"), ("French", "fr"), ("Spanish", "es"),
                                         ("English", "en"), ("Chinese", "zh"), ("Russian", "ru"),
                                         ("Arabic", "ar"))
ENGLISH_MONTHS: tuple[str, ...] = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)

# --- titles and headings --------------------------------------------------------------------

TITLE_HEADS: tuple[str, ...] = (
    "减少核风险", "核裁军", "建立一个没有核武器的世界", "消极安全保证", "核透明度与问责制",
    "降低核武器系统的战备状态", "《全面禁止核试验条约》的生效", "和平利用核能", "核不扩散与保障监督",
    "建立中东无核武器和其他大规模毁灭性武器区", "核裁军核查", "裂变材料禁产条约", "核安保",
    "核武器的人道主义后果", "裁军与不扩散教育", "新兴技术与核风险", "无核武器区",
)
TITLE_TAILS: tuple[str, ...] = (
    "", "", "：参考文件", "：前进的道路", "：对本审议周期的贡献", "的措施", "的实际步骤",
    "：建议", "问题", "：加强《条约》的审议进程",
)

INTRO_HEADINGS: tuple[str, ...] = ("导言", "背景", "概述")
BODY_HEADINGS: tuple[str, ...] = (
    "核危险空前严重", "可实现的短期进展", "处理长期问题", "全球责任", "透明度措施",
    "减少和消除意外引爆核武器的风险", "核裁军和军备控制进程停滞不前", "核武器的灾难性人道主义后果",
    "减少核风险的其他措施", "避免增加核冲突风险的行动", "安全保证", "核查与不可逆性",
    "和平利用核能的权利", "保障监督与出口管制", "区域问题", "新兴技术的影响", "核安保与实物保护",
)
RECOMMENDATION_HEADINGS: tuple[str, ...] = ("建议", "建议的措施", "建议与结论")
CLOSING_HEADINGS: tuple[str, ...] = ("结论", "结束语", "前进方向")
CHINESE_NUMERALS: tuple[str, ...] = (
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
    "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十",
)

# --- treaties and citations -----------------------------------------------------------------

#: Treaty key -> the names a paper prints between 《》.
TREATIES: dict[str, tuple[str, ...]] = {
    "npt": ("不扩散核武器条约", "不扩散条约"),
    "ctbt": ("全面禁止核试验条约",),
    "tpnw": ("禁止核武器条约",),
    "new-start": ("关于进一步削减和限制进攻性战略武器措施条约", "新裁武条约"),
    "tlatelolco": ("拉丁美洲和加勒比禁止核武器条约", "特拉特洛尔科条约"),
    "rarotonga": ("南太平洋无核区条约", "拉罗通加条约"),
    "bangkok": ("东南亚无核武器区条约", "曼谷条约"),
    "pelindaba": ("非洲无核武器区条约", "佩林达巴条约"),
    "semipalatinsk": ("中亚无核武器区条约",),
    "outer-space": ("关于各国探索和利用包括月球和其他天体在内外层空间活动的原则条约", "外层空间条约"),
    "cwc": ("化学武器公约",),
    "bwc": ("生物武器公约",),
    "cppnm": ("核材料实物保护公约",),
}
ARTICLES: tuple[str, ...] = ("第一条", "第二条", "第三条", "第四条", "第六条", "第七条", "第八条", "第十条")

#: UN documents: canonical symbol -> how the text cites it (`{}` is where the symbol or number goes).
RESOLUTIONS: tuple[tuple[str, str], ...] = (
    ("A/RES/70/33", "大会第 70/33 号决议"),
    ("A/RES/71/258", "大会第 71/258 号决议"),
    ("A/RES/75/71", "大会第 75/71 号决议"),
    ("A/RES/76/34", "大会第 76/34 号决议"),
    ("A/RES/77/54", "大会第 77/54 号决议"),
    ("A/RES/78/25", "大会第 78/25 号决议"),
    ("S/RES/1540(2004)", "安全理事会第 1540(2004)号决议"),
    ("S/RES/984(1995)", "安全理事会第 984(1995)号决议"),
)
REPORTS: tuple[tuple[str, str], ...] = (
    ("A/71/371", "2016 年 9 月 1 日"),
    ("A/68/514", "2013 年 10 月 9 日"),
    ("A/75/80", "2020 年 3 月 16 日"),
    ("A/77/193", "2022 年 7 月 20 日"),
    ("CD/1299", "1995 年 3 月 24 日"),
    ("A/73/1", "2018 年 7 月 30 日"),
)
CONFERENCE_DOCS: tuple[tuple[str, str], ...] = (
    ("NPT/CONF.2000/28", "(第一和第二部分)"),
    ("NPT/CONF.2010/50", "(第一卷)"),
    ("NPT/CONF.1995/32", "(第一部分)"),
    ("NPT/CONF.2015/50", ""),
)

# --- substance: measures ----------------------------------------------------------------------

MEASURE_SUBJECTS: tuple[str, ...] = (
    "核武器国家", "所有核武器国家", "所有国家", "《条约》缔约国", "拥有核武器的国家", "各缔约国",
    "俄罗斯联邦和美国", "核武器拥有国", "所有依赖核武器的国家", "各国",
)
MEASURE_MODALS: tuple[str, ...] = ("应", "应当", "必须", "应立即", "应进一步", "应继续", "应尽早")

#: kind -> verb-object cores of proposed measures.
MEASURE_CORES: dict[str, tuple[str, ...]] = {
    "de-alerting": (
        "降低核武器系统的戒备状态", "解除高度戒备战略部队的戒备状态", "取消预警即发射的做法",
        "放弃遇袭即发射的态势",
    ),
    "no-first-use": ("采取不首先使用核武器的政策", "承诺在任何情况下都不首先使用核武器"),
    "transparency": (
        "定期提供关于核武库的标准化资料", "报告已部署和未部署核弹头的数量和类型",
        "公布为军事目的生产的裂变材料数量", "提交标准化的国家执行情况报告",
        "在涉及核武器的事故方面更加透明",
    ),
    "ctbt": (
        "签署并批准《全面禁止核试验条约》", "促使《全面禁止核试验条约》早日生效",
        "维持暂停核武器试爆的规定",
    ),
    "fmct": (
        "在裁军谈判会议上立即开始谈判禁止生产用于核武器的裂变材料的条约",
        "维持暂停生产用于核武器的裂变材料", "拆除用于生产核武器裂变材料的设施",
    ),
    "negative-security-assurances": (
        "为无核武器国家提供具有法律约束力的消极安全保证",
        "保证不对无核武器国家使用或威胁使用核武器",
        "撤销对无核武器区条约议定书的保留和解释性声明",
    ),
    "nwfz": (
        "建立中东无核武器和其他大规模毁灭性武器区", "成为建立无核武器区条约议定书的缔约方",
        "进一步建立无核武器区",
    ),
    "reductions": (
        "进一步大幅削减其核武库总量", "减少已部署的战略核武器的数量", "减少非战略核武器的数量",
        "迅速着手全面削减全球储存的各种核武器", "不增加其核武库的总体规模",
    ),
    "doctrine": (
        "降低核武器在安全理论、政策和计划中的作用", "减少对核武器的依赖",
        "不再将核武器瞄准任何国家",
    ),
    "dialogue": (
        "建立危机沟通渠道和热线", "就战略稳定问题开展对话", "建立信任措施以减少误判",
        "交流核理论方面的信息",
    ),
    "cyber": (
        "确保保护核武器指挥和控制系统免受网络威胁", "不将人工智能纳入核指挥和控制系统",
        "保持人对核武器使用决策的控制",
    ),
    "safeguards": (
        "签署并实施附加议定书", "加强国际原子能机构的保障监督制度", "加强出口管制",
        "加强核材料和核设施的实物保护",
    ),
    "peaceful-uses": (
        "为和平利用核能提供技术援助", "支持国际原子能机构的技术合作方案",
        "以安全和有保障的方式发展民用核能",
    ),
    "verification": (
        "参与核裁军核查方面的国际合作", "以透明、可核查和不可逆转的方式削减核武器",
    ),
    "education": ("开展裁军与不扩散教育", "支持民间社会参与裁军进程"),
}
MEASURE_PURPOSES: tuple[str, ...] = (
    "", "", "", "，以降低误判的风险", "，作为建立信任的措施", "，以履行第六条规定的义务",
    "，以减少意外使用核武器的风险", "，并在商定的时限内执行", "，作为实现核裁军的过渡步骤",
    "，以增进理解与信任", "，以维护《条约》的信誉",
)

# --- substance: risks and actions to avoid ---------------------------------------------------

RISK_CORES: dict[str, tuple[str, ...]] = {
    "threats-of-use": ("暗示和明确威胁使用核武器", "威胁使用核武器的言论不断增加"),
    "arsenal-growth": ("核武库在质量和数量上扩大", "发展新型核武器和运载系统", "各项核现代化计划出台"),
    "cyber": ("核武器指挥和控制系统易受网络攻击", "网络空间的恶意活动可能干扰预警系统"),
    "emerging-tech": (
        "人工智能在军事领域的应用可能加快冲突升级", "高超音速导弹缩短了决策时间",
        "外层空间领域的发展可能增加使用核武器的风险",
    ),
    "misperception": ("误判和误解可能导致局势螺旋式升级", "因失误或未经授权而引爆核武器的风险"),
    "high-alert": ("核武器保持高度戒备状态", "预警即发射态势缩短了反应时间"),
    "forward-deployment": ("在其他国家领土上部署核武器", "扩大核威慑安排"),
    "erosion": ("军备控制条约体系受到侵蚀", "不遵守条约制度的情况增加", "核裁军谈判长期停滞"),
    "testing": ("恢复核试验的可能性", "撤销对《全面禁止核试验条约》的批准"),
    "terrorism": ("非国家行为体获取核材料或放射性材料", "核设施遭受武装攻击"),
    "tension": ("国际和区域两级的紧张局势加剧", "涉及核层面的冲突持续存在"),
}
RISK_LEADS: tuple[str, ...] = (
    "可能导致核武器爆炸风险不断增加的因素包括：",
    "我们对以下事态发展深表关切：",
    "这些发展包括：",
    "当前的核风险主要源于以下因素：",
    "我们注意到以下令人不安的趋势：",
)
AVOID_LEADS: tuple[str, ...] = (
    "有一些行动不利于核裁军的环境，并增加核冲突的风险。这些行动包括但不限于：",
    "各国应避免采取以下增加核风险的行动：",
    "为防止核风险进一步上升，各国应避免：",
)
#: Actions a paper advises against.
AVOID_CORES: tuple[str, ...] = (
    "追求新的核武器系统，包括其运载系统", "暗示或明确威胁使用核武器", "降低核武库、运载系统或学说的透明度",
    "将核武器前移，包括前移至第三国", "进行涉及核武器部件的军事演习", "恢复核爆炸试验",
    "采取主张有权首先使用核武器的核态势", "采取挑衅和升级行动或发表煽动性言论",
    "撤销对《全面禁止核试验条约》的批准", "提高核力量的戒备级别", "扩大核武库的总体规模",
    "在外层空间部署武器",
)
MEASURE_LEADS: tuple[str, ...] = (
    "我们建议《条约》缔约国考虑采取以下措施：",
    "我们建议将以下内容列入审议大会的最后文件：",
    "在彻底消除核武器之前，为减少核风险而应采取的措施包括：",
    "在与现有核武器有关的风险方面，应考虑采取下列措施，除其他外：",
    "审议大会应作出以下决定：",
    "为此，我们促请各国：",
)
SUBITEM_LEADS: tuple[str, ...] = ("可以采取以下措施：", "具体包括：", "除其他外：")

# --- substance: general sentences -----------------------------------------------------------

SENTENCE_SUBJECTS: tuple[str, ...] = (
    "《不扩散核武器条约》", "核裁军", "减少核风险", "透明度", "国际原子能机构的保障监督",
    "核武器国家", "无核武器国家", "国际社会", "《条约》的普遍性", "多边主义", "裁军谈判会议",
    "无核武器区", "消极安全保证", "民间社会",
)
SENTENCE_PREDICATES: tuple[str, ...] = (
    "是国际核不扩散机制的基石", "对建立一个没有核武器的世界至关重要", "有助于在缔约国之间建立互信",
    "不能取代全面履行核裁军义务和承诺", "需要所有国家的积极参与", "仍然面临严峻的挑战",
    "在当前的安全环境下显得尤为重要", "应当得到进一步加强", "为核裁军提供了框架",
    "有助于加强《条约》的问责制", "值得所有缔约国高度重视",
)
SENTENCE_OPENERS: tuple[str, ...] = (
    "", "", "我们认为，", "我们重申，", "显然，", "与此同时，", "因此，", "我们回顾，",
    "在这方面，", "我们强调，", "我们欢迎，", "应当指出，",
)
SENTENCE_CLAUSES: tuple[str, ...] = (
    "只要核武器存在，使用核武器的风险就会持续存在",
    "核武器的任何使用都将造成灾难性的人道主义后果",
    "核战争打不赢也打不得",
    "没有透明度，核裁军就无法得到可信的核查",
    "减少风险的措施并不取代全面履行根据《条约》承担的核裁军义务",
    "和平利用核能是《条约》所有缔约国不可剥夺的权利",
    "核裁军与核不扩散相辅相成",
    "彻底消除核武器是防止使用核武器的唯一绝对保证",
    "互信的缺失使得裁军的前景更加渺茫",
    "当前的国际安全环境正在恶化",
)
STATE_SENTENCES: tuple[str, ...] = (
    "{state}愿与所有国家合作，以实现我们的共同目标",
    "{state}欢迎在审议大会上讨论这些建议",
    "{state}已在本国执行情况报告中详细介绍了相关行动",
    "{state}致力于推动《条约》三大支柱的平衡执行",
)

# --- footnotes ------------------------------------------------------------------------------

FOOTNOTE_SOURCES: tuple[str, ...] = (
    "除其他外，见联合国裁军研究所发表的相关报告",
    "同上，以及许多其他引文",
    "见秘书长根据 2010 年审议大会行动计划行动 21 设立的资料库",
    "关于这一问题的进一步讨论，见相关区域组织的报告",
    "见五个核武器国家领导人关于防止核战争和避免军备竞赛的联合声明",
    "见国际原子能机构大会的相关决议",
)
FOOTNOTE_URLS: tuple[str, ...] = (
    "www.unidir.org/publications/risk-reduction",
    "www.iaea.org/publications/documents",
    "www.un.org/disarmament/wmd/nuclear/npt",
    "www.ctbto.org/resources/statements",
)
