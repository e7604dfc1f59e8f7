"""Facts → RDF triples, with every IRI taken from `kg.vocab`.

Per-paper triples are produced paper by paper so a build can stream them to disk; things
shared across papers (states, coalitions and their members, organizations, treaties,
meetings, cited documents, statements) are collected in a `SharedEntities` registry and
emitted once at the end, in sorted order, so the output does not depend on paper order.

Triples are written as N-Triples lines (`paper_lines`, `shared_lines`) and read back by
pyoxigraph's parser (`to_triples`): a build makes millions of triples, and building each
term as a Python object costs several times more than formatting a line (pyoxigraph's
Triple constructor tries each term type in turn before it accepts a literal).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from pyoxigraph import RdfFormat, Triple, parse, serialize

from kg import vocab
from kg.extract import MeasureFact, MeetingFact, PaperFacts, RiskFact, StatementFact, UnitFacts
from kg.extract.gazetteer import Entity, Gazetteer
from kg.extract.lexicon import Lexicon
from kg.util.numerals import int_to_cn, ordinal_en


class _Terms:
    """A namespace's terms as N-Triples IRIs (`<…>`), looked up once and then kept as plain attributes."""

    def __init__(self, ns: object) -> None:
        self._ns = ns

    def __getattr__(self, name: str) -> str:
        term = str(getattr(self._ns, name))
        setattr(self, name, term)
        return term


NPT, RDF, RDFS, PROV, DCTERMS, XSD = (_Terms(ns) for ns in (vocab.NPT, vocab.RDF, vocab.RDFS, vocab.PROV,
                                                             vocab.DCTERMS, vocab.XSD))
A = RDF.type
ID = vocab.ID_NS
STATE_CLASS = {"nws": NPT.NuclearWeaponState, "nnws": NPT.NonNuclearWeaponState, "nonparty": NPT.NonPartyState}
UNIT_CLASS = {"section": NPT.Section, "paragraph": NPT.Paragraph, "item": NPT.Item, "footnote": NPT.Footnote}


def _escape(text: str) -> str:
    """The body of an N-Triples string: only the quote, the backslash and line breaks need escaping."""
    if '"' in text or "\\" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return text


def node(iri: str) -> str:
    return f"<{iri}>"


def zh(text: str) -> str:
    return f'"{_escape(text)}"@zh'


def en(text: str) -> str:
    return f'"{_escape(text)}"@en'


def lang_literal(text: str, lang: str) -> str:
    """A string in the language of the version it was read from (@zh, @en, …)."""
    return f'"{_escape(text)}"@{lang}'


#: How labels name a language version: (English, Chinese).
LANGUAGE_NAMES = {"zh": ("Chinese", "中文"), "en": ("English", "英文"), "fr": ("French", "法文"),
                  "es": ("Spanish", "西班牙文"), "ru": ("Russian", "俄文"), "ar": ("Arabic", "阿拉伯文")}


def expression_iri(work: str, lang: str) -> str:
    """`{paper}/{language}`: a language version of a paper (and, for a paper read in two languages,
    the base of that version's text units: `{paper}/en/p/5`)."""
    return f"{work}/{lang}"


def integer(n: int) -> str:
    return f'"{int(n)}"^^{XSD.integer}'


def date(d: dt.date) -> str:
    return f'"{d.isoformat()}"^^{XSD.date}'


def boolean(b: bool) -> str:
    return f'"{"true" if b else "false"}"^^{XSD.boolean}'


def plain(text: str) -> str:
    return f'"{_escape(text)}"'


def typed(text: str, datatype: str) -> str:
    return f'"{_escape(text)}"^^{datatype}'


def entity_iri(e: Entity) -> str:
    prefix = {"state": "state", "coalition": "coalition", "org": "org", "treaty": "treaty"}[e.kind]
    return f"<{ID}{prefix}/{e.key}>"


def article_iri(treaty: Entity, roman: str) -> str:
    return f"<{ID}treaty/{treaty.key}/article-{roman}>"


def doc_symbol_iri(symbol: str) -> str:
    return f"<{ID}doc/{vocab.slug(symbol)}>"


def line(s: str, p: str, o: str) -> str:
    """One N-Triples statement."""
    return f"{s} {p} {o} .\n"


