"""Facts → RDF triples (pyoxigraph), with every IRI taken from `kg.vocab`.

Per-paper triples are produced paper by paper so a build can stream them to disk; things
shared across papers (states, coalitions and their members, organizations, treaties,
meetings, cited documents, statements) are collected in a `SharedEntities` registry and
emitted once at the end, in sorted order, so the output does not depend on paper order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Triple

from kg import vocab
from kg.extract import MeasureFact, MeetingFact, PaperFacts, RiskFact, StatementFact, UnitFacts
from kg.gazetteer import Entity, Gazetteer
from kg.lexicon import Lexicon


class _Terms:
    """A namespace whose terms are looked up once and then kept as plain attributes (emit is a hot loop)."""

    def __init__(self, ns: object) -> None:
        self._ns = ns

    def __getattr__(self, name: str) -> NamedNode:
        term = getattr(self._ns, name)
        setattr(self, name, term)
        return term


NPT, RDF, RDFS, PROV, DCTERMS, XSD = (_Terms(ns) for ns in (vocab.NPT, vocab.RDF, vocab.RDFS, vocab.PROV,
                                                             vocab.DCTERMS, vocab.XSD))
A = RDF.type
ID = vocab.ID_NS
STATE_CLASS = {"nws": NPT.NuclearWeaponState, "nnws": NPT.NonNuclearWeaponState, "nonparty": NPT.NonPartyState}
UNIT_CLASS = {"section": NPT.Section, "paragraph": NPT.Paragraph, "item": NPT.Item, "footnote": NPT.Footnote}


def zh(text: str) -> Literal:
    return Literal(text, language="zh")


def en(text: str) -> Literal:
    return Literal(text, language="en")


def integer(n: int) -> Literal:
    return Literal(str(n), datatype=XSD.integer)


def date(d: dt.date) -> Literal:
    return Literal(d.isoformat(), datatype=XSD.date)


def boolean(b: bool) -> Literal:
    return Literal("true" if b else "false", datatype=XSD.boolean)


def plain(text: str) -> Literal:
    return Literal(text)


def entity_iri(e: Entity) -> NamedNode:
    prefix = {"state": "state", "coalition": "coalition", "org": "org", "treaty": "treaty"}[e.kind]
    return NamedNode(f"{ID}{prefix}/{e.key}")


def article_iri(treaty: Entity, roman: str) -> NamedNode:
    return NamedNode(f"{ID}treaty/{treaty.key}/article-{roman}")


def doc_symbol_iri(symbol: str) -> NamedNode:
    return NamedNode(f"{ID}doc/{vocab.slug(symbol)}")


@dataclass
class _MeetingRecord:
    fact: MeetingFact
    all_inferred: bool = True


@dataclass
class SharedEntities:
    """What several papers may name: collected during a build, emitted once at its end."""

    entities: dict[tuple[str, str], Entity] = field(default_factory=dict)
    members: dict[str, set[str]] = field(default_factory=dict)  # coalition key -> ISO codes
    articles: set[tuple[str, str]] = field(default_factory=set)  # (treaty key, roman)
    meetings: dict[str, _MeetingRecord] = field(default_factory=dict)
    documents: dict[str, set[str]] = field(default_factory=dict)  # symbol -> quotes
    statements: dict[str, list[StatementFact]] = field(default_factory=dict)

    def use(self, e: Entity) -> NamedNode:
        self.entities.setdefault((e.kind, e.key), e)
        return entity_iri(e)


def paper_triples(f: PaperFacts, shared: SharedEntities) -> Iterator[Triple]:
    """Every triple about one paper and its text units, measures and risks."""
    doc = NamedNode(f.doc)
    yield Triple(doc, A, NPT.WorkingPaper)
    if f.title:
        yield Triple(doc, DCTERMS.title, zh(f.title))
        yield Triple(doc, RDFS.label, zh(f.title))
    name = f.symbol or f.file
    yield Triple(doc, RDFS.label, en(f"Working paper {name}"))
    if f.symbol:
        yield Triple(doc, NPT.symbol, plain(f.symbol))
    if f.issue_date:
        yield Triple(doc, NPT.issueDate, date(f.issue_date))
    yield Triple(doc, NPT.language, plain(f.language))
    if f.original_language:
        yield Triple(doc, NPT.originalLanguage, plain(f.original_language))
    yield Triple(doc, NPT.sourceFile, plain(f.file))
    yield Triple(doc, NPT.sha256, plain(f.sha256))
    for w in f.warnings:
        yield Triple(doc, NPT.parseWarning, plain(f"line {w.line}: {w.message}"))
    if f.meeting is not None:
        yield Triple(doc, NPT.submittedTo, NamedNode(f.meeting.iri))
        rec = shared.meetings.get(f.meeting.iri)
        if rec is None:
            rec = shared.meetings[f.meeting.iri] = _MeetingRecord(f.meeting)
        rec.all_inferred = rec.all_inferred and f.meeting.cycle_inferred
    h = f.header
    for s in h.submitters:
        yield Triple(doc, NPT.submittedBy, shared.use(s))
    if h.coalition is not None:
        c = shared.use(h.coalition)
        yield Triple(doc, NPT.onBehalfOf, c)
        mem = shared.members.setdefault(h.coalition.key, set())
        for m in h.members:
            shared.use(m)
            mem.add(m.key)
    for fn in f.doc_footnotes:
        yield Triple(doc, NPT.hasFootnote, NamedNode(fn))
    for u in f.units:
        yield from _unit_triples(u, doc, shared)
    for m in f.measures:
        yield from _measure_triples(m, doc, shared)
    for r in f.risks:
        yield from _risk_triples(r, doc)


def _unit_triples(u: UnitFacts, doc: NamedNode, shared: SharedEntities) -> Iterator[Triple]:
    s = NamedNode(u.iri)
    yield Triple(s, A, UNIT_CLASS[u.kind])
    yield Triple(s, NPT.inDocument, doc)
    yield Triple(s, RDFS.label, en(u.label_en))
    yield Triple(s, RDFS.label, zh(u.label_zh))
    if u.text:
        yield Triple(s, NPT.text, zh(u.text))
    if u.order is not None:
        yield Triple(s, NPT.order, integer(u.order))
    if u.kind == "section":
        yield Triple(doc, NPT.hasSection, s)
        if u.heading:
            yield Triple(s, NPT.heading, zh(u.heading))
    elif u.kind == "paragraph":
        yield Triple(doc, NPT.hasParagraph, s)
        yield Triple(s, NPT.number, integer(u.number or 0))
        if u.section:
            yield Triple(s, NPT.inSection, NamedNode(u.section))
    elif u.kind == "item":
        if u.label is not None:
            yield Triple(s, NPT.label, plain(u.label))
        if u.path:
            yield Triple(s, NPT.itemPath, plain(u.path))
    elif u.kind == "footnote" and u.mark is not None:
        yield Triple(s, NPT.footnoteMark, plain(u.mark))
    for c in u.children:
        yield Triple(s, NPT.hasItem, NamedNode(c))
    for fn in u.footnotes:
        yield Triple(s, NPT.hasFootnote, NamedNode(fn))
    for e in u.mentions:
        o = shared.use(e)
        yield Triple(s, NPT.mentions, o)
        if e.kind == "treaty":
            yield Triple(s, NPT.refersToTreaty, o)
    for t, roman in dict.fromkeys(u.articles):
        shared.use(t)
        shared.articles.add((t.key, roman))
        yield Triple(s, NPT.refersToTreaty, article_iri(t, roman))
    for sym, quote in u.cites:
        shared.documents.setdefault(sym, set()).add(quote)
        yield Triple(s, NPT.cites, doc_symbol_iri(sym))
    for url in dict.fromkeys(u.urls):
        yield Triple(s, NPT.url, Literal(url, datatype=XSD.anyURI))
    for st in u.statements:
        shared.statements.setdefault(st.iri, []).append(st)
        shared.use(st.issuer)
        yield Triple(s, NPT.cites, NamedNode(st.iri))


def _measure_triples(m: MeasureFact, doc: NamedNode, shared: SharedEntities) -> Iterator[Triple]:
    s = NamedNode(m.iri)
    yield Triple(s, A, NPT.Measure)
    yield Triple(doc, NPT.proposes, s)
    yield Triple(s, RDFS.label, en(f"measure {m.path}"))
    yield Triple(s, RDFS.label, zh(f"措施 {m.path}"))
    yield Triple(s, PROV.wasDerivedFrom, NamedNode(m.unit))
    yield Triple(s, NPT.quote, zh(m.quote))
    for t in m.types:
        yield Triple(s, NPT.measureType, NamedNode(t))
    for a in m.addressees:
        yield Triple(s, NPT.addressedTo, shared.use(a))
    for t in m.treaties:
        yield Triple(s, NPT.refersToTreaty, shared.use(t))
    for t, roman in dict.fromkeys(m.articles):
        yield Triple(s, NPT.refersToTreaty, article_iri(t, roman))
    for r in m.mitigates:
        yield Triple(s, NPT.mitigates, NamedNode(r))


def _risk_triples(r: RiskFact, doc: NamedNode) -> Iterator[Triple]:
    s = NamedNode(r.iri)
    yield Triple(s, A, NPT.Risk)
    yield Triple(doc, NPT.identifies, s)
    if r.risky_action:
        yield Triple(s, A, NPT.RiskyAction)
        yield Triple(doc, NPT.advisesAgainst, s)
        yield Triple(s, RDFS.label, en(f"action to avoid {r.path}"))
        yield Triple(s, RDFS.label, zh(f"应避免的行动 {r.path}"))
    else:
        yield Triple(s, RDFS.label, en(f"risk {r.path}"))
        yield Triple(s, RDFS.label, zh(f"风险 {r.path}"))
    yield Triple(s, PROV.wasDerivedFrom, NamedNode(r.unit))
    yield Triple(s, NPT.quote, zh(r.quote))
    for t in r.types:
        yield Triple(s, NPT.riskType, NamedNode(t))


# --- shared entities -----------------------------------------------------------------------


def shared_triples(shared: SharedEntities, g: Gazetteer, lexicon: Lexicon | None = None) -> Iterator[Triple]:
    """States, coalitions, organizations, treaties, meetings, cited documents and statements, sorted."""
    for (kind, key), e in sorted(shared.entities.items()):
        s = entity_iri(e)
        yield Triple(s, RDFS.label, en(e.en))
        yield Triple(s, RDFS.label, zh(e.zh))
        if e.abbreviation:
            yield Triple(s, NPT.abbreviation, plain(e.abbreviation))
        if kind == "state":
            yield Triple(s, A, NPT.State)
            yield Triple(s, A, STATE_CLASS.get(e.npt_status or "nnws", NPT.NonNuclearWeaponState))
            yield Triple(s, NPT.isoCode, plain(e.key))
        elif kind == "coalition":
            yield Triple(s, A, NPT.Coalition)
            for iso in sorted(shared.members.get(key, ())):
                m = entity_iri(g.states[iso])
                yield Triple(s, NPT.hasMember, m)
                yield Triple(m, NPT.memberOf, s)
        elif kind == "org":
            yield Triple(s, A, NPT.Organization)
        elif kind == "treaty":
            yield Triple(s, A, NPT.Treaty)
            if e.proposed:
                yield Triple(s, A, NPT.ProposedTreaty)
    for key, roman in sorted(shared.articles):
        t = g.treaties[key]
        s = article_iri(t, roman)
        yield Triple(s, A, NPT.TreatyArticle)
        yield Triple(s, NPT.articleOf, entity_iri(t))
        yield Triple(s, RDFS.label, en(f"Article {roman} of the {t.abbreviation or t.en}"))
        yield Triple(s, RDFS.label, zh(f"《{t.zh}》第{roman}条"))
    yield from _meeting_triples(shared)
    for sym in sorted(shared.documents):
        s = doc_symbol_iri(sym)
        yield Triple(s, A, NPT.UNDocument)
        yield Triple(s, NPT.symbol, plain(sym))
        yield Triple(s, RDFS.label, en(sym))
    for iri in sorted(shared.statements):
        facts = shared.statements[iri]
        best = max(facts, key=lambda f: (f.known, f.day_known, -f.date.toordinal()))
        s = NamedNode(iri)
        yield Triple(s, A, NPT.Statement)
        yield Triple(s, NPT.issuedBy, entity_iri(best.issuer))
        if best.day_known:
            yield Triple(s, NPT.statementDate, date(best.date))
        else:
            yield Triple(s, NPT.statementDate, Literal(f"{best.date:%Y-%m}", datatype=XSD.gYearMonth))
        yield Triple(s, RDFS.label, en(best.label_en))
        yield Triple(s, RDFS.label, zh(best.label_zh))
        for f in sorted(facts, key=lambda f: (f.unit, f.quote)):
            yield Triple(s, PROV.wasDerivedFrom, NamedNode(f.unit))
            yield Triple(s, NPT.quote, zh(f.quote))


def _meeting_triples(shared: SharedEntities) -> Iterator[Triple]:
    revcons: dict[str, MeetingFact] = {}
    for iri in sorted(shared.meetings):
        rec = shared.meetings[iri]
        m = rec.fact
        s = NamedNode(iri)
        if m.session is not None:
            yield Triple(s, A, NPT.PrepComSession)
            yield Triple(s, NPT.sessionNumber, integer(m.session))
            yield Triple(s, NPT.forReviewConference, NamedNode(m.revcon_iri))
            yield Triple(s, RDFS.label, en(f"Preparatory Committee for the {m.cycle} Review Conference, "
                                           f"session {m.session}"))
            yield Triple(s, RDFS.label, zh(f"{m.cycle}年审议大会筹备委员会第{_cn(m.session)}届会议"))
            revcons.setdefault(m.revcon_iri, m)
        else:
            revcons[m.revcon_iri] = m
            yield from _revcon_label(s, m)
        yield Triple(s, NPT.cycleYear, integer(m.cycle))
        yield Triple(s, NPT.cycleInferred, boolean(rec.all_inferred))
        if m.city_zh:
            yield Triple(s, NPT.city, zh(m.city_zh))
        if m.city_en:
            yield Triple(s, NPT.city, en(m.city_en))
        if m.start:
            yield Triple(s, NPT.startDate, date(m.start))
        if m.end:
            yield Triple(s, NPT.endDate, date(m.end))
    for iri in sorted(set(revcons) - set(shared.meetings)):
        m = revcons[iri]
        s = NamedNode(iri)
        yield from _revcon_label(s, m)
        yield Triple(s, NPT.cycleYear, integer(m.cycle))


def _revcon_label(s: NamedNode, m: MeetingFact) -> Iterator[Triple]:
    yield Triple(s, A, NPT.ReviewConference)
    ordinal = f"{m.ordinal_en} " if m.ordinal_en else ""
    yield Triple(s, RDFS.label, en(f"{ordinal}Review Conference of the Parties to the NPT ({m.cycle})"))
    yield Triple(s, RDFS.label, zh(f"不扩散核武器条约缔约国{m.cycle}年审议大会"))


def _cn(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
