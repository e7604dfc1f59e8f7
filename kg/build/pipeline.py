"""Working papers → one Turtle file, written atomically: read → extract → emit for every paper.

Two passes over the papers. The first parses every paper (keeping it compressed in memory)
and reads its cover block: it
fails early (before anything is written) on a paper that cannot be read, or on any warning
under `--strict`, and it learns coalitions from submitter lines so that a coalition
introduced in one paper is recognised by name in all the others, whatever the file order.
The second pass extracts each work (a paper in all its languages), serializes it as a Turtle
chunk and streams the chunks into a temporary file next to the output; shared entities (states,
coalitions and their members, treaties, meetings, cited documents) follow at the end; the
temporary file then replaces the output in one rename. Work per paper is constant (lexicon and
gazetteer are loaded once), so time grows linearly.

With `jobs` > 1 both passes hand papers to forked processes, which inherit what is loaded and
learned; results come back in file order and the shared entities are merged in that order, so
the output is the same file, byte for byte, as with one process. Coalitions are still learned
here, in file order, between the passes.

Python API: `build_graph(paths, output, strict=False, jobs=1) -> BuildSummary`.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import pickle
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from kg import vocab
from kg.emit import SharedEntities, expression_iri, shared_lines, turtle_body, turtle_prefixes, work_lines
from kg.errors import PaperError, UserError
from kg.extract import Extractor, Gazetteer, doc_iri, load_lexicon, load_risk_typer, load_typer
from kg.extract.facts import HeaderFacts, MeetingFact
from kg.read import ParsedPaper, ParseWarning, parse_file
from kg.util.atomic import atomic_file

PROGRESS_EVERY = 100


@dataclass
class BuildSummary:
    """What a build did; `warnings` are `file:line: message` strings."""

    output: str
    papers: int = 0  # works: a paper read in two languages counts once
    versions: int = 0  # language versions read (files)
    paragraphs: int = 0
    items: int = 0
    footnotes: int = 0
    measures: int = 0
    risks: int = 0
    risky_actions: int = 0
    untyped_measures: int = 0  # measures that only got the fallback type
    untyped_risks: int = 0
    coalitions_learned: int = 0
    triples: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files not read (unreadable PDFs, without --strict)

    def line(self) -> str:
        skipped = f", {len(self.skipped)} files skipped" if self.skipped else ""
        return (f"built {self.papers} papers: {self.paragraphs} paragraphs, {self.measures} measures, "
                f"{self.risks} risks, {self.triples} triples in {self.seconds:.2f} s{skipped} -> {self.output}")


#: What a directory's papers are named: text as extracted from PDF, or the PDF itself.
PAPER_SUFFIXES = (".txt", ".pdf")


def collect_paths(paths: Sequence[Path | str]) -> list[Path]:
    """Files as given and the `*.txt` and `*.pdf` files of directories (sorted); a missing path is an error."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(x for x in p.iterdir() if x.suffix.lower() in PAPER_SUFFIXES and x.is_file()))
        elif p.exists():
            out.append(p)
        else:
            raise UserError(f"{p}: no such file or directory")
    if not out:
        raise UserError(f"no papers to build: no *.txt or *.pdf files in {', '.join(map(str, paths)) or '(nothing)'}")
    return out


class _Works:
    """Which files are language versions of one paper.

    The same symbol in two languages is one paper. Where no symbol is printed, two papers in
    different languages are one when they were submitted to the same meeting by the same States
    (and coalition) and have the same number of paragraphs: translations keep the numbering.
    """

    def __init__(self) -> None:
        self.groups: dict[str, list[int]] = {}  # work IRI -> indices of its versions, in file order
        self.languages: dict[str, set[str]] = {}
        self._unnumbered: dict[tuple, str] = {}

    @staticmethod
    def _key(paper: ParsedPaper, header: HeaderFacts, meeting: MeetingFact | None) -> tuple | None:
        if meeting is None or not (header.submitters or header.coalition):
            return None
        who = tuple(sorted(s.key for s in header.submitters))
        return meeting.iri, who, header.coalition.key if header.coalition else None, len(paper.paragraphs)

    def match_unnumbered(self, paper: ParsedPaper, header: HeaderFacts, meeting: MeetingFact | None,
                         language: str) -> str | None:
        """The work an unnumbered paper is another language version of, if any."""
        key = self._key(paper, header, meeting)
        work = self._unnumbered.get(key) if key is not None else None
        return work if work is not None and language not in self.languages[work] else None

    def joins(self, work: str, language: str) -> bool:
        """Whether a paper with this work's IRI is a version in a language the work lacks."""
        return work in self.groups and language not in self.languages[work]

    def add(self, work: str, index: int, language: str, paper: ParsedPaper, header: HeaderFacts,
            meeting: MeetingFact | None) -> None:
        self.groups.setdefault(work, []).append(index)
        self.languages.setdefault(work, set()).add(language)
        if paper.header.symbol is None:
            key = self._key(paper, header, meeting)
            if key is not None:
                self._unnumbered.setdefault(key, work)


