"""Synthetic working papers of the seeds' genre, for benchmarks and for testing the builder on unseen text.

`python -m bench.generate N OUTDIR [--seed S]` writes N papers as `.txt` files in the layout of
text extracted from the Chinese PDFs (cover block variants, hard-wrapped lines with blank lines
between them, footnotes under a rule at page ends, URL lines, superscript marks, lost item
letters), plus `manifest.json`: what the generator wrote in each paper (meeting, submitters,
paragraphs and items per paragraph, footnotes, citations). The builder never sees the manifest,
so comparing its output with the manifest measures how well it reads papers it was not tuned on.

Paper *i* depends only on (seed, i): a corpus of 100 papers is the first 100 papers of a corpus
of 10,000, which keeps benchmark scales comparable.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from bench import phrases as ph

MANIFEST = "manifest.json"
RULE = "__________________"
SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
LETTERS = "abcdefghijklmnopqrstuvwxyz"
#: Display width of a wrapped line in the PDF layout (a CJK character counts 2).
WRAP_WIDTH = 78
TITLE_WIDTH = 60
#: Text lines per page before a page break (footnotes of the page go under it).
PAGE_LINES = (18, 26)

_STATE_NAMES = ph.state_names()
_SUBMITTER_POOL = tuple(c for c in ph.UN_MEMBERS if c not in ph.NON_PARTIES)
#: A wrapped continuation line must not start like a new block, or it would change the structure.
_BLOCK_START = re.compile(
    r"^\s*(\d+\s*[.．]|\(\w{1,3}\)|（\w{1,3}）|[•\-–*·]|[⁰¹²³⁴⁵⁶⁷⁸⁹]|\d|_|[一二三四五六七八九十]+[.、．]|www\.|https?:)"
)


# --- the record of what was written -----------------------------------------------------------


@dataclass
class ParagraphRecord:
    number: int
    section: int
    kind: str  # prose | measures | risks | avoid | inline
    letters: int = 0
    numerals: int = 0
    bullets: int = 0

    @property
    def items(self) -> int:
        return self.letters + self.numerals + self.bullets


@dataclass
class PaperRecord:
    file: str
    layout: str
    header: str
    symbol: str | None
    meeting: dict
    issue_date: str | None
    original_language: str | None
    title: str
    submitters: list[str]
    coalition: dict | None
    headings: list[str] = field(default_factory=list)
    paragraphs: list[ParagraphRecord] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    citations: list[str] = field(default_factory=list)
    treaties: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        paras = [
            {"number": p.number, "section": p.section, "kind": p.kind, "items": p.items,
             "letters": p.letters, "numerals": p.numerals, "bullets": p.bullets}
            for p in self.paragraphs
        ]
        return {
            "file": self.file, "layout": self.layout, "header": self.header, "symbol": self.symbol,
            "meeting": self.meeting, "issue_date": self.issue_date,
            "original_language": self.original_language, "title": self.title,
            "submitters": self.submitters, "coalition": self.coalition,
            "sections": max(1, len(self.headings)), "headings": self.headings,
            "paragraphs": paras, "paragraph_count": len(paras),
            "item_count": sum(p.items for p in self.paragraphs),
            "footnotes": self.footnotes, "citations": sorted(set(self.citations)),
            "treaties": sorted(set(self.treaties)),
        }


# --- text helpers -------------------------------------------------------------------------------


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def _latin(ch: str) -> bool:
    return ch.isascii() and not ch.isspace()


def wrap(text: str, width: int, first_width: int | None = None) -> list[str]:
    """Hard-wrap like a PDF text layer: cut anywhere in Chinese, never inside a Latin word or number,
    never so that a continuation line looks like the start of a paragraph, item or footnote."""
    lines: list[str] = []
    start, limit = 0, first_width or width
    while start < len(text):
        w, i = 0, start
        while i < len(text) and w + _width(text[i]) <= limit:
            w += _width(text[i])
            i += 1
        if i >= len(text):
            lines.append(text[start:])
            break
        cut = i
        while cut > start + 1 and (
            (_latin(text[cut - 1]) and _latin(text[cut])) or _BLOCK_START.match(text[cut:]) or text[cut].isspace()
        ):
            cut -= 1
        lines.append(text[start:cut])
        start, limit = cut, width
    return lines


def zh_date(d: dt.date) -> str:
    return f"{d.year} 年 {d.month} 月 {d.day} 日"


def zh_range(a: dt.date, b: dt.date) -> str:
    if a.month == b.month:
        return f"{a.year} 年 {a.month} 月 {a.day} 日至 {b.day} 日"
    return f"{a.year} 年 {a.month} 月 {a.day} 日至 {b.month} 月 {b.day} 日"


def join_states(names: list[str], rng: random.Random) -> str:
    if len(names) == 1:
        return names[0]
    if rng.random() < 0.6:
        return "、".join(names[:-1]) + "和" + names[-1]
    return "、".join(names)


# --- meetings ----------------------------------------------------------------------------------


def meeting_for(cycle: int, session: int) -> tuple[str, dt.date, dt.date]:
    """City and dates of a meeting: the record where known, else a plausible two- or four-week slot."""
    if (cycle, session) in ph.KNOWN_MEETINGS:
        return ph.KNOWN_MEETINGS[(cycle, session)]
    r = random.Random(cycle * 10 + session)
    year = cycle if session == 0 else cycle - 4 + session
    city = {0: "纽约", 1: "维也纳", 2: "日内瓦", 3: "纽约"}[session]
    start = dt.date(year, 4, 20) + dt.timedelta(days=r.randrange(0, 16))
    start -= dt.timedelta(days=start.weekday())  # meetings open on a Monday
    end = start + dt.timedelta(days=25 if session == 0 else 11)
    return city, start, end


MEETINGS: tuple[tuple[int, int], ...] = tuple((c, s) for c in ph.CYCLES for s in (1, 2, 3, 0))


# --- one paper ---------------------------------------------------------------------------------


class _Writer:
    """Composes one paper: logical blocks first, then the physical layout with page breaks."""

    def __init__(self, rng: random.Random, record: PaperRecord) -> None:
        self.rng = rng
        self.rec = record
        self.fn_counter = 0
        self.blocks: list[tuple[str, str]] = []  # (kind, text) kinds: heading, para, item, bullet, sub
        self.layout = "wrapped"  # "wrapped": PDF lines with blank lines between; "flat": one line per block
        self.superscript = False  # footnote marks printed as ¹²³
        self.rule = True  # footnotes under a ____ rule (else only their superscript marks set them apart)
        self.wp_number = 1
        self.footnotes: dict[str, str] = {}  # mark -> text
        self.urls: dict[str, list[str]] = {}  # mark -> URL lines printed after the footnote block

    # substance ---------------------------------------------------------------------------
    def state_name(self, code: str) -> str:
        return self.rng.choice(_STATE_NAMES[code])

    def treaty(self) -> str:
        key = self.rng.choice(list(ph.TREATIES))
        self.rec.treaties.append(key)
        return f"《{self.rng.choice(ph.TREATIES[key])}》"

    def footnote(self, text: str, urls: list[str] | None = None) -> str:
        self.fn_counter += 1
        mark = str(self.fn_counter)
        self.footnotes[mark] = text
        self.urls[mark] = urls or []
        self.rec.footnotes.append(mark)
        return mark

    def mark(self, mark: str) -> str:
        """The mark as printed after a word: glued to it, then a space (or a superscript)."""
        return mark.translate(SUPERSCRIPTS) + " " if self.superscript else mark + " "

    def citation_footnote(self) -> str:
        r = self.rng.random()
        if r < 0.45:
            sym, date = self.rng.choice(ph.REPORTS)
            self.rec.citations.append(sym)
            text = self.rng.choice([f"{sym}，{date}。", f"见 {sym}。", f"同上，以及 {sym}。"])
            return self.footnote(text, [f"https://undocs.org/ch/{sym}"])
        if r < 0.75:
            sym, part = self.rng.choice(ph.CONFERENCE_DOCS)
            self.rec.citations.append(sym)
            return self.footnote(f"见 {sym}{part}。", [f"https://undocs.org/ch/{sym}"])
        url = self.rng.choice(ph.FOOTNOTE_URLS)
        return self.footnote(f"{self.rng.choice(ph.FOOTNOTE_SOURCES)}，可查阅 {url}。", [f"http://{url}"])

    def sentence(self) -> str:
        r = self.rng.random()
        opener = self.rng.choice(ph.SENTENCE_OPENERS)
        if r < 0.35:
            s = opener + self.rng.choice(ph.SENTENCE_SUBJECTS) + self.rng.choice(ph.SENTENCE_PREDICATES)
        elif r < 0.6:
            s = opener + self.rng.choice(ph.SENTENCE_CLAUSES)
        elif r < 0.72:
            s = opener + self.treaty() + self.rng.choice(ph.SENTENCE_PREDICATES)
        elif r < 0.82:
            sym, form = self.rng.choice(ph.RESOLUTIONS)
            self.rec.citations.append(sym)
            s = f"{opener}我们回顾{form}，该决议{self.rng.choice(ph.SENTENCE_PREDICATES)}"
        elif r < 0.9:
            sym, _ = self.rng.choice(ph.REPORTS)
            self.rec.citations.append(sym)
            s = f"{opener}秘书长的报告({sym})指出，{self.rng.choice(ph.SENTENCE_CLAUSES)}"
        else:
            s = self.rng.choice(ph.STATE_SENTENCES).format(state=self.state_name(self.rng.choice(_SUBMITTER_POOL)))
        s += "。"
        if self.rng.random() < 0.12:
            s += self.mark(self.citation_footnote())
        return s

    def measure(self) -> str:
        kind = self.rng.choice(list(ph.MEASURE_CORES))
        core = self.rng.choice(ph.MEASURE_CORES[kind])
        if self.rng.random() < 0.5:
            modal = self.rng.choice(ph.MEASURE_MODALS)
            if core.startswith(modal[1:]):
                modal = "应"
            core = self.rng.choice(ph.MEASURE_SUBJECTS) + modal + core
        return core + self.rng.choice(ph.MEASURE_PURPOSES)

    def risk(self) -> str:
        return self.rng.choice(ph.RISK_CORES[self.rng.choice(list(ph.RISK_CORES))])

    # blocks ------------------------------------------------------------------------------
    def paragraph(self, number: int, section: int) -> None:
        r = self.rng.random()
        rec = ParagraphRecord(number=number, section=section, kind="prose")
        self.rec.paragraphs.append(rec)
        if r < 0.55:
            text = "".join(self.sentence() for _ in range(self.rng.randint(1, 4)))
            self.blocks.append(("para", f"{number}. {text}"))
            return
        if r < 0.6:  # an enumeration quoted inside running text: no items
            rec.kind = "inline"
            sym, form = self.rng.choice(ph.RESOLUTIONS)
            self.rec.citations.append(sym)
            inner = "；".join(f"({LETTERS[i]}) {self.measure()}" for i in range(self.rng.randint(2, 3)))
            self.blocks.append(("para", f"{number}. {form}请各国除其他外：{inner}。{self.sentence()}"))
            return
        if r < 0.82:
            rec.kind = "measures"
            lead, make = self.rng.choice(ph.MEASURE_LEADS), self.measure
        elif r < 0.93:
            rec.kind = "risks"
            lead, make = self.rng.choice(ph.RISK_LEADS), self.risk
        else:
            rec.kind = "avoid"
            lead = self.rng.choice(ph.AVOID_LEADS)
            def make() -> str:
                return self.rng.choice(ph.AVOID_CORES)
        if self.rng.random() < 0.3:
            lead = self.sentence() + lead
        self.blocks.append(("para", f"{number}. {lead}"))
        if rec.kind == "risks" and self.rng.random() < 0.5:
            n = self.rng.randint(2, 6)
            rec.bullets = n
            for i in range(n):
                end = ("。" if i == n - 1 else "；") if self.layout == "flat" else ""
                self.blocks.append(("bullet", make() + end))
            return
        n = self.rng.randint(2, 12)
        rec.letters = n
        lost = self.layout == "flat" and n > 4 and self.rng.random() < 0.08
        lost_upto = self.rng.randint(2, n - 2) if lost else 0
        sub_at = self.rng.randrange(lost_upto, n) if self.rng.random() < 0.2 else -1  # sub-items keep their parent
        for i in range(n):
            end = "。" if i == n - 1 else "；"
            text = make() + ("。" + self.rng.choice(ph.SUBITEM_LEADS) if i == sub_at else end)
            if rec.kind == "measures" and self.rng.random() < 0.06:
                text = text[:-1] + "，依照" + self.treaty() + text[-1]
            if self.rng.random() < 0.05:
                text = text + self.mark(self.citation_footnote()).rstrip()
            if i < lost_upto:
                self.blocks.append(("bullet-lost", text))
            else:
                self.blocks.append(("item", f"({LETTERS[i]}) {text}"))
            if i == sub_at:
                k = self.rng.randint(2, 9)
                rec.numerals += k
                for j in range(k):
                    self.blocks.append(("sub", f"({ph.CHINESE_NUMERALS[j]}) {make()}{'。' if j == k - 1 else '；'}"))

    def body(self) -> None:
        rng = self.rng
        headings: list[str] = []
        if rng.random() < 0.82:
            if rng.random() < 0.6:
                headings.append(rng.choice(ph.INTRO_HEADINGS))
            headings += rng.sample(ph.BODY_HEADINGS, rng.randint(1, 4))
            if rng.random() < 0.6:
                headings.append(rng.choice(ph.RECOMMENDATION_HEADINGS))
            if rng.random() < 0.3:
                headings.append(rng.choice(ph.CLOSING_HEADINGS))
        numbered = rng.random() < 0.35
        number = 0
        for s, heading in enumerate(headings or [None], start=1):
            if heading is not None:
                shown = f"{ph.CHINESE_NUMERALS[s - 1]}. {heading}" if numbered else heading
                self.blocks.append(("heading", shown))
                self.rec.headings.append(shown)
            for _ in range(rng.randint(1, 6) if headings else rng.randint(4, 18)):
                number += 1
                self.paragraph(number, s)

    # layout ------------------------------------------------------------------------------
    def render(self, header_lines: list[str]) -> str:
        out: list[str] = list(header_lines)
        pdf = self.layout == "wrapped"
        page_len = self.rng.randint(*PAGE_LINES)
        numeric = [m for m in self.rec.footnotes if m != "*"]
        next_mark = 0  # index into `numeric`: marks appear in the text in order
        on_page: list[str] = []
        lines_on_page = 0
        pending_star = "*" in self.footnotes

        def emit(line: str) -> None:
            out.append(line)
            if pdf:
                out.append("")

        def page_break() -> None:
            nonlocal on_page, lines_on_page, pending_star, page_len
            marks = (["*"] if pending_star else []) + on_page
            pending_star = False
            if marks:
                if not pdf:
                    out.append("")
                if pdf or self.rule:
                    emit(RULE + " ")
                urls: list[str] = []
                for m in marks:
                    shown = m.translate(SUPERSCRIPTS) if self.superscript else m
                    text = f"{shown} {self.footnotes[m]}"
                    if pdf:
                        parts = wrap(text, WRAP_WIDTH - 2)
                        emit(" " + parts[0] + " ")
                        for part in parts[1:]:
                            emit(part + " ")
                    else:
                        emit(text)
                    urls += self.urls[m]
                if pdf or self.rule:
                    if not urls:  # the page's link annotations close the footnote block
                        urls = ["http://www.un.org/disarmament/wmd/nuclear/npt"]
                    out.extend(dict.fromkeys(urls))
                if not pdf:
                    out.append("")
            else:
                out.extend([""] if pdf else ["", ""])
            on_page, lines_on_page = [], 0
            page_len = self.rng.randint(*PAGE_LINES)

        for kind, text in self.blocks:
            if pdf:
                prefix = {"heading": "  ", "item": " ", "sub": " ", "bullet": "• ", "bullet-lost": "• "}.get(kind, "")
                phys = wrap(text, WRAP_WIDTH, first_width=WRAP_WIDTH - len(prefix))
                phys[0] = prefix + phys[0]
                phys[-1] += " "
            else:
                prefix = {"bullet": "- ", "bullet-lost": "- "}.get(kind, "")
                if kind == "sub" and self.rng.random() < 0.3:
                    prefix = "- "  # sub-items that picked up a dash in extraction
                phys = [prefix + text]
            for line in phys:
                if lines_on_page >= page_len:
                    page_break()
                emit(line)
                lines_on_page += 1
                pos = 0
                while next_mark < len(numeric):
                    m = numeric[next_mark]
                    shown = m.translate(SUPERSCRIPTS) if self.superscript else m
                    found = re.compile(rf"(?<=[^\s\d./]){re.escape(shown)}(?=\s|$)").search(line, pos)
                    if not found:
                        break
                    on_page.append(m)
                    next_mark += 1
                    pos = found.end()
            if not pdf:
                out.append("")
        if on_page or pending_star:
            page_break()
        out += ["", " ", ""] if pdf else [""]
        return "\n".join(out) + "\n"


def _header(rng: random.Random, rec: PaperRecord, w: _Writer, cycle: int, session: int) -> list[str]:
    """The cover block in one of three shapes: full (UN masthead), session and dates, or dates only."""
    city, start, end = meeting_for(cycle, session)
    revcon = session == 0
    kind = rng.choices(["full", "short", "dates"], weights=[5, 4, 1 if revcon else 0])[0]
    rec.header = kind
    pdf = w.layout == "wrapped"
    sym = f"NPT/CONF.{cycle}/{'' if revcon else 'PC.' + ph.ROMAN[session] + '/'}WP.{w.wp_number}"
    printed_symbol = kind != "dates" and rng.random() < 0.5
    rec.symbol = sym if printed_symbol else None
    rec.meeting = {
        "kind": "revcon" if revcon else "prepcom", "cycle": cycle, "session": None if revcon else session,
        "city": ph.CITIES[city], "city_zh": city, "start": start.isoformat(), "end": end.isoformat(),
        "cycle_printed": kind == "full", "cycle_in_symbol": printed_symbol,
    }
    groups: list[list[str]] = []
    if printed_symbol:
        groups.append([sym])
    if kind == "full":
        issued = start - dt.timedelta(days=rng.randint(5, 75))
        rec.issue_date = issued.isoformat()
        orig_name, orig_code = rng.choice(ph.ORIGINALS)
        rec.original_language = orig_code
        groups.append(["不扩散核武器条约缔约国", f"{cycle} 年审议大会", *([] if revcon else ["筹备委员会"])])
        groups.append([*(["Distr.: General"] if rng.random() < 0.4 else []),
                       f"{issued.day} {ph.ENGLISH_MONTHS[issued.month - 1]} {issued.year}",
                       "Chinese", f"Original: {orig_name}"])
    if not revcon:
        groups.append([ph.SESSION_ZH[session]])
    groups.append([f"{zh_range(start, end)}，{city}"])
    out: list[str] = [""] if pdf else ["", ""]
    for group in groups:
        for line in group:
            if pdf:
                out += [f" {line}   " if len(group) == 1 else f"{line} ", ""]
            else:
                out.append(line)
        if not pdf:
            out.append("")
    return out


def _title_and_submitters(rng: random.Random, rec: PaperRecord, w: _Writer) -> list[str]:
    pdf = w.layout == "wrapped"
    title = rng.choice(ph.TITLE_HEADS) + rng.choice(ph.TITLE_TAILS)
    rec.title = title
    r = rng.random()
    if r < 0.25:
        name = rng.choice(list(ph.COALITIONS))
        members = list(ph.COALITIONS[name])
        speaker = rng.choice(members)
        rec.submitters = [speaker]
        rec.coalition = {"name": name, "members": members}
        shown = [w.state_name(c) for c in members]
        line = f"{w.state_name(speaker)}代表{name}({join_states(shown, rng)})提交的工作文件"
    else:
        k = 1 if r < 0.65 else rng.randint(2, 14)
        states = rng.sample(_SUBMITTER_POOL, k)
        rec.submitters = states
        rec.coalition = None
        line = f"{join_states([w.state_name(c) for c in states], rng)}提交的工作文件"
    if rng.random() < 0.3:
        line += "*"
        if rec.coalition:
            note = f"{rec.coalition['name']}重申，其此前提交的工作文件仍然有效，可供本审议周期审议。"
        else:
            note = "本工作文件以英文、法文和西班牙文分发。"
        w.footnotes["*"] = note
        w.urls["*"] = []
        rec.footnotes.insert(0, "*")
    out: list[str] = []
    for text in (title, line):
        parts = wrap(text, TITLE_WIDTH)
        if pdf:
            parts[0] = "  " + parts[0]
            parts[-1] += " "
            for p in parts:
                out += [p, ""]
        else:
            out += [*parts, ""]
    return out


def generate_paper(index: int, seed: int = 1) -> tuple[str, str, dict]:
    """Paper number `index` of the corpus `seed`: (file name, text, manifest entry)."""
    rng = random.Random(f"{seed}:{index}")
    digest = hashlib.sha256(f"{seed}:{index}".encode()).hexdigest()[:16]
    name = f"{index:05d}_{digest}.txt"
    rec = PaperRecord(file=name, layout="", header="", symbol=None, meeting={}, issue_date=None,
                      original_language=None, title="", submitters=[], coalition=None)
    w = _Writer(rng, rec)
    w.layout = rec.layout = "wrapped" if rng.random() < 0.65 else "flat"
    w.superscript = w.layout == "flat" and rng.random() < 0.5
    w.rule = not w.superscript or rng.random() < 0.5
    w.wp_number = index + 1
    cycle, session = rng.choice(MEETINGS)
    header = _header(rng, rec, w, cycle, session)
    top = _title_and_submitters(rng, rec, w)
    w.body()
    return name, w.render(header + top), rec.as_json()


def generate_corpus(n: int, outdir: Path, seed: int = 1) -> dict:
    """Write `n` papers and `manifest.json` into `outdir`; return the manifest."""
    outdir.mkdir(parents=True, exist_ok=True)
    papers = []
    for i in range(n):
        name, text, entry = generate_paper(i, seed)
        (outdir / name).write_text(text, encoding="utf-8")
        papers.append(entry)
    manifest = {
        "generator": "bench.generate", "seed": seed, "papers": papers,
        "totals": {
            "papers": n,
            "paragraphs": sum(p["paragraph_count"] for p in papers),
            "items": sum(p["item_count"] for p in papers),
            "footnotes": sum(len(p["footnotes"]) for p in papers),
        },
    }
    tmp = outdir / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(outdir / MANIFEST)
    return manifest


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.splitlines()[0])
    p.add_argument("n", type=int, help="number of papers")
    p.add_argument("outdir", type=Path, help="directory to write the .txt papers and manifest.json into")
    p.add_argument("--seed", type=int, default=1, help="corpus seed (default: 1)")
    args = p.parse_args(argv)
    if args.n < 0:
        p.error("N must be >= 0")
    m = generate_corpus(args.n, args.outdir, args.seed)
    t = m["totals"]
    print(f"{t['papers']} papers, {t['paragraphs']} paragraphs, {t['items']} items, "
          f"{t['footnotes']} footnotes -> {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