def to_triples(lines: Iterable[str]) -> Iterator[Triple]:
    """N-Triples lines → pyoxigraph triples (parsed in Rust, in order)."""
    data = "".join(lines)
    # lenient: skip re-validating IRIs this module built from slugs (a strict parse of the output is tested)
    return iter(parse(data.encode("utf-8"), format=RdfFormat.N_TRIPLES, lenient=True)) if data else iter(())


def turtle_prefixes() -> bytes:
    """The `@prefix` lines that begin a graph file written from `turtle_body` chunks."""
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in vocab.PREFIXES.items()).encode("utf-8")


def turtle_body(lines: Iterable[str]) -> bytes:
    """N-Triples lines → Turtle statements with the project's prefixes, without the `@prefix` lines.

    pyoxigraph's serializer writes one `@prefix` line per prefix before the first statement;
    they are cut off so that chunks made one paper at a time (in any process) can follow
    `turtle_prefixes()` in one file, which is the same graph as one serialization of them all.
    """
    out = serialize(to_triples(lines), None, RdfFormat.TURTLE, prefixes=vocab.PREFIXES)
    if not out:
        return b""
    parts = out.split(b"\n", len(vocab.PREFIXES))
    if len(parts) <= len(vocab.PREFIXES) or not all(p.startswith(b"@prefix ") for p in parts[:-1]):
        raise RuntimeError("unexpected Turtle from pyoxigraph: not one @prefix line per prefix first")
    return parts[-1]


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
    statements: dict[str, list[tuple[StatementFact, str]]] = field(default_factory=dict)  # with the quote's language

    def use(self, e: Entity) -> str:
        self.entities.setdefault((e.kind, e.key), e)
        return entity_iri(e)

    def merge(self, other: SharedEntities) -> None:
        """Add what `other` collected, as if its papers had been emitted here after this one's.

        A build that emits papers in several processes merges their registries in paper order,
        so the shared part of the graph is the same as that of a build in one process.
        """
        for k, e in other.entities.items():
            self.entities.setdefault(k, e)
        for k, members in other.members.items():
            self.members.setdefault(k, set()).update(members)
        self.articles |= other.articles
        for iri, rec in other.meetings.items():
            mine = self.meetings.get(iri)
            if mine is None:
                self.meetings[iri] = rec
            else:
                mine.all_inferred = mine.all_inferred and rec.all_inferred
        for sym, quotes in other.documents.items():
            self.documents.setdefault(sym, set()).update(quotes)
        for iri, quoted in other.statements.items():
            self.statements.setdefault(iri, []).extend(quoted)


def unique(lines: Iterable[str]) -> list[str]:
    """Each statement once, in first-seen order (facts read twice from one text must not repeat objects)."""
    return list(dict.fromkeys(lines))


def paper_lines(f: PaperFacts, shared: SharedEntities) -> list[str]:
    """Every statement about one paper and its text units, measures and risks, each once, as N-Triples."""
    return work_lines([f], f.doc, shared)


def paper_triples(f: PaperFacts, shared: SharedEntities) -> Iterator[Triple]:
    """`paper_lines` as pyoxigraph triples."""
    return to_triples(paper_lines(f, shared))


def work_lines(versions: list[PaperFacts], work: str, shared: SharedEntities) -> list[str]:
    """One paper read in one or more languages (one `PaperFacts` per language version), as N-Triples.

    The paper is the work (`work`), each version an expression. What the versions say about the
    paper (submitters, meeting) and the measures and risks read from them sit on the work, with
    provenance to the paragraph of every version they were read from and a quote in each
    language; where the versions disagree, both readings are kept and the difference is recorded.
    """
    return unique(_work_triples(versions, work, shared))