def _by_place(versions: list, attr: str) -> dict[str, list]:
    """Measures or risks of all versions of a paper, by where they were read: one fact per place."""
    out: dict[str, list] = {}
    for f in versions:
        for fact in getattr(f, attr):
            out.setdefault(fact.iri[len(f.doc):], []).append(fact)
    return out


@dataclass
class _Pass2:
    """What extracting a work needs from pass 1 (inherited by forked jobs, never pickled)."""

    extractor: Extractor
    files: list[Path]
    parsed: list[bytes]
    seen_docs: dict[str, Path]


@dataclass
class _WorkDone:
    """One work extracted and emitted: its Turtle, what it adds to the shared entities and the summary."""

    turtle: bytes
    shared: SharedEntities
    counts: dict[str, int]
    warnings: list[str]


def _parse_one(keep: bool, path: Path) -> tuple[ParsedPaper | PaperError | None, bytes]:
    """A file parsed, and the parse pickled and compressed: a few kB per paper, cheaper than parsing again.

    The parse itself comes back only if `keep`: a job hands back only the compressed bytes, which
    cost less to send than the objects.
    """
    try:
        paper = parse_file(path)
    except PaperError as exc:
        return exc, b""
    return paper if keep else None, zlib.compress(pickle.dumps(paper, protocol=pickle.HIGHEST_PROTOCOL), 1)


def _work_chunk(state: _Pass2, group: tuple[str, list[int]]) -> _WorkDone:
    """Extract every language version of one work and emit the work as Turtle."""
    work, members = group
    shared = SharedEntities()
    counts = dict.fromkeys(("papers", "versions", "paragraphs", "items", "footnotes", "measures", "risks",
                            "risky_actions", "untyped_measures", "untyped_risks", "triples"), 0)
    warnings: list[str] = []
    versions = []
    for index in members:
        path = state.files[index]
        paper = pickle.loads(zlib.decompress(state.parsed[index]))
        state.parsed[index] = b""
        base = work if len(members) == 1 else expression_iri(work, paper.header.language or "zh")
        facts = state.extractor.extract(paper, doc=base)
        if work != doc_iri(paper) and paper.header.symbol is not None:
            facts.warnings.append(ParseWarning(1, f"same symbol as {state.seen_docs[doc_iri(paper)].name}; "
                                                  "named after the file instead"))
        warnings.extend(_warning_text(path, w) for w in facts.warnings)
        counts["paragraphs"] += len(facts.paragraphs)
        counts["items"] += len(facts.items)
        counts["footnotes"] += len(facts.footnotes)
        versions.append(facts)
    counts["papers"] = 1
    counts["versions"] = len(versions)
    measures = _by_place(versions, "measures")
    risks = _by_place(versions, "risks")
    counts["measures"] = len(measures)
    counts["untyped_measures"] = sum(all(m.fallback for m in ms) for ms in measures.values())
    counts["risks"] = len(risks)
    counts["risky_actions"] = sum(any(r.risky_action for r in rs) for rs in risks.values())
    counts["untyped_risks"] = sum(all(r.fallback for r in rs) for rs in risks.values())
    lines = work_lines(versions, work, shared)
    counts["triples"] = len(lines)
    return _WorkDone(turtle_body(lines), shared, counts, warnings)


_S = TypeVar("_S")
_T = TypeVar("_T")
_R = TypeVar("_R")
#: The state forked jobs read (set just before the pool is made, so they inherit it instead of unpickling it).
_forked_state: object = None
#: Items per job hand-out: large enough to keep the pipe cheap, small enough to balance the jobs.
_CHUNK = 4


def _call_forked(fn_item: tuple[Callable[[object, object], object], object]) -> object:
    fn, item = fn_item
    return fn(_forked_state, item)


def _forks(jobs: int, items: int) -> bool:
    """Whether `_map` hands `items` to forked jobs."""
    return jobs > 1 and items >= 2 * _CHUNK and "fork" in mp.get_all_start_methods()


def _map(fn: Callable[[_S, _T], _R], state: _S, items: Sequence[_T], jobs: int) -> Iterator[_R]:
    """`fn(state, item)` for each item, in order: here, or in `jobs` forked processes sharing `state`.

    Forking (not spawning) lets the jobs share the loaded lexicon, gazetteer and pass-1 parses
    without pickling them; where fork is not available, or for a handful of items, one process does it all.
    """
    if not _forks(jobs, len(items)):
        for item in items:
            yield fn(state, item)
        return
    global _forked_state
    _forked_state = state
    gc.freeze()  # the jobs' collector then leaves the inherited objects alone, and their pages shared
    try:
        with mp.get_context("fork").Pool(jobs) as pool:
            yield from pool.imap(_call_forked, ((fn, item) for item in items), chunksize=_CHUNK)  # type: ignore[misc]
    finally:
        _forked_state = None
        gc.unfreeze()


def _warning_text(path: Path, w: ParseWarning) -> str:
    return f"{path}:{w.line}: warning: {w.message}"


