"""ParsedPaper → plain facts: who submitted it where, what it names, cites, proposes and warns of.

The reader knows the layout; this module knows the world (through `kg.extract.gazetteer`) and
the vocabulary of measures and risks (through `kg.extract.lexicon`). It produces the plain
dataclasses of `kg.extract.facts`, so `kg.emit` can turn them into triples without knowing any
Chinese.

Nothing here is specific to one paper: lists are recognised by the wording of their lead
sentence or the heading of their section (cues in `kg/data/cues.json`), and every fact keeps
the text unit it was read from and the words it was read from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable
from functools import lru_cache

from kg import vocab
from kg.errors import UserError
from kg.extract import segment
from kg.extract.cues import Cues
from kg.extract.facts import (
    HeaderFacts,
    Lead,
    MeasureFact,
    MeetingFact,
    PaperFacts,
    RiskFact,
    StatementFact,
    UnitFacts,
)
from kg.extract.gazetteer import Entity, Gazetteer, Match
from kg.extract.lexicon import Lexicon, Scheme
from kg.extract.typer import RiskContext, RiskTyper, Typer, TypingContext
from kg.read.model import Item, ParsedPaper, ParseWarning
from kg.util.numerals import cn_to_int, roman_value, to_roman

ID = vocab.ID_NS
# Structural patterns of UN documents (not concept triggers).
SYMBOL_RE = re.compile(r"(?<![\w/.\-])([A-Z][A-Z0-9]{0,9}(?:\.\d+)?(?:/[A-Za-z0-9][A-Za-z0-9.\-]*)+)")
SYMBOL_SUFFIX_RE = re.compile(
    r"\s*[(（]\s*(Vol\.?\s*[IVX]+|Part\s+[IVX]+|第([一二三四五六七八九十]+)卷|第([一二三四五六七八九十]+)部分"
    r"|第[一二三四五六七八九十]+[和、至][^)）]{0,12}部分)\s*[)）]")
URL_RE = re.compile(r"(?:https?://|www\.)[^\s，。；、“”\"'<>（）()]+[^\s，。；、“”\"'<>（）().,;:]")
DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")
ARTICLE_RE = re.compile(r"第\s*([一二三四五六七八九十]+|\d{1,2})\s*条(?![约款件例])|\b[Aa]rticles?\s+([IVX]+)\b")
#: a treaty named by its kind alone: 《条约》, "the Treaty" (capital T; not the start of a full title)
BARE_TREATY_RE = re.compile(r"《条约》|\bthe\s+Treaty\b(?!\s+(?:on|of|for|banning|to|between|of)\b)(?!\s*\()")
#: a sentence: up to a Chinese stop, or an English full stop before a space (not the dot of "INFCIRC/225/Rev.5")
SENTENCE_RE = re.compile(r"(?:[^。；;！？!?.]|\.(?!\s|$))+(?:[。；;！？!?]|\.(?=\s|$))?")
VOL_RE = re.compile(r"Vol\.?\s*")
NPT_SYMBOL_RE = re.compile(r"NPT/CONF\.(\d{4})(?:/PC\.([IVX]+))?")
#: How far after a statement's content cues the word naming it (声明, 宣言) may stand to join the quote.
STATEMENT_WORD_REACH = 12


#: Item labels and footnote marks repeat across papers ("a", "1"): slug each once.
_slug = lru_cache(maxsize=4096)(vocab.slug)


# --- the extractor -------------------------------------------------------------------------


def _dedup(entities: Iterable[Entity]) -> list[Entity]:
    seen: dict[tuple[str, str], Entity] = {}
    for e in entities:
        seen.setdefault((e.kind, e.key), e)
    return list(seen.values())


def _mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Blank out spans (symbols, URLs) with a character no name contains, keeping offsets."""
    if not spans:
        return text
    chars = list(text)
    for a, b in spans:
        for k in range(a, b):
            chars[k] = "\u25a1"
    return "".join(chars)