def paper_labels(f: PaperFacts) -> tuple[str, str]:
    """(English, Chinese) labels of a paper: its symbol when printed, else who submitted it where.

    The Chinese title is the paper's own name; its English is unknown (papers are read in
    Chinese), so the English label says what a catalogue would: submitter and meeting.
    """
    h = f.header
    names = [_with_article(s.en) for s in h.submitters]
    if len(names) > LABEL_STATES:
        names = [*names[:LABEL_STATES - 1], f"{len(names) - LABEL_STATES + 1} other States"]
    who_en = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] if names else ""
    who_zh = "、".join(s.zh for s in h.submitters)
    if h.coalition is not None:
        group = _with_article(h.coalition.en)
        who_en = f"{who_en} on behalf of {group}" if who_en else group
        who_zh = f"{who_zh}代表{h.coalition.zh}" if who_zh else h.coalition.zh
    m = f.meeting
    where_en = ""
    if m is not None:
        where_en = (f"Preparatory Committee for the {m.cycle} Review Conference, {ordinal_en(m.session)} session"
                    if m.session is not None else f"{m.cycle} Review Conference")
    if f.symbol:
        label_en = f"Working paper {f.symbol}"
    elif who_en or where_en:
        label_en = "Working paper" + (f" submitted by {who_en}" if who_en else "") + (
            f" ({where_en})" if where_en else "")
    else:
        label_en = f"Working paper {f.file}"
    title_zh = f.title if f.language == "zh" else None
    label_zh = title_zh or (f"{who_zh}提交的工作文件" if who_zh else f"工作文件 {f.symbol or f.file}")
    return label_en, label_zh


#: Submitters a label names before "and N other States".
LABEL_STATES = 4
#: UN English short names read with "the" (the United Kingdom ..., the Russian Federation, the Netherlands).
_ARTICLE_RE = re.compile(r"(United|Russian|Republic|Kingdom|Democratic|Islamic|Federated|Holy|Plurinational|"
                         r"Bolivarian|State of|Syrian|Lao|Czech|Dominican Republic|Central African|Philippines|"
                         r"Netherlands|Bahamas|Gambia|Maldives|Marshall|Solomon|Comoros|Sudan|Niger\b)")
_INVERTED_RE = re.compile(r"(.+?) \((.+ of(?: the)?)\)")
#: Names of groups of States read with "the" (the New Agenda Coalition).
_GROUP_RE = re.compile(r"(Coalition|Initiative|Group|Movement|Alliance|Partnership|Friends)\b")


def _with_article(name: str) -> str:
    """A State's or group's UN English name as it reads in a sentence ("the Kingdom of the Netherlands")."""
    inverted = _INVERTED_RE.fullmatch(name)  # UN sort forms: "Netherlands (Kingdom of the)"
    if inverted:
        name = f"{inverted.group(2)} {inverted.group(1)}"
    if _ARTICLE_RE.match(name) or (name.isascii() and _GROUP_RE.search(name)):
        return f"the {name}"
    return name




def _work_triples(versions: list[PaperFacts], work: str, shared: SharedEntities) -> Iterator[str]:
    doc = node(work)
    several = len(versions) > 1
    yield line(doc, A, NPT.WorkingPaper)
    for f in versions:
        if f.title:
            yield line(doc, DCTERMS.title, lang_literal(f.title, f.language))
    zh_version = next((f for f in versions if f.language == "zh"), versions[0])
    label_en, label_zh = paper_labels(zh_version)
    yield line(doc, RDFS.label, en(label_en))
    yield line(doc, RDFS.label, zh(label_zh))
    first = versions[0]
    symbol = next((f.symbol for f in versions if f.symbol), None)
    if symbol:
        yield line(doc, NPT.symbol, plain(symbol))
    issued = next((f.issue_date for f in versions if f.issue_date), None)
    if issued:
        yield line(doc, NPT.issueDate, date(issued))
    original = next((f.original_language for f in versions if f.original_language), None)
    if original:
        yield line(doc, NPT.originalLanguage, plain(original))
    for f in versions:
        yield line(doc, NPT.language, plain(f.language))
    if not several:  # a paper read from one file: the file is the paper's too (as before versions)
        yield line(doc, NPT.sourceFile, plain(first.file))
        yield line(doc, NPT.sha256, plain(first.sha256))
        for w in first.warnings:
            yield line(doc, NPT.parseWarning, plain(f"line {w.line}: {w.message}"))
    meeting = next((f.meeting for f in versions if f.meeting is not None), None)
    if meeting is not None:
        yield line(doc, NPT.submittedTo, node(meeting.iri))
        rec = shared.meetings.get(meeting.iri)
        if rec is None:
            rec = shared.meetings[meeting.iri] = _MeetingRecord(meeting)
        rec.all_inferred = rec.all_inferred and meeting.cycle_inferred
    exprs = {f.language: expression_iri(work, f.language) for f in versions}
    by_version = [{s.key: s for s in f.header.submitters} for f in versions]
    for s in {k: e for sub in by_version for k, e in sub.items()}.values():
        yield line(doc, NPT.submittedBy, shared.use(s))
    if several:
        yield from _differences(work, "submittedBy", [(f.language, set(sub)) for f, sub in zip(
            versions, by_version, strict=True)], exprs, lambda k: shared.use(next(
                sub[k] for sub in by_version if k in sub)))
    for f in versions:
        h = f.header
        if h.coalition is not None:
            c = shared.use(h.coalition)
            yield line(doc, NPT.onBehalfOf, c)
            mem = shared.members.setdefault(h.coalition.key, set())
            for m in h.members:
                shared.use(m)
                mem.add(m.key)
        for fn in f.doc_footnotes:
            yield line(doc, NPT.hasFootnote, node(fn))
    for f in versions:
        expr = node(exprs[f.language])
        yield from _expression_triples(f, doc, expr, several)
        for u in f.units:
            yield from _unit_triples(u, doc, shared, f.language, expr, several)
    if several:
        yield from _correspondences(versions)
    for iri, parts in _merged(versions, work, "measures"):
        yield from _measure_triples(iri, parts, doc, shared, exprs, several)
    for iri, parts in _merged(versions, work, "risks"):
        yield from _risk_triples(iri, parts, doc, exprs, several)