def _skip(exc: PaperError, summary: BuildSummary, on_warning: Callable[[str], None] | None) -> None:
    reason = getattr(exc, "reason", None) or exc.message
    where = f"{exc.path}:{exc.line}" if exc.line else str(exc.path)
    summary.warnings.append(f"{exc} (skipped)")
    summary.skipped.append(str(exc.path))
    if on_warning:
        on_warning(f"{where}: warning: {reason} (skipped)")


def build_graph(
    paths: Sequence[Path | str],
    output: Path | str,
    strict: bool = False,
    *,
    on_warning: Callable[[str], None] | None = None,
    on_progress: Callable[[str], None] | None = None,
    jobs: int = 1,
    model: Path | str | None = None,
    risk_model: Path | str | None = None,
) -> BuildSummary:
    """Build the graph of `paths` (files or directories) into `output` (Turtle).

    A file that is not a readable working paper is skipped with a warning; under `strict` it
    raises `kg.errors.PaperError`, and any warning raises `UserError`. On an error the output
    is left untouched. `jobs` > 1 reads and extracts papers in that many processes; the output
    is the same file, byte for byte, as with one. `model`: the measure-type model's file (default:
    the one shipped; "none": the trigger phrases alone); `risk_model` likewise for risk types.
    """
    t0 = time.perf_counter()
    output = Path(output)
    files = collect_paths(paths)
    summary = BuildSummary(output=str(output))
    gazetteer = Gazetteer.load()
    extractor = Extractor(gazetteer, load_lexicon(), typer=load_typer(model), risk_typer=load_risk_typer(risk_model))

    # Pass 1: read every paper, fail before writing, learn coalitions and settle document IRIs.
    docs: list[str] = []
    parsed: list[bytes] = []  # pass-1 parses, pickled and compressed: a few kB per paper, cheaper than parsing again
    seen_docs: dict[str, Path] = {}
    known_before = len(gazetteer.coalitions)
    readable: list[Path] = []
    works = _Works()
    keep = not _forks(jobs, len(files))
    for path, (paper, blob) in zip(files, _map(_parse_one, keep, files, jobs), strict=True):
        if isinstance(paper, PaperError):
            # A scan, a damaged PDF or a file that is not a paper among many good ones: say so and go on,
            # unless --strict.
            if strict:
                raise paper
            _skip(paper, summary, on_warning)
            continue
        if paper is None:
            paper = pickle.loads(zlib.decompress(blob))
        extra: list[ParseWarning] = []
        header = extractor.read_header(paper, learn=True)
        meeting = extractor.read_meeting(paper, extra)
        if meeting is None and not header.submitters and header.coalition is None:
            not_paper = PaperError(path, "not a working paper: no cover block (no meeting, dates or submitter line)", 1)
            if strict:
                raise not_paper
            _skip(not_paper, summary, on_warning)
            continue
        language = paper.header.language or "zh"
        iri = doc_iri(paper)
        if paper.header.symbol is None:
            iri = works.match_unnumbered(paper, header, meeting, language) or iri
        if iri in seen_docs and not works.joins(iri, language):
            extra.append(ParseWarning(paper.header.lines.get("symbol", 1),
                                      f"same symbol as {seen_docs[iri].name}; named after the file instead"))
            iri = f"{vocab.ID_NS}doc/{vocab.slug(paper.stem)}"
        if strict and (paper.warnings or extra):
            w = (paper.warnings or extra)[0]
            raise UserError(f"{path}:{w.line}: {w.message} (--strict turns warnings into errors)")
        seen_docs.setdefault(iri, path)
        works.add(iri, len(docs), language, paper, header, meeting)
        readable.append(path)
        docs.append(iri)
        parsed.append(blob)
    summary.coalitions_learned = len(gazetteer.coalitions) - known_before
    files = readable
    if not files:
        raise UserError(f"no papers to build: none of the {len(summary.skipped)} file(s) is a readable working paper")

    # Pass 2: extract and emit one work (all language versions of a paper) at a time, in work order; with
    # several jobs, forked processes (which inherit pass 1's state) do the works and this one writes.
    state = _Pass2(extractor, files, parsed, seen_docs)
    shared = SharedEntities()
    groups = list(works.groups.items())
    with atomic_file(output) as f:
        f.write(turtle_prefixes())
        for k, done in enumerate(_map(_work_chunk, state, groups, jobs), start=1):
            for text in done.warnings:
                summary.warnings.append(text)
                if on_warning:
                    on_warning(text)
            for name, n in done.counts.items():
                setattr(summary, name, getattr(summary, name) + n)
            shared.merge(done.shared)
            f.write(done.turtle)
            if on_progress and len(files) >= PROGRESS_EVERY and k % PROGRESS_EVERY == 0:
                on_progress(f"npt-kg: {k}/{len(groups)} papers")
        lines = shared_lines(shared, gazetteer)
        summary.triples += len(lines)
        f.write(turtle_body(lines))
    summary.seconds = round(time.perf_counter() - t0, 3)
    return summary
