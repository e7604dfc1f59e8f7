"""What the extractor hands to the emitter: plain dataclasses with IRIs as strings.

The emitter turns these into triples without knowing any Chinese or English; the extractor
fills them without knowing RDF. Every fact names the text unit it was read from and the
words it was read from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kg.extract.gazetteer import Entity
from kg.read.model import ParseWarning


@dataclass
class StatementFact:
    """A dated statement a text unit cites (`2022 年 1 月核武器国家联合声明`)."""

    iri: str
    date: dt.date
    day_known: bool
    issuer: Entity
    label_en: str
    label_zh: str
    quote: str
    unit: str
    known: bool = False  # named in the statements gazetteer


@dataclass
class UnitFacts:
    """One text unit (section, paragraph, item, footnote) and what it names and cites."""

    iri: str
    kind: str  # section | paragraph | item | footnote
    text: str
    label_en: str
    label_zh: str
    order: int | None = None
    number: int | None = None
    label: str | None = None
    path: str | None = None
    heading: str | None = None
    mark: str | None = None
    section: str | None = None
    parent: str | None = None
    children: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    mentions: list[Entity] = field(default_factory=list)
    articles: list[tuple[Entity, str]] = field(default_factory=list)  # (treaty, roman numeral)
    cites: list[tuple[str, str]] = field(default_factory=list)  # (symbol, quote)
    urls: list[str] = field(default_factory=list)
    statements: list[StatementFact] = field(default_factory=list)
    #: whom the unit calls upon (a measure's addressees; a list lead's, which its items inherit)
    addressees: list[Entity] = field(default_factory=list)


@dataclass
class MeasureFact:
    iri: str
    unit: str
    path: str
    quote: str
    types: list[str]
    fallback: bool
    addressees: list[Entity]
    treaties: list[Entity]
    articles: list[tuple[Entity, str]]
    mitigates: list[str]
    #: type or risk-type IRI → the trigger phrase (as printed) that gave it: why the measure is typed so
    triggers: dict[str, str] = field(default_factory=dict)
    #: where the phrases behind its measure types stand when not in its own words: "list lead" (the
    #: lead its list hangs from), "sub-items" (the steps it introduces), "theme" (the paper's title or
    #: its section's heading); "" for its own words
    typed_from: str = ""
    #: per type, where its phrase stands when that differs from `typed_from` (an umbrella type a step
    #: names, narrowed by its list's lead or theme: the narrower type's phrase stands there)
    type_from: dict[str, str] = field(default_factory=dict)
    #: type IRI → the typing model's probability, when a model typed the step (kg/extract/typer.py)
    model_scores: dict[str, float] = field(default_factory=dict)
    #: the types the model gave that no trigger phrase did (their evidence is the words that weighed most)
    model_only: list[str] = field(default_factory=list)


@dataclass
class RiskFact:
    iri: str
    unit: str
    path: str
    quote: str
    types: list[str]
    fallback: bool
    risky_action: bool
    #: risk-type IRI → the trigger phrase (as printed) that gave it, or the words that weighed most for
    #: the risk model
    triggers: dict[str, str] = field(default_factory=dict)
    #: risk-type IRI → the risk model's probability, when a model read the unit (kg/extract/typer.py)
    model_scores: dict[str, float] = field(default_factory=dict)
    #: the types the model gave that no trigger phrase did
    model_only: list[str] = field(default_factory=list)


@dataclass
class MeetingFact:
    """The meeting a paper was submitted to, as the paper prints it (cycle inferred when not printed)."""

    iri: str
    cycle: int
    session: int | None
    city_zh: str | None
    city_en: str | None
    start: dt.date | None
    end: dt.date | None
    cycle_inferred: bool
    revcon_iri: str
    ordinal_en: str | None = None
    ordinal_zh: str | None = None


@dataclass
class HeaderFacts:
    """What the cover block says: enough to learn coalitions before any body text is read."""

    submitters: list[Entity]
    coalition: Entity | None
    members: list[Entity]
    coalition_name: str | None  # a group name the gazetteer does not know yet
    quote: str | None


@dataclass
class PaperFacts:
    doc: str
    file: str
    sha256: str
    symbol: str | None
    title: str | None
    issue_date: dt.date | None
    language: str
    original_language: str | None
    meeting: MeetingFact | None
    header: HeaderFacts
    doc_footnotes: list[str]
    sections: list[UnitFacts]
    paragraphs: list[UnitFacts]
    items: list[UnitFacts]
    footnotes: list[UnitFacts]
    measures: list[MeasureFact]
    risks: list[RiskFact]
    warnings: list[ParseWarning]

    @property
    def units(self) -> list[UnitFacts]:
        return self.sections + self.paragraphs + self.items + self.footnotes


@dataclass
class Lead:
    """The lead sentence of a list, read once for all its items."""

    text: str
    measure_types: dict[str, tuple[int, int]]
    risk_types: set[str]
    #: a report's contents (`…定期提供标准化资料，除其他外说明：`): the only measure types of its items
    report: list[str] | None = None
    #: whom the lead calls upon (`集团促请审议大会：`, `敦促核武器国家：`)
    addressees: list[Entity] = field(default_factory=list)
    #: measure type → the lead's words that gave it
    triggers: dict[str, str] = field(default_factory=dict)
    #: a list of measures only by its items' openings: an item that opens with a view is no measure
    views_apart: bool = False


