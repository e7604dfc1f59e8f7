"""Working papers → one Turtle file, written atomically: read → extract → emit for every paper.

Two passes over the papers. The first parses every paper (keeping it compressed in memory)
and reads its cover block: it
fails early (before anything is written) on a paper that cannot be read, or on any warning
under `--strict`, and it learns coalitions from submitter lines so that a coalition
introduced in one paper is recognised by name in all the others, whatever the file order.
The second pass extracts and streams each paper's triples into a temporary file next to the
output; shared entities (states, coalitions and their members, treaties, meetings, cited
documents) follow at the end; the temporary file then replaces the output in one rename.
Work per paper is constant (lexicon and gazetteer are loaded once), so time grows linearly.

Python API: `build_graph(paths, output, strict=False) -> BuildSummary`.
"""

from __future__ import annotations

import pickle
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import RdfFormat, Triple, serialize

from kg import vocab
from kg.emit import SharedEntities, paper_lines, shared_lines, to_triples
from kg.errors import PaperError, UserError
from kg.extract import Extractor, Gazetteer, doc_iri, load_lexicon
from kg.read import ParseWarning, parse_file
from kg.util.atomic import atomic_file

PROGRESS_EVERY = 100


@dataclass
class BuildSummary:
    """What a build did; `warnings` are `file:line: message` strings."""

    output: str
    papers: int = 0
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

    def line(self) -> str:
        return (f"built {self.papers} papers: {self.paragraphs} paragraphs, {self.measures} measures, "
                f"{self.risks} risks, {self.triples} triples in {self.seconds:.2f} s -> {self.output}")


def collect_paths(paths: Sequence[Path | str]) -> list[Path]:
    """Files as given and `*.txt` files of directories (sorted); a missing path is a user error."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(x for x in p.glob("*.txt") if x.is_file()))
        elif p.exists():
            out.append(p)
        else:
            raise UserError(f"{p}: no such file or directory")
    if not out:
        raise UserError(f"no papers to build: no *.txt files in {', '.join(map(str, paths)) or '(nothing)'}")
    return out


def _warning_text(path: Path, w: ParseWarning) -> str:
    return f"{path}:{w.line}: warning: {w.message}"


def _skip(exc: PaperError, summary: BuildSummary, on_warning: Callable[[str], None] | None) -> None:
    where = f"{exc.path}:{exc.line}" if exc.line else str(exc.path)
    text = f"{where}: warning: skipped: {exc.message}"
    summary.warnings.append(text)
    if on_warning:
        on_warning(text)


def build_graph(
    paths: Sequence[Path | str],
    output: Path | str,
    strict: bool = False,
    *,
    on_warning: Callable[[str], None] | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> BuildSummary:
    """Build the graph of `paths` (files or directories) into `output` (Turtle).

    A file that is not a readable working paper is skipped with a warning; under `strict` it
    raises `kg.errors.PaperError`, and any warning raises `UserError`. On an error the output
    is left untouched.
    """
    t0 = time.perf_counter()
    output = Path(output)
    files = collect_paths(paths)
    summary = BuildSummary(output=str(output))
    gazetteer = Gazetteer.load()
    extractor = Extractor(gazetteer, load_lexicon())

    # Pass 1: read every paper, fail before writing, learn coalitions and settle document IRIs.
    docs: list[str] = []
    parsed: list[bytes] = []  # pass-1 parses, pickled and compressed: a few kB per paper, cheaper than parsing again
    seen_docs: dict[str, Path] = {}
    known_before = len(gazetteer.coalitions)
    kept: list[Path] = []
    for path in files:
        try:
            paper = parse_file(path)
        except PaperError as exc:
            if strict:
                raise
            # not strict: one file that is not a paper does not stop the others
            _skip(exc, summary, on_warning)
            continue
        extra: list[ParseWarning] = []
        iri = doc_iri(paper)
        if iri in seen_docs:
            extra.append(ParseWarning(paper.header.lines.get("symbol", 1),
                                      f"same symbol as {seen_docs[iri].name}; named after the file instead"))
            iri = f"{vocab.ID_NS}doc/{vocab.slug(paper.stem)}"
        seen_docs[iri] = path
        docs.append(iri)
        header = extractor.read_header(paper, learn=True)
        meeting = extractor.read_meeting(paper, extra)
        if meeting is None and not header.submitters and header.coalition is None:
            not_paper = PaperError(path, "not a working paper: no cover block (no meeting, dates or submitter line)", 1)
            if strict:
                raise not_paper
            del seen_docs[iri]
            docs.pop()
            _skip(not_paper, summary, on_warning)
            continue
        if strict and (paper.warnings or extra):
            w = (paper.warnings or extra)[0]
            raise UserError(f"{path}:{w.line}: {w.message} (--strict turns warnings into errors)")
        parsed.append(zlib.compress(pickle.dumps(paper, protocol=pickle.HIGHEST_PROTOCOL), 1))
        kept.append(path)
    if not kept:
        raise UserError(f"no papers to build: none of the {len(files)} file(s) is a working paper")
    files = kept
    summary.coalitions_learned = len(gazetteer.coalitions) - known_before

    # Pass 2: extract and stream.
    shared = SharedEntities()

    def triples() -> Iterator[Triple]:
        for k, (path, iri) in enumerate(zip(files, docs, strict=True), start=1):
            paper = pickle.loads(zlib.decompress(parsed[k - 1]))
            parsed[k - 1] = b""
            facts = extractor.extract(paper, doc=iri)
            if iri != doc_iri(paper):
                facts.warnings.append(ParseWarning(1, f"same symbol as {seen_docs[doc_iri(paper)].name}; "
                                                      "named after the file instead"))
            for w in facts.warnings:
                text = _warning_text(path, w)
                summary.warnings.append(text)
                if on_warning:
                    on_warning(text)
            summary.papers += 1
            summary.paragraphs += len(facts.paragraphs)
            summary.items += len(facts.items)
            summary.footnotes += len(facts.footnotes)
            summary.measures += len(facts.measures)
            summary.untyped_measures += sum(m.fallback for m in facts.measures)
            summary.risks += len(facts.risks)
            summary.risky_actions += sum(r.risky_action for r in facts.risks)
            summary.untyped_risks += sum(r.fallback for r in facts.risks)
            lines = paper_lines(facts, shared)
            summary.triples += len(lines)
            yield from to_triples(lines)
            if on_progress and len(files) >= PROGRESS_EVERY and k % PROGRESS_EVERY == 0:
                on_progress(f"npt-kg: {k}/{len(files)} papers")
        lines = shared_lines(shared, gazetteer)
        summary.triples += len(lines)
        yield from to_triples(lines)

    with atomic_file(output) as f:
        serialize(triples(), f, RdfFormat.TURTLE, prefixes=vocab.PREFIXES)
    summary.seconds = round(time.perf_counter() - t0, 3)
    return summary
