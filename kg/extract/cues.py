"""The genre's cues: how lists are introduced, which headings mean recommendations, who is called upon.

Compiled once from `kg/data/cues.json`; nothing here is specific to one paper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg import vocab
from kg.extract.gazetteer import Entity, NameMatcher, load_json

#: Words between a call verb and whom it calls upon (`呼吁所有缔约国，特别是核武器国家`).
_LINKS = "特别是|尤其是|包括|以及|和|并|即|especially|in particular|including|and"
#: Determiners between a call verb and the name it calls upon (`calls upon all other States`).
_DETS = "该条约|该|这些|那些|其余|其他|所有|the other|all other|all those|those|these|other|all|the"
#: Where a clause begins (what a relative clause before a group may not reach across).
_CLAUSE_START = re.compile("[，。；：,;:\\n]")
#: A Chinese relative clause before the noun it qualifies (促请[尚未使协定生效的]缔约国).
_RELATIVE = "(?:[^，。；：,;:\\n《》]{0,24}(?:《[^》]{1,30}》[^，。；：,;:\\n《》]{0,12})*的)?"


@dataclass
class Cues:
    """Genre cues compiled once (from kg/data/cues.json)."""

    list_leads: list[tuple[str, re.Pattern[str], re.Pattern[str] | None]]
    report_leads: list[re.Pattern[str]]
    report_type: str
    report_verb: re.Pattern[str]  # a step that opens with a report: what follows is what to report on
    report_opening: re.Pattern[str]  # a step whose first words ask for information: a reporting step
    step_break: re.Pattern[str]  # what ends one step and begins another within a unit (；, 'and to')
    purpose: re.Pattern[str]  # what opens the purpose of a step (，以…, 'with a view to')
    headings: list[tuple[str, re.Pattern[str]]]
    recommendation_heading: re.Pattern[str]
    recommendation_paragraph: re.Pattern[str]
    step_opening: re.Pattern[str]  # a paragraph under such a heading that opens with a step's verb
    risk_signal: re.Pattern[str]
    call_verbs: re.Pattern[str]
    statement_words: re.Pattern[str]
    resolution: re.Pattern[str]
    resolution_bodies: dict[str, str]
    coalition_name: re.Pattern[str]
    submitter_tail: re.Pattern[str]
    submitter_head: re.Pattern[str]  # "Working paper submitted by " (English lines name the submitter last)
    on_behalf_of: re.Pattern[str]
    lead_call: re.Pattern[str]
    #: how a lead that asks for a step ends when its items detail that step ("…, including by:", "…，其中包括：")
    detail_tail: re.Pattern[str]
    author_call: re.Pattern[str]  # the paper's authors asking or pledging (`We support`, `集团再次敦促`)
    passive_call: re.Pattern[str]  # "… are encouraged to": a narrative paragraph that asks, in the passive
    operative_open: re.Pattern[str]  # an item that opens with what its author asks or pledges (Calls upon…)
    call_before: re.Pattern[str]
    call_pronoun: re.Pattern[str]  # a call upon those just named (敦促它们, "urges them")
    agent_before: re.Pattern[str]  # in a list's lead: those by whom the steps are to be taken (由…, "by")
    #: in a list's lead: (words before, words after) the one its recommendations are made to (向…建议)
    recipients: list[tuple[re.Pattern[str], re.Pattern[str]]]
    subject_after: re.Pattern[str]
    object_before: re.Pattern[str]
    modal_after: re.Pattern[str]
    view_open: re.Pattern[str]  # an item that opens with a view ("Reaffirms …", 重申…), not a request
    relative_subject: re.Pattern[str]  # "States that have not done so should": a subject, its clause, its modal
    groups: NameMatcher
    #: an addressee group called upon as the States it stands for (the depositaries): slug → state keys
    stands_for: dict[str, tuple[str, ...]]
    #: 尚未…的[国家]: a group named by its relative clause (the pattern, the clause words that exclude it, the group)
    relative_groups: list[tuple[re.Pattern[str], re.Pattern[str], Entity, re.Pattern[str] | None]]
    impersonal_call: re.Pattern[str]  # "It is essential that …": a paragraph that asks without a speaker
    always_inherited: frozenset[str]
    generic_types: frozenset[str]
    umbrella_types: frozenset[str]  # fields, not steps: narrowed by the context to one of their narrower types
    max_types: int

    @classmethod
    @lru_cache(maxsize=1)
    def load(cls) -> Cues:
        d = load_json("cues.json")
        bodies = d["resolution_bodies"]
        by_slug = {g["slug"]: Entity("org", g["slug"], g["en"], g["zh"], g.get("abbreviation"),
                                     org_kind=g.get("kind", "group")) for g in d.get("addressee_groups", [])}
        adverbs = d.get("clause_adverbs", "(?!)")
        body_alt = "|".join(sorted(map(re.escape, bodies), key=len, reverse=True))
        return cls(
            list_leads=[(c["kind"], re.compile(c["pattern"]), re.compile(c["requires"]) if c.get("requires") else None)
                        for c in d["list_leads"]],
            report_leads=[re.compile(x) for x in d.get("report_leads", [])],
            report_type=vocab.MEASURE_TYPE_NS + d.get("report_leads_type", "transparency-and-reporting"),
            report_verb=re.compile(d.get("report_verbs", "(?!)").replace("…", "[^，。；;]{0,24}")),
            report_opening=re.compile(d.get("report_openings", "(?!)").replace("…", "[^，。；;]{0,24}")),
            step_break=re.compile(d.get("step_breaks", "(?!)")),
            purpose=re.compile(d.get("purpose_markers", "(?!)")),
            headings=[(c["kind"], re.compile(c["pattern"])) for c in d["headings"]],
            recommendation_heading=re.compile(d["recommendation_heading"]),
            recommendation_paragraph=re.compile(d["recommendation_paragraph"]),
            step_opening=re.compile(d.get("step_openings", "(?!)")),
            risk_signal=re.compile(d["risk_signal"]),
            call_verbs=re.compile(f"(?:{d['call_verbs']})[\\s，,]*(?:特别是|尤其是)?\\s*$"),
            statement_words=re.compile(d["statement_words"]),
            resolution=re.compile(
                rf"({body_alt})\s*第\s*(\d+)\s*(?:/\s*(\d+)|[(（]\s*(\d{{4}})\s*[)）])\s*号\s*决议"),
            resolution_bodies=bodies,
            coalition_name=re.compile(rf"([\u4e00-\u9fff·\d\s]{{2,40}}(?:{d['coalition_suffixes']}))"),
            submitter_tail=re.compile(f"(?:{d['submitter_tail']})\\s*$"),
            submitter_head=re.compile(d.get("submitter_head", "(?!)")),
            on_behalf_of=re.compile(d["on_behalf_of"]),
            lead_call=re.compile(f"(?:{d['lead_calls']})"),
            detail_tail=re.compile(d.get("detail_tails", "(?!)")),
            author_call=re.compile(f"(?:^|(?<=[。；;.，,:：]))\\s*(?i:{d['author_words']})\\s*(?i:{d['author_adverbs']})?\\s*"
                                   f"(?i:{d['operative_verbs']})(?![A-Za-z])"),
            passive_call=re.compile(d.get("passive_calls", "(?!)")),
            # "ASEAN also encourages…", "集团再次呼吁…": an adverb may stand before the verb
            operative_open=re.compile(f"\\s*(?:(?:{adverbs})\\s*)?(?i:{d['operative_verbs']})(?![A-Za-z])"),
            call_before=re.compile(
                f"(?i:{d['call_verbs']})[\\s，,]*(?:{_LINKS})?\\s*(?:{_DETS})?\\s*(?:\\d{{4}}\\s*年?\\s*)?"
                f"{_RELATIVE}\\s*(?:{_DETS})?\\s*$"),
            call_pronoun=re.compile(f"(?i:{d['call_verbs']})\\s*(?:{d['pronouns']})(?![A-Za-z])"),
            agent_before=re.compile(f"(?:{d['agent_markers']})[\\s，,]*(?:{_DETS})?\\s*$"),
            recipients=[(re.compile(c["before"]), re.compile(c["after"])) for c in d.get("recipient_cues", [])],
            subject_after=re.compile(f"\\s*(?:(?:{adverbs})\\s*)?(?:{d['subject_verbs']})"),
            object_before=re.compile(f"(?<![A-Za-z])(?:{d['object_markers']})\\s*$"),
            # "寻求…的无核武器国家，应…": a Chinese subject may be set off from its modal by a comma
            modal_after=re.compile(f"\\s*(?:，\\s*)?(?:(?:{adverbs})\\s*)?(?:{d['modal_verbs']})"),
            groups=NameMatcher(
                [(n, Entity("org", g["slug"], g["en"], g["zh"], g.get("abbreviation"), org_kind=g.get("kind", "group")))
                 for g in d.get("addressee_groups", [])
                 for n in [g["zh"], g["en"], *g.get("zh_names", []), *g.get("en_names", [])]]
                + [(n, None) for n in d.get("addressee_non_names", [])]),
            stands_for={g["slug"]: tuple(g["stands_for"]) for g in d.get("addressee_groups", [])
                        if g.get("stands_for")},
            relative_groups=[(re.compile(c["pattern"]), re.compile(c.get("unless", "(?!)")), by_slug[c["slug"]],
                              re.compile(c["requires"]) if c.get("requires") else None)
                             for c in d.get("relative_groups", [])],
            impersonal_call=re.compile(d.get("impersonal_calls", "(?!)")),
            relative_subject=re.compile(d.get("relative_subjects", "(?!)")),
            view_open=re.compile(f"\\s*(?:{d.get('view_openings', '(?!)')})"),
            always_inherited=frozenset(d.get("always_inherited_addressees", [])),
            generic_types=frozenset(vocab.MEASURE_TYPE_NS + t for t in d.get("generic_measure_types", [])),
            umbrella_types=frozenset(vocab.MEASURE_TYPE_NS + t for t in d.get("umbrella_measure_types", [])),
            max_types=int(d.get("max_measure_types", 3)),
        )

    def find_groups(self, text: str) -> list[tuple[int, int, Entity | None]]:
        """The addressee groups named in `text`: by name, and by a relative clause (…的国家) where no
        name covers the words."""
        found = self.groups.finditer(text)
        for pattern, unless, entity, requires in self.relative_groups:
            for m in pattern.finditer(text):
                clause = _CLAUSE_START.split(text[:m.start()])[-1]
                if requires is not None and not requires.search(clause):
                    continue
                if not unless.search(clause) and not any(a < m.end() and m.start() < b for a, b, _ in found):
                    found.append((m.start(), m.end(), entity))
        return sorted(found, key=lambda x: x[0])

    def classify_lead(self, lead: str, context: str) -> str | None:
        """measure | risk | risky for a list lead by its wording, the cue nearest its end winning."""
        best: tuple[int, int, str] | None = None
        for rank, (kind, pattern, requires) in enumerate(self.list_leads):
            for m in pattern.finditer(lead):
                if requires is not None and not requires.search(context):
                    continue
                key = (m.end(), -rank, kind)
                if best is None or key > best:
                    best = key
        return best[2] if best else None

    def is_recipient(self, text: str, start: int, end: int) -> bool:
        """Whether the name at text[start:end] is the one a lead makes its recommendations to."""
        before = text[max(0, start - 24):start]
        return any(b.search(before) and a.match(text, end) for b, a in self.recipients)

    def is_operative_list(self, items: list[str]) -> bool:
        """A list whose lead names only its author (`The Group:`) but whose items open with what it
        asks or pledges (`(a) Calls upon all States…`, `(b) Supports…`): a list of measures."""
        opening = sum(1 for t in items if self.operative_open.match(t))
        return bool(items) and 2 * opening >= len(items)

    def is_report_lead(self, lead: str) -> bool:
        """A lead that lists what a report should contain (`…定期提供标准化资料，除其他外说明：`)."""
        lead = lead.strip()
        return any(p.search(lead) for p in self.report_leads)

    def classify_heading(self, heading: str | None) -> str | None:
        if not heading:
            return None
        for kind, pattern in self.headings:
            if pattern.search(heading):
                return kind
        return None