def _expression_triples(f: PaperFacts, doc: str, expr: str, several: bool) -> Iterator[str]:
    name_en, name_zh = LANGUAGE_NAMES.get(f.language, (f.language, f.language))
    yield line(expr, A, NPT.Expression)
    yield line(doc, NPT.hasExpression, expr)
    yield line(expr, NPT.realizes, doc)
    yield line(expr, RDFS.label, en(f"{name_en} version of {f.symbol or f.file}"))
    yield line(expr, RDFS.label, zh(f"{f.symbol or f.file} {name_zh}本"))
    yield line(expr, NPT.language, plain(f.language))
    yield line(expr, NPT.sourceFile, plain(f.file))
    yield line(expr, NPT.sha256, plain(f.sha256))
    if f.title:
        yield line(expr, DCTERMS.title, lang_literal(f.title, f.language))
    if several:
        for w in f.warnings:
            yield line(expr, NPT.parseWarning, plain(f"line {w.line}: {w.message}"))


def _relative(f: PaperFacts, iri: str) -> str:
    """A unit's or fact's IRI without its version's base: the same in every language version."""
    return iri[len(f.doc):] if iri.startswith(f.doc) else iri


def _correspondences(versions: list[PaperFacts]) -> Iterator[str]:
    """Paragraph N of one version ↔ paragraph N of the other (and the same for sections, items, footnotes)."""
    units = [{_relative(f, u.iri): u.iri for u in f.units} for f in versions]
    for k, here in enumerate(units):
        for there in units[k + 1:]:
            for rel, iri in here.items():
                other = there.get(rel)
                if other is not None:
                    yield line(node(iri), NPT.correspondsTo, node(other))
                    yield line(node(other), NPT.correspondsTo, node(iri))


Part = tuple[PaperFacts, object]


def _merged(versions: list[PaperFacts], work: str, attr: str) -> list[tuple[str, list[Part]]]:
    """Facts of all versions keyed by where they were read (`/p/5/a/measure`): one per place."""
    groups: dict[str, list[Part]] = {}
    for f in versions:
        for fact in getattr(f, attr):
            groups.setdefault(_relative(f, fact.iri), []).append((f, fact))
    return [(work + rel, parts) for rel, parts in groups.items()]


def _differences(subject: str, kind: str, readings: list[tuple[str, set[str]]], exprs: dict[str, str],
                 value_node) -> Iterator[str]:
    """One npt:VersionDifference for each value that some versions read and others did not."""
    union = set().union(*(vals for _, vals in readings))
    for value in sorted(union):
        having = [lang for lang, vals in readings if value in vals]
        if len(having) == len(readings):
            continue
        for lang in having:
            d = node(f"{subject}/difference/{vocab.slug(kind)}-{vocab.slug(value.rsplit('/', 1)[-1])}-{lang}")
            yield line(d, A, NPT.VersionDifference)
            yield line(d, NPT.differenceOf, node(subject))
            yield line(d, NPT.onlyIn, node(exprs[lang]))
            yield line(d, NPT.differenceKind, plain(kind))
            yield line(d, NPT.concerns, value_node(value))
            yield line(d, RDFS.label, en(f"{kind} {value.rsplit('/', 1)[-1]} only in the "
                                         f"{LANGUAGE_NAMES.get(lang, (lang,))[0]} version"))
            yield line(d, RDFS.label, zh(f"仅见于{LANGUAGE_NAMES.get(lang, (lang, lang))[1]}本的 {kind} "
                                         f"{value.rsplit('/', 1)[-1]}"))