class Extractor:
    """Turns parsed papers into facts; holds the gazetteer (with learned coalitions) and the lexicon."""

    def __init__(self, gazetteer: Gazetteer, lexicon: Lexicon, cues: Cues | None = None,
                 typer: Typer | None = None, risk_typer: RiskTyper | None = None) -> None:
        self.g = gazetteer
        self.lex = lexicon
        self.cues = cues or Cues.load()
        segment.add_words(name for name, _ in gazetteer.names)
        self.default_treaty = gazetteer.default_treaty()
        self._authors: set[tuple[str, str]] = set()
        self._theme: tuple[dict[str, tuple[int, int]], dict[str, str]] = ({}, {})
        self._themed: set[str] = set()
        #: the model that types the steps the rules found (None: the trigger phrases' types stand)
        self.typer = typer
        #: when a dict, what the model reads of each step is kept here by measure IRI (`npt-kg train`)
        self.contexts: dict[str, TypingContext] | None = None
        self._heading = ""
        #: measure IRI → (its lead, its section heading, the concepts found in its words): what the model
        #: reads besides the step's words
        self._read_around: dict[str, tuple[str, str, list[str]]] = {}
        if self.cues.report_type not in lexicon.measures.concepts:
            raise ValueError(f"report_leads_type {self.cues.report_type} is not a measure type of the lexicon")
        #: the model that reads every unit's risk types over the rules' (None: the risk phrases' stand)
        self.risk_typer = risk_typer
        #: when a dict, what the risk model reads of each unit is kept here by unit IRI (`npt-kg train`)
        self.risk_contexts: dict[str, RiskContext] | None = None
        #: unit IRI → (its path, its own words, its list's lead, its section heading), for the risk model
        self._units_read: dict[str, tuple[str, str, str, str]] = {}
        # a model made for another scheme (an old or hand-edited file) would emit undeclared concepts
        for model, scheme, what in ((typer, lexicon.measures, "measure"), (risk_typer, lexicon.risks, "risk")):
            if model is not None:
                unknown = [c for c in model.classes if model.namespace + c not in scheme.concepts]
                if unknown:
                    raise UserError(f"{model.source or 'the ' + what + '-type model'}: its classes are not {what} "
                                    f"types of the ontology ({', '.join(unknown[:5])}); make it again with "
                                    "`npt-kg train`")

    # -- header --

    def read_header(self, paper: ParsedPaper, learn: bool = True) -> HeaderFacts:
        """Submitters, coalition and members from the submitter line; learns unknown group names."""
        line = (paper.header.submitter_line or "").strip()
        if not line:
            return HeaderFacts([], None, [], None, None)
        body = self.cues.submitter_head.sub("", self.cues.submitter_tail.sub("", line)).strip()
        sep = self.cues.on_behalf_of.search(body)
        speaker, behalf = (body[: sep.start()], body[sep.end():]) if sep else ("", body)
        # the member list in brackets, if any
        members_text, outside = "", behalf
        m = re.search(r"[(（]([^()（）]*)[)）]", behalf)
        if m:
            members_text = m.group(1)
            outside = behalf[: m.start()] + behalf[m.end():]
        coalition: Entity | None = None
        new_name: str | None = None
        for mt in self.g.find(outside):
            if mt.entity is not None and mt.entity.kind == "coalition":
                coalition = mt.entity
                break
        if coalition is None and members_text:
            # "A, B and C (the Vienna Group of Ten)": the brackets name the group, the States stand outside
            named = [x.entity for x in self.g.find(members_text) if x.entity.kind == "coalition"]
            if named:
                coalition, members_text, outside = named[0], outside, ""
        if coalition is None:
            named = self.cues.coalition_name.search(behalf[: m.start()] if m else behalf)
            if named:
                name = re.sub(r"\s+", "", named.group(1))
                if not [x for x in self.g.find(name) if x.start == 0 and x.end == len(name)]:
                    new_name = name
                    if learn:
                        coalition = self.g.add_coalition(name)
        members = _dedup(x.entity for x in self.g.find(members_text) if x.entity.kind == "state")
        speakers = _dedup(x.entity for x in self.g.find(speaker) if x.entity.kind == "state")
        others = _dedup(x.entity for x in self.g.find(outside) if x.entity.kind == "state")
        if speakers:
            submitters = speakers if coalition is not None else _dedup(speakers + others + members)
        elif others:
            submitters = others
        else:
            submitters = members
        return HeaderFacts(submitters, coalition, members if coalition is not None else [], new_name, line)

    # -- meeting --

    def read_meeting(self, paper: ParsedPaper, warnings: list[ParseWarning]) -> MeetingFact | None:
        h = paper.header
        meetings = self.g.meetings
        assert meetings is not None
        cycle, session, printed = h.conference_year, h.session, h.conference_year is not None
        prepcom = h.prepcom or session is not None
        sym = NPT_SYMBOL_RE.search(h.symbol or "")
        if sym:
            cycle, printed = cycle or int(sym.group(1)), True
            if sym.group(2):
                prepcom = True
                session = session or roman_value(sym.group(2))
        known = None
        if cycle is None or (prepcom and session is None):
            known = meetings.find_by_dates(h.start_date, h.end_date, prepcom)
            if known is not None:
                cycle = cycle or known.cycle
                session = session if session is not None else known.session
            elif cycle is None and h.start_date is not None:
                if prepcom and session is not None:
                    cycle = h.start_date.year + 4 - session
                elif not prepcom:
                    cycle = h.start_date.year
        line = h.lines.get("start_date") or h.lines.get("session") or 1
        if cycle is None:
            warnings.append(ParseWarning(line, "cannot tell which meeting the paper was submitted to"))
            return None
        if prepcom and session is None:
            warnings.append(ParseWarning(line, "a Preparatory Committee paper without a session number"))
            return None
        revcon_iri = f"{ID}meeting/revcon-{cycle}"
        iri = f"{revcon_iri}/prepcom-{session}" if prepcom else revcon_iri
        if known is None:
            known = meetings.prepcoms.get((cycle, session)) if prepcom else meetings.review_conferences.get(cycle)
        city = meetings.city_zh(h.city) or (known.city_zh if known else None)
        start, end = h.start_date, h.end_date
        if start is None and known is not None:
            start, end = known.start, known.end
        revcon = meetings.review_conferences.get(cycle)
        return MeetingFact(iri, cycle, session if prepcom else None, city, meetings.city_en(city), start,
                           end or start, not printed, revcon_iri,
                           revcon.ordinal_en if revcon else None, revcon.ordinal_zh if revcon else None)

    # -- text units --

    def scan(self, unit: UnitFacts, own: str, npt_paper: bool) -> tuple[list[Match], str]:
        """Names, treaties, articles, symbols, URLs and dated statements in a unit's own text.

        Returns the names found and the text they were found in (symbols and URLs blanked out),
        so a measure read from the same text need not look for them again.
        """
        spans: list[tuple[int, int]] = []
        # each pattern is tried only when a word it needs occurs (most units cite nothing)
        for m in URL_RE.finditer(own) if ("http" in own or "www." in own) else ():
            url = m.group(0).rstrip(".")
            unit.urls.append(url if url.startswith("http") else "http://" + url)
            spans.append(m.span())
        masked = _mask(own, spans)
        for m in self.cues.resolution.finditer(masked) if "决议" in masked else ():
            prefix = self.cues.resolution_bodies[m.group(1)]
            sym = f"{prefix}/{m.group(2)}/{m.group(3)}" if m.group(3) else f"{prefix}/{m.group(2)} ({m.group(4)})"
            unit.cites.append((sym, m.group(0)))
        for m in SYMBOL_RE.finditer(masked) if "/" in masked else ():
            sym = m.group(1).rstrip(".-")
            if not any(c.isdigit() for c in sym) or sym.count("/") < 1:
                continue
            suffix = SYMBOL_SUFFIX_RE.match(masked, m.end())
            end = m.end()
            if suffix:
                end = suffix.end()
                s = suffix.group(1)
                if s.startswith(("Vol", "Part")):
                    sym += " (" + (VOL_RE.sub("Vol. ", s) if s.startswith("Vol") else s) + ")"
                elif suffix.group(2):
                    sym += f" (Vol. {to_roman(cn_to_int(suffix.group(2)) or 1)})"
                elif suffix.group(3):
                    sym += f" (Part {to_roman(cn_to_int(suffix.group(3)) or 1)})"
            unit.cites.append((sym, own[m.start():end]))
            spans.append((m.start(), end))
        masked = _mask(own, spans)
        matches = self.g.find(masked)
        # bare 《条约》 and 第X条: the treaty last named before them in this unit, else the NPT
        treaty_at = [(mt.start, mt.entity) for mt in matches if mt.entity.kind == "treaty"]
        extra: list[Match] = []
        for m in BARE_TREATY_RE.finditer(masked) if ("《条约》" in masked or "Treaty" in masked) else ():
            t = self._context_treaty(treaty_at, m.start(), npt_paper, masked)
            if t is not None:
                extra.append(Match(m.start(), m.end(), t, m.group(0)))
        for m in ARTICLE_RE.finditer(masked) if ("条" in masked or "rticle" in masked) else ():
            n = cn_to_int(m.group(1)) if m.group(1) else roman_value(m.group(2))
            t = self._context_treaty(treaty_at + [(x.start, x.entity) for x in extra], m.start(), npt_paper,
                                    masked)
            if n and t is not None:
                unit.articles.append((t, to_roman(n)))
        if extra:
            matches = sorted(matches + extra, key=lambda x: x.start)
        unit.mentions = _dedup([*unit.mentions, *(m.entity for m in matches)])
        unit.statements = _merge_statements([*unit.statements, *self._statements(unit, own, masked, matches)])
        return matches, masked

    def _context_treaty(self, treaty_at: list[tuple[int, Entity]], pos: int, npt_paper: bool,
                        text: str = "") -> Entity | None:
        """The treaty named last before `pos` in the same sentence, else the NPT in an NPT paper."""
        sentence_start = max(text.rfind(c, 0, pos) for c in "。；;") + 1 if text else 0
        before = [t for p, t in treaty_at if sentence_start <= p < pos]
        if before:
            return before[-1]
        return self.default_treaty if npt_paper else None

    def _statements(self, unit: UnitFacts, own: str, masked: str, matches: list[Match]) -> list[StatementFact]:
        out: list[StatementFact] = []
        actors = [m for m in matches if m.entity.kind in ("state", "org", "coalition")]
        for m in DATE_RE.finditer(masked) if "月" in masked else ():
            window_end = len(masked)
            for stop in "。；;":
                k = masked.find(stop, m.end())
                if k != -1:
                    window_end = min(window_end, k)
            word = self.cues.statement_words.search(masked, m.end(), min(window_end, m.end() + 60))
            if not word:
                continue
            between = [a for a in actors if m.end() <= a.start and a.end <= word.start()]
            before = [a for a in actors if a.end <= m.start() and m.start() - a.end <= 12]
            issuer = (between or before or [None])[-1]
            if issuer is None:
                continue
            try:
                day = int(m.group(3)) if m.group(3) else 1
                date = dt.date(int(m.group(1)), int(m.group(2)), day)
            except ValueError:
                continue
            out.append(self._statement(issuer.entity, date, bool(m.group(3)), word.group(0),
                                       own[m.start():word.end()], unit.iri))
        named = [(a, b, k) for a, b, k in self.g.find_statements(masked)]
        for m in SENTENCE_RE.finditer(masked) if self.g.may_name_statements_by_content(masked) else ():
            for a, b, k in self.g.find_statements_by_content(m.group(0)):
                a, b = m.start() + a, m.start() + b
                word = self.cues.statement_words.search(masked, b, min(m.end(), b + STATEMENT_WORD_REACH))
                named.append((a, word.end() if word else b, k))
        for start, end, known in sorted(named, key=lambda x: x[:2]) if named else ():
            issuer = self.g.actor(known.issuer)
            if issuer is not None:
                out.append(self._statement(issuer, known.date, True, None, own[start:end], unit.iri,
                                           known.en, known.zh))
        return out

    def _statement(self, issuer: Entity, date: dt.date, day_known: bool, word: str | None, quote: str,
                   unit: str, en: str | None = None, zh: str | None = None) -> StatementFact:
        iri = f"{ID}statement/{date:%Y-%m}-{vocab.slug(issuer.key.lower() if issuer.kind != 'state' else issuer.key)}"
        kind_zh = word or "声明"
        kind_en = "declaration" if "宣言" in kind_zh else "joint statement" if "联合" in kind_zh else "statement"
        label_en = en or f"{issuer.en}, {kind_en} of {date:%B %Y}"
        label_zh = zh or f"{issuer.zh}{date.year}年{date.month}月{kind_zh}"
        return StatementFact(iri, date, day_known, issuer, label_en, label_zh, quote, unit, known=en is not None)

    # -- the paper --

    def extract(self, paper: ParsedPaper, header: HeaderFacts | None = None, doc: str | None = None) -> PaperFacts:
        h = paper.header
        warnings = list(paper.warnings)
        header = header or self.read_header(paper)
        # a paper's own submitters do not call upon themselves ("The Group calls upon all States")
        self._authors = {(e.kind, e.key) for e in [*header.submitters, header.coalition] if e is not None}
        # "…on behalf of the Association of Southeast Asian Nations": a submitting body the gazetteer knows
        # as an organization rather than a coalition is an author too (东盟呼吁… does not call upon ASEAN)
        self._authors |= {("org", m.entity.key) for m in self.g.find(h.submitter_line or "") if m.entity.kind == "org"}
        self._theme = self._title_theme(h.title or "")
        self._themed = set()  # the units whose step took the paper's theme (its sub-items may say better)
        self._read_around = {}
        self._units_read = {}
        meeting = self.read_meeting(paper, warnings)
        npt_paper = meeting is not None or bool(NPT_SYMBOL_RE.search(h.symbol or ""))
        doc = doc or doc_iri(paper)
        used: set[str] = set()

        def unique(iri: str) -> str:
            k, base = 2, iri
            while iri in used:
                iri, k = f"{base}-{k}", k + 1
            used.add(iri)
            return iri

        fn_iri = {}
        footnotes: list[UnitFacts] = []
        for fn in paper.footnotes:
            mark = "star" if fn.mark == "*" else _slug(fn.mark)
            iri = unique(f"{doc}/fn/{mark}")
            fn_iri.setdefault(fn.mark, iri)
            u = UnitFacts(iri, "footnote", fn.text, f"footnote {fn.mark}", f"脚注{fn.mark}", mark=fn.mark)
            self.scan(u, fn.text, npt_paper)
            footnotes.append(u)

        def marks(ms: Iterable[str]) -> list[str]:
            return [fn_iri[m] for m in dict.fromkeys(ms) if m in fn_iri]

        doc_footnotes = marks([m for m in (h.title_footnote, h.submitter_footnote) if m])
        sections: list[UnitFacts] = []
        sec_iri: dict[int, str] = {}
        sec_heading: dict[int, str] = {}
        for s in paper.sections:
            iri = unique(f"{doc}/s/{s.order}")
            sec_iri[s.order] = iri
            sec_heading[s.order] = s.heading or ""
            heading = f"{s.number}. {s.heading}" if s.number and s.heading else s.heading or ""
            u = UnitFacts(iri, "section", "", f"section {s.order}", heading or f"第{s.order}节", order=s.order,
                          heading=s.heading or None, footnotes=marks(s.footnote_marks))
            if s.heading:
                self.scan(u, s.heading, npt_paper)
            sections.append(u)

        paragraphs: list[UnitFacts] = []
        items: list[UnitFacts] = []
        measures: list[MeasureFact] = []
        risks: list[RiskFact] = []
        title_theme = self._theme
        section_theme = {order: self._title_theme(heading) for order, heading in sec_heading.items() if heading}
        for order, p in enumerate(paper.paragraphs, start=1):
            # the theme of a step that names none: its section's heading ("B. Nuclear safety"), else the title
            self._theme = section_theme.get(p.section) or title_theme
            self._heading = sec_heading.get(p.section, "")
            if not self._theme[0]:
                self._theme = title_theme
            iri = unique(f"{doc}/p/{p.number}")
            u = UnitFacts(iri, "paragraph", p.text, f"paragraph {p.number}", f"第{p.number}段", order=order,
                          number=p.number, path=str(p.number), section=sec_iri.get(p.section),
                          footnotes=marks(p.footnote_marks))
            own = p.lead if p.items else p.text
            found, masked = self.scan(u, own, npt_paper)
            paragraphs.append(u)
            heading = sec_heading.get(p.section, "")
            self._units_read[u.iri] = (str(p.number), own, "", heading)
            kind = self._list_kind(p.lead, heading, [it.own_text for it in p.items]) if p.items else None
            if not p.items:
                if (self.cues.recommendation_heading.search(heading)
                        and (self.cues.recommendation_paragraph.search(p.text) or self.cues.step_opening.match(own))) \
                        or self._calls(masked, found):
                    measures.append(self._measure(u, own, str(p.number), None, found, masked))
                else:
                    risks.extend(self._narrative_risks(u, own, str(p.number)))
                continue
            if kind != "measure":
                risks.extend(self._narrative_risks(u, p.lead, str(p.number)))
            lead = self._lead(p.lead, kind, found=found, masked=masked)
            if kind == "measure" and lead.report is not None \
                    and (self._calls(masked, found) or self.cues.lead_call.search(p.lead)):
                # a lead asking for reports that contain its items is a step itself (the report); its
                # items say what the report is to contain
                step = self._measure(u, own, str(p.number), None, found, masked)
                if step.fallback:  # it names no type but the report's
                    step.types, step.fallback = sorted(lead.report), False
                    step.triggers.update({t: lead.triggers[t] for t in lead.report if t in lead.triggers})
                measures.append(step)
            elif kind == "measure" and self.cues.detail_tail.search(p.lead) \
                    and (self._calls(masked, found) or self.cues.lead_call.search(p.lead)):
                # "States should strengthen their export controls, including by:": the lead asks for the
                # step its items detail, so it is a step too
                measures.append(self._measure(u, own, str(p.number), None, found, masked))
            # a list of measures only because its items mostly open with a request ("The Group: (a) Calls
            # upon …"): an item that opens with a view instead ("(b) Reaffirms …") states the view
            openings = [it.own_text for it in p.items]
            lead.views_apart = kind == "measure" and not self.cues.classify_lead(p.lead.strip(), p.lead + heading) \
                and not self.cues.is_report_lead(p.lead) and self.cues.is_operative_list(openings)
            u.addressees = list(lead.addressees)
            self._items(p.items, u, kind, lead, heading, unique, marks, items, measures, risks, npt_paper)
        if self.typer is not None or self.contexts is not None:
            self._model_types(measures, h.title or "")
        if self.risk_typer is not None or self.risk_contexts is not None:
            self._model_risks(measures, risks)
        return PaperFacts(
            doc=doc, file=paper.path.name, sha256=paper.sha256, symbol=h.symbol, title=h.title,
            issue_date=h.issue_date, language=h.language or "zh", original_language=h.original_language,
            meeting=meeting, header=header, doc_footnotes=doc_footnotes, sections=sections,
            paragraphs=paragraphs, items=items, footnotes=footnotes, measures=measures, risks=risks,
            warnings=warnings,
        )

    def _list_kind(self, lead: str, heading: str, items: list[str] = ()) -> str | None:
        return (self.cues.classify_lead(lead.strip(), lead + heading)
                or ("measure" if self.cues.is_report_lead(lead) or self.cues.is_operative_list(list(items))
                    else None)
                or self.cues.classify_heading(heading))

    def _lead(self, text: str, kind: str | None, report: list[str] | None = None, found: list[Match] | None = None,
              masked: str | None = None) -> Lead:
        """A list's lead: its theme (measure types) is the items' when they name none; whom it calls upon
        (the actors right after its call verb, or opening it) is called upon by every item."""
        if kind != "measure":
            return Lead(text, {}, set())
        if found is None or masked is None:
            found, masked = self.g.find(text), text
        types = self._type_spans(text, found, masked) if text else {}
        if report is None and self.cues.is_report_lead(text):
            # what a report is to cover is not a step of its own: its items are reports (GUIDE.md)
            report = [self.cues.report_type]
        addressees = self._addressees(masked, found, set(self._authors), strict=True, lead=True)
        addressees = _dedup([*addressees, *(m.entity for m in self._actors(masked, found)
                                            if self.cues.is_recipient(masked, m.start, m.end))])
        return Lead(text, types, set(), report, addressees, _phrases(text, types))

    def _items(self, items: list[Item], parent: UnitFacts, kind: str | None, lead: Lead, heading: str, unique,
               marks, out_items: list[UnitFacts], measures: list[MeasureFact], risks: list[RiskFact],
               npt_paper: bool) -> None:
        for it in items:
            seg = it.label if it.kind == "letter" else str(it.index)
            iri = unique(f"{parent.iri}/{_slug(seg)}")
            parent.children.append(iri)
            own = it.own_text
            u = UnitFacts(iri, "item", it.text, it.path, it.path, order=it.index, label=it.label, path=it.path,
                          parent=parent.iri, footnotes=marks(it.footnote_marks))
            found, masked = self.scan(u, own, npt_paper)
            out_items.append(u)
            self._units_read[u.iri] = (it.path, own, lead.text, heading)
            m = None
            if kind == "measure" and lead.views_apart and self.cues.view_open.match(own) \
                    and not self._calls(masked, found):
                risks.extend(self._narrative_risks(u, own, it.path))
            elif kind == "measure":
                m = self._measure(u, own, it.path, lead, found, masked)
                measures.append(m)
                u.addressees = list(m.addressees)
            elif kind in ("risk", "risky"):
                risks.append(self._list_risk(u, own, it.path, kind == "risky"))
            else:
                risks.extend(self._narrative_risks(u, own, it.path))
            if it.children:
                child_kind = self.cues.classify_lead(own.strip(), own + heading) or kind
                child_lead = self._lead(own, child_kind, lead.report if child_kind == kind else None, found, masked)
                if child_kind == "measure":
                    # sub-items of a step are called upon as the step is (its own actors, else its lead's),
                    # and keep whom every item of the list keeps (the Review Conference)
                    above = u.addressees or lead.addressees
                    kept = [e for e in above if e.key in self.cues.always_inherited]
                    child_lead.addressees = _dedup([*kept, *(child_lead.addressees or above)])
                first = len(measures)
                self._items(it.children, u, child_kind, child_lead, heading, unique, marks, out_items, measures,
                            risks, npt_paper)
                if m is not None and (m.fallback or u.iri in self._themed):
                    self._type_from_steps(m, measures[first:])

    def _measure(self, u: UnitFacts, own: str, path: str, lead: Lead | None, found: list[Match],
                 masked: str) -> MeasureFact:
        """A proposed step: typed by what its own text asks for, else by its list's theme, else `other`.

        It mitigates only the risk types its own text names; whom it calls upon: the actors it names
        as acting, and its lead's (the Review Conference of a list of recommendations always, any
        other lead's addressees only when the item names none of its own).
        """
        ms, rs = self.lex.measures, self.lex.risks
        triggers: dict[str, str] = {}
        type_from: dict[str, str] = {}
        named: dict[str, tuple[int, int]] = {}  # the types its own words name, before the report's scope
        spans: dict[str, tuple[int, int]] = {}  # every type a trigger phrase finds in its words
        if lead is not None and lead.report is not None:
            # an item of a report's contents names what to report on, not a step to take
            types, fallback = list(lead.report), False
            triggers = {t: lead.triggers.get(t, "") for t in types}
            typed_from = "list lead"
        else:
            typed_from = ""
            spans = self._type_spans(own, found, masked)
            named = self._select(spans, own)
            matched = self._purpose_scope(own, self._report_scope(own, named))
            triggers = _phrases(own, matched)
            matched, narrowed = self._narrowed(matched, lead)
            for t, (phrase, where) in narrowed.items():
                triggers[t] = phrase
                type_from[t] = where
            if not matched and lead is not None and lead.measure_types:
                matched = dict(lead.measure_types)
                triggers = dict(lead.triggers)
                typed_from = "list lead"
            if not matched and self._theme[0]:  # the paper's theme, rather than "other measure"
                matched, triggers = dict(self._theme[0]), dict(self._theme[1])
                self._themed.add(u.iri)
                typed_from = "theme"
            types = list(matched)
            fallback = not types
            if fallback:
                types = [ms.fallback]
        # what a report is to contain is named, not mitigated (a report on alert levels is not de-alerting)
        risks = rs.match(own) if lead is None or lead.report is None else {}
        triggers.update(_phrases(own, risks))
        issuers = {(s.issuer.kind, s.issuer.key) for s in u.statements} | self._authors
        own_actors = self._addressees(masked, found, issuers)
        inherited = lead.addressees if lead is not None else []
        if any(e.key in self.cues.always_inherited for e in inherited) or not own_actors:
            addressees = _dedup([*inherited, *own_actors])
        else:
            addressees = own_actors
        if self.cues.report_type in named and len(named) > 1 and own_actors \
                and all(e.org_kind == "body" for e in own_actors):
            # a report asked of an international body (the Director General, the Secretary-General) is
            # how the step is followed up, not the transparency of States: it types the step only alone
            kept = {k: v for k, v in named.items() if k != self.cues.report_type}
            types = list(kept)
            triggers = {**_phrases(own, kept), **_phrases(own, risks)}
        if lead is None or lead.report is None:  # a report's contents are typed by the report rule alone
            self._read_around[f"{u.iri}/measure"] = (lead.text if lead is not None else "", self._heading,
                                                     [_local_name(t) for t in spans])
        return MeasureFact(
            iri=f"{u.iri}/measure", unit=u.iri, path=path, quote=own.strip() or u.text, types=sorted(types),
            fallback=fallback, addressees=addressees,
            treaties=[e for e in u.mentions if e.kind == "treaty"], articles=list(u.articles),
            mitigates=sorted(set(risks) - {rs.fallback}), triggers=triggers, typed_from=typed_from,
            type_from={t: w for t, w in type_from.items() if t in types},
        )

    def _type_spans(self, own: str, found: list[Match], masked: str) -> dict[str, tuple[int, int]]:
        """Measure types a step's own words name: the scheme's triggers outside the names of those it
        calls upon ("States that have conducted nuclear tests" asks for no test ban), and the type of a
        treaty it names (`kg/data/treaties.json` 'measure_type')."""
        groups = [(a, b) for a, b, e in self.cues.find_groups(masked) if e is not None]
        spans = dict(self.lex.measures.match(_mask(own, groups))) if groups else {}
        if not spans:  # the addressees' name gives the theme only when nothing else does
            spans = dict(self.lex.measures.match(own))
        for m in found:
            t = m.entity.measure_type if m.entity.kind == "treaty" else None
            if t and vocab.MEASURE_TYPE_NS + t in self.lex.measures.concepts:
                spans.setdefault(vocab.MEASURE_TYPE_NS + t, (m.start, m.end))
        return self.lex.measures.most_specific(spans)

    #: how far into a step its report verb may stand for the step to be a report ("The nuclear-weapon
    #: States report regularly …", "定期报告…")
    REPORT_OPENING = 48

    def _report_scope(self, own: str, matched: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
        """A step that opens with a report names what to report on: the types whose phrases follow
        its report, in the same step, are not the step's ("Report … on the operational status of their
        forces" asks for a report, not for de-alerting; "… and to place it under verification" is a
        second step)."""
        rt = self.cues.report_type
        opening = self.cues.report_opening.match(own, len(own) - len(own.lstrip()))
        if opening is not None and rt not in matched:  # "Describe their doctrines …": a report, on doctrines
            matched = {rt: opening.span(), **matched}
        if rt not in matched or len(matched) < 2:
            return matched
        head = opening or self.cues.report_verb.search(own, 0, self.REPORT_OPENING)
        if head is None or self.cues.step_break.search(own, 0, head.start()):
            return matched
        brk = self.cues.step_break.search(own, head.end())
        end = brk.start() if brk else len(own)
        return {t: s for t, s in matched.items() if t == rt or not (head.end() <= s[0] < end)}

    def _narrowed(self, matched: dict[str, tuple[int, int]], lead: Lead | None
                  ) -> tuple[dict[str, tuple[int, int]], dict[str, tuple[str, str]]]:
        """An umbrella type a step names by its general words ("peaceful uses", "risk reduction") is the
        narrower one its list's lead, else its section or paper, is about: the context says which of
        the narrower ones is meant. (The narrower types, with the context's words that gave them and
        where those stand.)"""
        scheme = self.lex.measures
        context: list[tuple[dict[str, tuple[int, int]], dict[str, str], str]] = []
        if lead is not None and lead.measure_types:
            context.append((lead.measure_types, lead.triggers, "list lead"))
        if self._theme[0]:
            context.append((self._theme[0], self._theme[1], "theme"))
        if not context or not any(t in self.cues.umbrella_types for t in matched):
            return matched, {}
        out: dict[str, tuple[int, int]] = {}
        phrases: dict[str, tuple[str, str]] = {}
        for t, span in matched.items():
            narrower: list[str] = []
            for types, words, where in context if t in self.cues.umbrella_types else ():
                narrower = [c for c in types if scheme.is_narrower(c, t)]
                if narrower:
                    phrases.update({c: (words.get(c, ""), where) for c in narrower})
                    break
            for c in narrower or [t]:
                out.setdefault(c, span)
        return out, {c: p for c, p in phrases.items() if c in out and c not in matched}

    def _purpose_scope(self, own: str, matched: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
        """The types of what a step is, not of what it is for: those named only after a purpose marker
        ("…，以增进公众对核武器威胁的认识", "… with a view to …") are dropped when a type is named before it."""
        if len(matched) < 2:
            return matched
        m = self.cues.purpose.search(own)
        if m is None:
            return matched
        before = {t: s for t, s in matched.items() if s[0] < m.start()}
        return before or matched

    def _model_types(self, measures: list[MeasureFact], title: str) -> None:
        """The model's types for the steps the rules found, read over what the rules made of them.

        A type the rules also gave keeps its trigger phrase; a type only the model gives is shown with
        the words that weighed most for it. Either way the model's probability is kept (npt:modelScore).
        """
        steps: list[tuple[MeasureFact, TypingContext]] = []
        for m in measures:
            if m.iri not in self._read_around:
                continue  # what a report is to contain: the report rule types it (see _measure)
            lead, heading, found = self._read_around.pop(m.iri)
            ctx = TypingContext(m.quote, lead, heading, title, [] if m.fallback else list(m.types), m.typed_from,
                                found)
            if self.contexts is not None:
                self.contexts[m.iri] = ctx
            steps.append((m, ctx))
        if self.typer is None or not steps:
            return
        for (m, ctx), scored in zip(steps, self.typer.read_all([c for _, c in steps], self.lex.measures),
                                    strict=True):
            risks = {r: m.triggers[r] for r in m.mitigates if r in m.triggers}
            triggers = {t: m.triggers.get(t) or " · ".join(scored.words.get(t, [])) for t in scored.types}
            m.type_from = {t: w for t, w in m.type_from.items() if t in scored.types}
            m.types, m.fallback, m.triggers = sorted(scored.types), False, {**triggers, **risks}
            m.model_scores = scored.scores
            m.model_only = [t for t in scored.types if t not in ctx.rule_types]
            if not any(t in ctx.rule_types for t in scored.types):
                m.typed_from = ""  # the model read the step's own words (and its lead's)

    def _model_risks(self, measures: list[MeasureFact], risks: list[RiskFact]) -> None:
        """The risk model's types for every unit, read over the risk phrases' findings (RiskTyper).

        A unit's types are those its steps mitigate and its risks have. A type the model drops is
        removed from both; a type it adds goes to the unit's steps when it has any (what the step is
        against), else to a new risk of the unit, with the model's probability and the words behind it.
        """
        fallback = self.lex.risks.fallback
        steps: dict[str, list[MeasureFact]] = {}
        for m in measures:
            steps.setdefault(m.unit, []).append(m)
        named: dict[str, list[RiskFact]] = {}
        for r in risks:
            named.setdefault(r.unit, []).append(r)
        units, contexts = [], []
        for iri, (_, own, lead, heading) in self._units_read.items():
            ms = steps.get(iri, [])
            rule = {t for m in ms for t in m.mitigates} | {t for r in named.get(iri, []) if not r.fallback
                                                         for t in r.types}
            ctx = RiskContext(own, lead, heading, bool(ms), sorted({t for m in ms if not m.fallback for t in m.types}),
                              sorted(rule - {fallback}))
            if self.risk_contexts is not None:
                self.risk_contexts[iri] = ctx
            units.append(iri)
            contexts.append(ctx)
        if self.risk_typer is None or not contexts:
            return
        for iri, ctx, scored in zip(units, contexts, self.risk_typer.read_all(contexts, self.lex.risks),
                                    strict=True):
            if scored.types == ctx.rule_types and not scored.scores:
                continue
            keep = set(scored.types)
            added = [t for t in scored.types if t not in ctx.rule_types]
            words = {t: " · ".join(scored.words.get(t, [])) for t in added}
            for m in steps.get(iri, []):
                m.mitigates = [t for t in m.mitigates if t in keep]
                for t in added if m is steps[iri][0] else ():
                    m.mitigates.append(t)
                    m.triggers[t] = words[t]
                    m.model_only.append(t)
                m.model_scores.update({t: v for t, v in scored.scores.items() if t in m.mitigates and t in m.triggers})
            for r in named.get(iri, []):
                if r.fallback:
                    continue
                r.types = [t for t in r.types if t in keep]
                r.model_scores = {t: v for t, v in scored.scores.items() if t in r.types and t in r.triggers}
                if not r.types:
                    if r.iri.endswith("/risk"):  # an item of a list of risks stays a risk, of no known type
                        r.types, r.fallback = [fallback], True
                    else:
                        risks.remove(r)
            if added and iri not in steps:
                path, own, _, _ = self._units_read[iri]
                for t in added:
                    risks.append(RiskFact(f"{iri}/risk/{t.rsplit('/', 1)[-1]}", iri, path, own.strip(), [t],
                                          False, False, {t: words[t]}, {t: scored.scores[t]}, [t]))

    def _type_from_steps(self, m: MeasureFact, steps: list[MeasureFact]) -> None:
        """A step that names no type and introduces sub-items (`(b) Take the following steps:`) is of
        the types its sub-items are, the most frequent first, rather than "other measure" or the paper's
        theme."""
        count: dict[str, int] = {}
        for s in steps:
            if not s.fallback:
                for t in s.types:
                    count[t] = count.get(t, 0) + 1
        if not count:
            return
        ranked = sorted(count, key=lambda t: (-count[t], t))[:self.cues.max_types]
        m.types, m.fallback, m.typed_from = sorted(ranked), False, "sub-items"
        m.triggers = {t: next(s.triggers.get(t, "") for s in steps if t in s.types) for t in ranked}

    def _title_theme(self, title: str) -> tuple[dict[str, tuple[int, int]], dict[str, str]]:
        """The measure types a paper's title names, and their phrases: the type of a step that names
        none itself and whose lead names none either (`(e) Invite States to contribute to technical
        work…` in a paper titled "Fissile material cut-off treaty" is of that type, not "other")."""
        if not title:
            return {}, {}
        spans = self._select(self._type_spans(title, self.g.find(title), title), title)
        return spans, _phrases(title, spans)

    def _select(self, matched: dict[str, tuple[int, int]], own: str) -> dict[str, tuple[int, int]]:
        """The types a step is of: generic ones only when alone, then those of the longest phrases."""
        specific = {t: span for t, span in matched.items() if t not in self.cues.generic_types}
        if specific:
            matched = specific
        if len(matched) > self.cues.max_types:
            def words(span: tuple[int, int]) -> int:  # the length of the matched phrase
                return len(re.sub(r"\s", "", own[span[0]:span[1]]))
            ranked = sorted(matched.items(), key=lambda kv: (-words(kv[1]), kv[1][0]))
            matched = dict(ranked[:self.cues.max_types])
        return matched

    def _actors(self, masked: str, found: list[Match]) -> list[Match]:
        """States, coalitions and organizations of the gazetteer, and the groups only addressees are."""
        out = [m for m in found if m.entity.kind in ("state", "coalition", "org")]
        names = [(m.start, m.end) for m in found]
        for a, b, e in self.cues.find_groups(masked):
            if e is None or any(a < y and x < b for x, y in names):
                continue
            if masked[a].isascii() and ((a > 0 and masked[a - 1].isalnum()) or (b < len(masked) and
                                                                               masked[b].isalnum())):
                continue
            out.append(Match(a, b, e, masked[a:b]))
        return sorted(out, key=lambda m: m.start)

    def _addressees(self, masked: str, found: list[Match], issuers: set[tuple[str, str]],
                    strict: bool = False, lead: bool = False) -> list[Entity]:
        """Actors a text calls upon: named right after a call verb (请, 呼吁 …), or opening a clause and
        followed by what they are to do; unless `strict`, also groups and States it names that are not
        the object of the action (对, 向 …) or a possessor (…的)."""
        out: list[Entity] = []
        actors = self._actors(masked, found)
        for p in self.cues.call_pronoun.finditer(masked) if actors else ():
            named = [m for m in actors if m.end <= p.start() and (m.entity.kind, m.entity.key) not in issuers]
            if named:  # "…重申核武器国家的承诺，并敦促它们…": the antecedent is called upon
                out.extend(m.entity for m in _chains(masked, named)[-1])
        for chain in _chains(masked, actors):
            first, last = chain[0], chain[-1]
            before = masked[max(0, first.start - _REACH):first.start]
            # "calls upon X, Y and Z", "X, Y and Z should": the coordination is called upon as one
            if self.cues.call_before.search(before) or (lead and self.cues.agent_before.search(before)) or (
                    _opens_clause(before) and (self.cues.subject_after.match(masked, last.end)
                                               or _IN_PARTICULAR.search(before))) or (
                    not lead and _starts(masked, masked[:first.start], last.end)):
                out.extend(m.entity for m in chain if (m.entity.kind, m.entity.key) not in issuers)
                continue
            for m in chain:
                e = m.entity
                if (e.kind, e.key) in issuers:
                    continue
                before = masked[max(0, m.start - _REACH):m.start]
                if self.cues.call_before.search(before) or (lead and self.cues.agent_before.search(before)):
                    out.append(e)
                    continue
                if (_opens_clause(before) or _ZH_RELATIVE.search(before)) and (
                        self.cues.subject_after.match(masked, m.end) or _IN_PARTICULAR.search(before)):
                    out.append(e)  # "寻求海军核动力的无核武器国家应当：" as "无核武器国家应当："
                    continue
                if strict or e.kind == "org" or (e.kind == "coalition" and masked[m.start].isascii()):
                    continue  # a body or a group of States is called upon only after a call verb or as subject
                if self.cues.object_before.search(before) or masked[m.end:m.end + 2] in ("发表", "宣布") \
                        or masked[m.end:m.end + 1] == "的":
                    continue  # the object of the action, a possessor, or the author of a statement
                out.append(e)
        return self._as_states(_dedup(out))

    def _as_states(self, actors: list[Entity]) -> list[Entity]:
        """A group that stands for named States (the depositaries) as those States; inside a wider group
        (核武器国家，特别是三个保存国) only the wider group."""
        out: list[Entity] = []
        keys = {e.key for e in actors}
        for e in actors:
            states = self.cues.stands_for.get(e.key) if e.kind == "org" else None
            if states is None:
                out.append(e)
            elif "p5" not in keys:
                out.extend(s for s in (self.g.actor(k) for k in states) if s is not None)
        return _dedup(out)

    def _calls(self, masked: str, found: list[Match]) -> bool:
        """Whether a narrative paragraph itself calls on someone: an actor after a call verb, or
        opening a clause with a modal (核武器国家应…)."""
        if self.cues.author_call.search(masked) or self.cues.passive_call.search(masked) \
                or self.cues.impersonal_call.search(masked):
            return True
        actors = self._actors(masked, found)
        for p in self.cues.call_pronoun.finditer(masked) if actors else ():
            if any(m.end <= p.start() for m in actors) and not self._reported(masked[:p.start()]):
                return True  # "…recalls the statement of the nuclear-weapon States and urges them to…"
        for m in actors:
            before = masked[max(0, m.start - _REACH):m.start]
            call = self.cues.call_before.search(before)
            if call and not self._reported(masked[:max(0, m.start - _REACH) + call.start()]):
                return True
            if _opens_clause(before) and (self.cues.modal_after.match(masked, m.end)
                                          or self.cues.relative_subject.match(masked, m.end)):
                return True
            if _ZH_RELATIVE.search(before) and self.cues.modal_after.match(masked, m.end):
                return True  # "寻求…的无核武器国家，应…": a subject after its relative clause
            if (m.entity.kind, m.entity.key) in self._authors and _opens_clause(before) \
                    and self.cues.operative_open.match(masked, m.end):
                return True  # "The Group supports…", "中国支持…"
        return False

    def _reported(self, before_verb: str) -> bool:
        """Whether a call verb reports another's call rather than making the paper's own: its sentence
        opens with a resolution or a body that made it ("大会第 64/35 号决议呼吁国际社会…", "2010 年审议大会
        …请核武器国家…"), and no modal of the paper's own ("审议大会应呼吁…") stands before the verb."""
        sentence = _SENTENCE_START.split(before_verb)[-1]
        return bool(_REPORTER.search(sentence)) and not self.cues.modal_after.search(sentence)

    def _list_risk(self, u: UnitFacts, own: str, path: str, risky: bool) -> RiskFact:
        rs = self.lex.risks
        types = sorted(rs.match(own))
        fallback = not types
        return RiskFact(f"{u.iri}/risk", u.iri, path, own.strip() or u.text, types or [rs.fallback], fallback,
                        risky, _phrases(own, rs.match(own)))

    def _narrative_risks(self, u: UnitFacts, own: str, path: str) -> list[RiskFact]:
        """One risk per risk type named in a sentence that speaks of risk (no list needed)."""
        rs: Scheme = self.lex.risks
        first: dict[str, tuple[str, str]] = {}
        for m in SENTENCE_RE.finditer(own):
            sentence = m.group(0).strip()
            if not sentence or not self.cues.risk_signal.search(sentence):
                continue
            for t, phrase in _phrases(sentence, rs.match(sentence)).items():
                first.setdefault(t, (sentence, phrase))
        if len(first) > 1:  # a broad type of one sentence is not kept beside a narrower one of the next
            keep = rs.most_specific({t: (0, 0) for t in first})
            first = {t: v for t, v in first.items() if t in keep}
        return [RiskFact(f"{u.iri}/risk/{t.rsplit('/', 1)[-1]}", u.iri, path, q, [t], False, False, {t: phrase})
                for t, (q, phrase) in sorted(first.items())]


#: How far before a name its call verb may stand (`…and, where appropriate, by other States…`).
_REACH = 48
_YEAR_BEFORE = re.compile(r"(?:(?:\d{4}\s*年|[Tt]he|\d{4}|该条约|该|所有|那些|[Tt]hose|[Aa]ll)\s*)+$")
#: `…，特别是核武器国家`: a name that extends the list of those called upon
_IN_PARTICULAR = re.compile(r"(?:特别是|尤其是|in particular|especially)\s*(?:该条约|该|the)?\s*"
                            r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|remaining|other)?\s*$"
                            r"|(?:特别是|尤其是)[^，,。；;]{0,40}的\s*$")


#: What may stand between two names of one coordination (`Israel, India and Pakistan`, `美国和俄罗斯`).
_COORD = re.compile(r"[\s,，、]*(?:and|or|as well as|和|及|以及|或)?[\s,，、]*(?:on|upon|to)?\s*"
                    r"(?:the|all|all other|other|any other|any|其他)?\s*")


def _local_name(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def _chains(text: str, actors: list[Match]) -> list[list[Match]]:
    """Names in order, grouped into coordinations (names joined only by commas and "and")."""
    chains: list[list[Match]] = []
    for m in actors:
        if chains and chains[-1][-1].end <= m.start and _COORD.fullmatch(text, chains[-1][-1].end, m.start):
            chains[-1].append(m)
        else:
            chains.append([m])
    return chains


def _opens_clause(before: str) -> bool:
    """Whether a name after `before` opens its clause (`2026 年审议大会…`, `…，特别是核武器国家`)."""
    b = _YEAR_BEFORE.sub("", before).rstrip()
    return (not b or b[-1] in "，,；;：:。.!?" or _IN_PARTICULAR.search(b) is not None
            or _THAT.search(b) is not None)


#: where a sentence starts, and who opens one that reports another's call (a resolution, a past conference)
_SENTENCE_START = re.compile(r"[。；;!?！？]|\.\s")
_REPORTER = re.compile(r"^\s*(?:[^，,]{0,12}(?:联合国大会|大会|安全理事会|安理会)"
                       r"|\d{4}\s*年(?:审议(?:和延期)?大会|审议会议)|第\s*\d+\s*项行动|[Aa]ction \d+"
                       r"|(?:[Ii]n )?(?:its )?resolution|[Tt]he (?:General Assembly|Security Council)"
                       r"|[Tt]he \d{4} Review(?: and Extension)? Conference|[Aa]t the \d{4} Review Conference)")
#: `寻求海军核动力推进的[无核武器国家]`: a relative clause opening the clause, before its subject
_ZH_RELATIVE = re.compile(r"(?:^|[。；;，,：:])[^。；;，,：:]{1,40}的$")
#: `believes that the Review Conference should`: a that-clause opens with its subject
_THAT = re.compile(r"(?<![A-Za-z])that$")
#: after a name: a possessor or a complement, not the one who acts (核武器国家的…, the IAEA's…, States of…)
_NOT_SUBJECT = re.compile(r"的|'s|’s|\s+of\b")


def _starts(masked: str, before: str, end: int) -> bool:
    """Whether a name opens the unit itself and is its subject (`(f) 2026 年审议大会确认…`,
    `(a) 美利坚合众国尽快完成…`): items and paragraphs of the genre open with who is to act."""
    b = _YEAR_BEFORE.sub("", before).strip()
    return (not b or _RELATIVE_OPENING.fullmatch(b) is not None) and len(before) < _REACH and \
        _NOT_SUBJECT.match(masked, end) is None


#: a unit that opens with a relative clause on its subject (`尚未签署该议定书的核武器国家…`)
_RELATIVE_OPENING = re.compile(r"[^，。；：,;:\n]{1,40}的|[仍已亦也还]{1,2}")  # or an adverb (仍执行…的国家)


def _phrases(text: str, spans: dict[str, tuple[int, int]]) -> dict[str, str]:
    """Concept → the words of `text` its trigger matched (line breaks of the PDF taken out)."""
    return {c: re.sub(r"\s*\n\s*", "", text[a:b]) for c, (a, b) in spans.items()}


def _merge_statements(facts: list[StatementFact]) -> list[StatementFact]:
    """One fact per statement a unit cites (a footnote can name it by date and by title at once)."""
    best: dict[str, StatementFact] = {}
    for f in facts:
        seen = best.get(f.iri)
        if seen is None:
            best[f.iri] = f
            continue
        keep = max(seen, f, key=lambda x: (x.known, x.day_known))
        other = f if keep is seen else seen
        quote = other.quote if keep.quote in other.quote else keep.quote  # the wider of nested quotes
        best[f.iri] = dataclasses.replace(keep, quote=quote)
    return list(best.values())



def doc_iri(paper: ParsedPaper) -> str:
    """id:doc/{symbol with / as -} when printed, else id:doc/{file stem}."""
    return f"{ID}doc/{vocab.slug(paper.header.symbol or paper.stem)}"