def _only_in_some(subject: str, kind: str, parts: list[Part], exprs: dict[str, str]) -> Iterator[str]:
    """A measure or risk read from some versions only."""
    if len(parts) == len(exprs):
        return
    for f, _ in parts:
        d = node(f"{subject}/difference/{kind}-{f.language}")
        yield line(d, A, NPT.VersionDifference)
        yield line(d, NPT.differenceOf, node(subject))
        yield line(d, NPT.onlyIn, node(exprs[f.language]))
        yield line(d, NPT.differenceKind, plain(kind))
        yield line(d, RDFS.label, en(f"read from the {LANGUAGE_NAMES.get(f.language, (f.language,))[0]} "
                                     "version only"))
        yield line(d, RDFS.label, zh(f"仅从{LANGUAGE_NAMES.get(f.language, (f.language, f.language))[1]}本读出"))


def _unit_labels(u: UnitFacts, lang: str, several: bool) -> tuple[str, str]:
    """(English, Chinese) labels of a text unit; a heading names a section in its own language only."""
    label_en, label_zh = u.label_en, u.label_zh
    if u.kind == "section" and lang != "zh":
        label_en, label_zh = (u.heading or label_en), f"第{u.order}节"
    if several:
        name_en, name_zh = LANGUAGE_NAMES.get(lang, (lang, lang))
        label_en, label_zh = f"{label_en} ({name_en})", f"{label_zh}（{name_zh}本）"
    return label_en, label_zh


def _unit_triples(u: UnitFacts, doc: str, shared: SharedEntities, lang: str = "zh", expr: str | None = None,
                  several: bool = False) -> Iterator[str]:
    s = node(u.iri)
    yield line(s, A, UNIT_CLASS[u.kind])
    yield line(s, NPT.inDocument, doc)
    if expr is not None:
        yield line(s, NPT.inExpression, expr)
    label_en, label_zh = _unit_labels(u, lang, several)
    yield line(s, RDFS.label, en(label_en))
    yield line(s, RDFS.label, zh(label_zh))
    if u.text:
        yield line(s, NPT.text, lang_literal(u.text, lang))
    if u.order is not None:
        yield line(s, NPT.order, integer(u.order))
    if u.kind == "section":
        yield line(doc, NPT.hasSection, s)
        if u.heading:
            yield line(s, NPT.heading, lang_literal(u.heading, lang))
    elif u.kind == "paragraph":
        yield line(doc, NPT.hasParagraph, s)
        yield line(s, NPT.number, integer(u.number or 0))
        if u.section:
            yield line(s, NPT.inSection, node(u.section))
    elif u.kind == "item":
        if u.label is not None:
            yield line(s, NPT.label, plain(u.label))
        if u.path:
            yield line(s, NPT.itemPath, plain(u.path))
    elif u.kind == "footnote" and u.mark is not None:
        yield line(s, NPT.footnoteMark, plain(u.mark))
    for c in u.children:
        yield line(s, NPT.hasItem, node(c))
    for fn in u.footnotes:
        yield line(s, NPT.hasFootnote, node(fn))
    for e in u.mentions:
        o = shared.use(e)
        yield line(s, NPT.mentions, o)
        if e.kind == "treaty":
            yield line(s, NPT.refersToTreaty, o)
    for t, roman in dict.fromkeys(u.articles):
        shared.use(t)
        shared.articles.add((t.key, roman))
        yield line(s, NPT.refersToTreaty, article_iri(t, roman))
    for sym, quote in u.cites:
        shared.documents.setdefault(sym, set()).add(quote)
        yield line(s, NPT.cites, doc_symbol_iri(sym))
    for url in dict.fromkeys(u.urls):
        yield line(s, NPT.url, typed(url, XSD.anyURI))
    for st in u.statements:
        shared.statements.setdefault(st.iri, []).append((st, lang))
        shared.use(st.issuer)
        yield line(s, NPT.cites, node(st.iri))


def _measure_triples(iri: str, parts: list[Part], doc: str, shared: SharedEntities, exprs: dict[str, str],
                     several: bool) -> Iterator[str]:
    s = node(iri)
    first: MeasureFact = parts[0][1]  # type: ignore[assignment]
    yield line(s, A, NPT.Measure)
    yield line(doc, NPT.proposes, s)
    yield line(s, RDFS.label, en(f"measure {first.path}"))
    yield line(s, RDFS.label, zh(f"措施 {first.path}"))
    for f, m in parts:
        yield line(s, PROV.wasDerivedFrom, node(m.unit))  # type: ignore[attr-defined]
        yield line(s, NPT.quote, lang_literal(m.quote, f.language))  # type: ignore[attr-defined]
    measures: list[tuple[str, MeasureFact]] = [(f.language, m) for f, m in parts]  # type: ignore[misc]
    typed = [t for _, m in measures if not m.fallback for t in m.types]
    for t in dict.fromkeys(typed or first.types):  # a type one version read beats the other's fallback
        yield line(s, NPT.measureType, node(t))
    entities: dict[str, Entity] = {}
    for _, m in measures:
        for a in m.addressees:
            entities[entity_iri(a)] = a
            yield line(s, NPT.addressedTo, shared.use(a))
        for t in m.treaties:
            entities[entity_iri(t)] = t
            yield line(s, NPT.refersToTreaty, shared.use(t))
        for t, roman in dict.fromkeys(m.articles):
            yield line(s, NPT.refersToTreaty, article_iri(t, roman))
        for r in m.mitigates:
            yield line(s, NPT.mitigates, node(r))
    triggers = {c: phrase for _, m in measures for c, phrase in m.triggers.items()}
    # the measure types' phrases may stand outside the measure's words (its lead, sub-items, the theme)
    context = {t: m.type_from.get(t) or m.typed_from for _, m in measures for t in m.types
               if (m.type_from.get(t) or m.typed_from) and t not in m.model_only}
    scores = {t: v for _, m in measures for t, v in m.model_scores.items()}
    model_only = {t for _, m in measures for t in m.model_only}
    concepts = [*dict.fromkeys(typed or first.types), *dict.fromkeys(r for _, m in measures for r in m.mitigates)]
    yield from _evidence_triples(s, iri, triggers, concepts, context, scores, model_only)
    if not several:
        return
    yield from _only_in_some(iri, "proposes", parts, exprs)
    if len(measures) > 1:
        def as_node(v: str) -> str:
            return v if v.startswith("<") else node(v)
        yield from _differences(iri, "addressedTo", [(lang, {entity_iri(a) for a in m.addressees})
                                                     for lang, m in measures], exprs, as_node)
        yield from _differences(iri, "refersToTreaty", [(lang, {entity_iri(t) for t in m.treaties})
                                                        for lang, m in measures], exprs, as_node)
        yield from _differences(iri, "measureType", [(lang, set() if m.fallback else set(m.types))
                                                     for lang, m in measures], exprs, as_node)


_CJK = re.compile(r"[\u4e00-\u9fff]")


#: Where a type's phrase stands when not in the measure's own words (MeasureFact.typed_from): the
#: value of npt:evidenceFrom, and how the evidence's labels say it.
_CONTEXT_LABELS = {
    "list lead": ("the list's lead", "所属列表的引导语"),
    "sub-items": ("its sub-items", "其下各分项"),
    "theme": ("the paper's title or section heading", "文件标题或章节标题"),
}


def _evidence_triples(s: str, iri: str, triggers: dict[str, str], concepts: list[str],
                      context: dict[str, str] | None = None, scores: dict[str, float] | None = None,
                      model_only: set[str] | None = None) -> Iterator[str]:
    """Why a measure or risk has each of its types: the concept and the words that matched its trigger,
    and, when those words are not the measure's own, where they stand (`npt:evidenceFrom`); for a type
    the model chose, its probability, and the words that weighed most when no trigger phrase gave it."""
    for concept in concepts:
        phrase = triggers.get(concept)
        score = (scores or {}).get(concept)
        if not phrase and (score is None or concept not in (model_only or ())):
            continue  # the fallback type, or a report's type: no phrase matched, and no model chose it
        e = node(f"{iri}/why/{concept.rsplit('/', 1)[-1]}")
        yield line(s, NPT.typedBy, e)
        yield line(e, A, NPT.TypeEvidence)
        yield line(e, NPT.evidenceFor, node(concept))
        if score is not None:
            yield line(e, NPT.modelScore, typed(f"{score:.4f}", XSD.decimal))
        if concept in (model_only or ()):
            said = phrase or ""
            if said:
                yield line(e, NPT.modelWords, zh(said) if _CJK.search(said) else en(said))
            yield line(e, RDFS.label, en(f"why: the model ({score:.2f}): {said}".rstrip(": ")))
            yield line(e, RDFS.label, zh(f"依据：模型（{score:.2f}）：{said}".rstrip("：")))
            continue
        yield line(e, NPT.triggerPhrase, zh(phrase) if _CJK.search(phrase) else en(phrase))
        where = (context or {}).get(concept)
        if where:
            label_en, label_zh = _CONTEXT_LABELS[where]
            yield line(e, NPT.evidenceFrom, plain(where))
            yield line(e, RDFS.label, en(f"why: {phrase} (in {label_en})"))
            yield line(e, RDFS.label, zh(f"依据：{phrase}（见{label_zh}）"))
        else:
            yield line(e, RDFS.label, en(f"why: {phrase}"))
            yield line(e, RDFS.label, zh(f"依据：{phrase}"))


def _risk_triples(iri: str, parts: list[Part], doc: str, exprs: dict[str, str], several: bool) -> Iterator[str]:
    s = node(iri)
    first: RiskFact = parts[0][1]  # type: ignore[assignment]
    risks: list[tuple[str, RiskFact]] = [(f.language, r) for f, r in parts]  # type: ignore[misc]
    yield line(s, A, NPT.Risk)
    yield line(doc, NPT.identifies, s)
    if any(r.risky_action for _, r in risks):
        yield line(s, A, NPT.RiskyAction)
        yield line(doc, NPT.advisesAgainst, s)
        yield line(s, RDFS.label, en(f"action to avoid {first.path}"))
        yield line(s, RDFS.label, zh(f"应避免的行动 {first.path}"))
    else:
        yield line(s, RDFS.label, en(f"risk {first.path}"))
        yield line(s, RDFS.label, zh(f"风险 {first.path}"))
    for lang, r in risks:
        yield line(s, PROV.wasDerivedFrom, node(r.unit))
        yield line(s, NPT.quote, lang_literal(r.quote, lang))
    typed = [t for _, r in risks if not r.fallback for t in r.types]
    for t in dict.fromkeys(typed or first.types):
        yield line(s, NPT.riskType, node(t))
    triggers = {c: phrase for _, r in risks for c, phrase in r.triggers.items()}
    scores = {t: v for _, r in risks for t, v in r.model_scores.items()}
    model_only = {t for _, r in risks for t in r.model_only}
    yield from _evidence_triples(s, iri, triggers, list(dict.fromkeys(typed or first.types)), None, scores,
                                 model_only)
    if several:
        yield from _only_in_some(iri, "identifies", parts, exprs)
        if len(risks) > 1:
            yield from _differences(iri, "riskType", [(lang, set() if r.fallback else set(r.types))
                                                      for lang, r in risks], exprs, node)


# --- shared entities -----------------------------------------------------------------------


def shared_lines(shared: SharedEntities, g: Gazetteer) -> list[str]:
    """States, coalitions, organizations, treaties, meetings, cited documents and statements, sorted, each once."""
    return unique(_shared_triples(shared, g))


def shared_triples(shared: SharedEntities, g: Gazetteer, lexicon: Lexicon | None = None) -> Iterator[Triple]:
    """`shared_lines` as pyoxigraph triples."""
    return to_triples(shared_lines(shared, g))


def _shared_triples(shared: SharedEntities, g: Gazetteer) -> Iterator[str]:
    for (kind, key), e in sorted(shared.entities.items()):
        s = entity_iri(e)
        yield line(s, RDFS.label, en(e.en))
        yield line(s, RDFS.label, zh(e.zh))
        if e.abbreviation:
            yield line(s, NPT.abbreviation, plain(e.abbreviation))
        if kind == "state":
            yield line(s, A, NPT.State)
            yield line(s, A, STATE_CLASS.get(e.npt_status or "nnws", NPT.NonNuclearWeaponState))
            yield line(s, NPT.isoCode, plain(e.key))
        elif kind == "coalition":
            yield line(s, A, NPT.Coalition)
            for iso in sorted(shared.members.get(key, ())):
                m = entity_iri(g.states[iso])
                yield line(s, NPT.hasMember, m)
                yield line(m, NPT.memberOf, s)
        elif kind == "org":
            yield line(s, A, NPT.Organization)
        elif kind == "treaty":
            yield line(s, A, NPT.Treaty)
            if e.proposed:
                yield line(s, A, NPT.ProposedTreaty)
    for key, roman in sorted(shared.articles):
        t = g.treaties[key]
        s = article_iri(t, roman)
        yield line(s, A, NPT.TreatyArticle)
        yield line(s, NPT.articleOf, entity_iri(t))
        yield line(s, RDFS.label, en(f"Article {roman} of the {t.abbreviation or t.en}"))
        yield line(s, RDFS.label, zh(f"《{t.zh}》第{roman}条"))
    yield from _meeting_triples(shared)
    for sym in sorted(shared.documents):
        s = doc_symbol_iri(sym)
        yield line(s, A, NPT.UNDocument)
        yield line(s, NPT.symbol, plain(sym))
        yield line(s, RDFS.label, en(sym))
    for iri in sorted(shared.statements):
        quoted = shared.statements[iri]
        facts = [f for f, _ in quoted]
        best = max(facts, key=lambda f: (f.known, f.day_known, -f.date.toordinal()))
        s = node(iri)
        yield line(s, A, NPT.Statement)
        yield line(s, NPT.issuedBy, entity_iri(best.issuer))
        if best.day_known:
            yield line(s, NPT.statementDate, date(best.date))
        else:
            yield line(s, NPT.statementDate, typed(f"{best.date:%Y-%m}", XSD.gYearMonth))
        yield line(s, RDFS.label, en(best.label_en))
        yield line(s, RDFS.label, zh(best.label_zh))
        for f, lang in sorted(quoted, key=lambda q: (q[0].unit, q[0].quote)):
            yield line(s, PROV.wasDerivedFrom, node(f.unit))
            yield line(s, NPT.quote, lang_literal(f.quote, lang))


def _meeting_triples(shared: SharedEntities) -> Iterator[str]:
    revcons: dict[str, MeetingFact] = {}
    for iri in sorted(shared.meetings):
        rec = shared.meetings[iri]
        m = rec.fact
        s = node(iri)
        if m.session is not None:
            yield line(s, A, NPT.PrepComSession)
            yield line(s, NPT.sessionNumber, integer(m.session))
            yield line(s, NPT.forReviewConference, node(m.revcon_iri))
            yield line(s, RDFS.label, en(f"Preparatory Committee for the {m.cycle} Review Conference, "
                                           f"session {m.session}"))
            yield line(s, RDFS.label, zh(f"{m.cycle}年审议大会筹备委员会第{int_to_cn(m.session)}届会议"))
            revcons.setdefault(m.revcon_iri, m)
        else:
            revcons[m.revcon_iri] = m
            yield from _revcon_label(s, m)
        yield line(s, NPT.cycleYear, integer(m.cycle))
        yield line(s, NPT.cycleInferred, boolean(rec.all_inferred))
        if m.city_zh:
            yield line(s, NPT.city, zh(m.city_zh))
        if m.city_en:
            yield line(s, NPT.city, en(m.city_en))
        if m.start:
            yield line(s, NPT.startDate, date(m.start))
        if m.end:
            yield line(s, NPT.endDate, date(m.end))
    for iri in sorted(set(revcons) - set(shared.meetings)):
        m = revcons[iri]
        s = node(iri)
        yield from _revcon_label(s, m)
        yield line(s, NPT.cycleYear, integer(m.cycle))


def _revcon_label(s: str, m: MeetingFact) -> Iterator[str]:
    yield line(s, A, NPT.ReviewConference)
    ordinal = f"{m.ordinal_en} " if m.ordinal_en else ""
    yield line(s, RDFS.label, en(f"{ordinal}Review Conference of the Parties to the NPT ({m.cycle})"))
    yield line(s, RDFS.label, zh(f"不扩散核武器条约缔约国{m.cycle}年审议大会"))
