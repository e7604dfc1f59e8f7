"""`npt-kg query`: run a named query (or a `.rq` file) against the built graph.

Results come out as a text table for people, as the standard SPARQL CSV / JSON
results for programs, or as Turtle for CONSTRUCT and DESCRIBE queries. The table
compacts IRIs with the project prefixes and fits the terminal, because the
questions in `queries/` are meant to be read at a prompt.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    Triple,
    serialize,
)

from kg import vocab
from kg.commands.graphfile import ensure_graph, load_graph
from kg.errors import UserError
from kg.store import OxigraphStore
from kg.store.library import NamedQuery, resolve
from kg.store.textindex import uses_text_query
from kg.util.iri import compact_iri
from kg.util.text import display_width

#: Narrowest a truncated column may become, in terminal cells.
MIN_COLUMN_WIDTH = 6
ELLIPSIS = "…"


def parse_params(pairs: Sequence[str]) -> dict[str, list[str]]:
    """`--param NAME=VALUE` pairs, several values per name kept in order."""
    values: dict[str, list[str]] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UserError(f"--param {pair!r}: write NAME=VALUE", exit_code=2)
        values.setdefault(name.strip(), []).append(value)
    return values


def execute(store: Store, query: NamedQuery, params: dict[str, list[str]] | None = None,
            sparql: str | None = None) -> QuerySolutions | QueryTriples | QueryBoolean:
    """Run a named query, its parameters bound (or `sparql`, a page of it), over the union of the data and
    ontology graphs."""
    text = query.bind(params) if sparql is None else sparql
    try:
        if uses_text_query(text):  # the paragraph index, built for this store
            text = OxigraphStore(store).rewrite(text)
        return store.query(text, use_default_graph_as_union=True)
    except SyntaxError as exc:
        message = " ".join(str(exc).split())
        raise UserError(f"{query.path}: SPARQL syntax error: {message}") from exc
    except (OSError, ValueError, RuntimeError) as exc:
        message = " ".join(str(exc).split())
        raise UserError(f"{query.path}: query failed: {message}") from exc


# --- rendering terms -----------------------------------------------------------------


def term_text(term: object) -> str:
    """What a person wants to see for a term: the literal's value, a compact IRI."""
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        return compact_iri(term.value)
    if isinstance(term, Literal):
        return term.value
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Triple):
        return f"<< {term_text(term.subject)} {term_text(term.predicate)} {term_text(term.object)} >>"
    return str(term)


# --- the text table --------------------------------------------------------------------


def truncate(text: str, width: int) -> str:
    """Cut `text` to at most `width` cells, ending in an ellipsis when cut."""
    if display_width(text) <= width:
        return text
    out: list[str] = []
    used = 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + ELLIPSIS


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def fit_widths(natural: Sequence[int], total: int, protected: Sequence[bool] = (), gap: int = 2) -> list[int] | None:
    """Column widths that fit `total` cells, or None when even the narrowest layout does not.

    The widest columns shrink first; columns marked `protected` (identifiers, which mean
    nothing once cut) shrink only after every other column is down to its floor.
    """
    widths = list(natural)
    budget = total - gap * (len(widths) - 1)
    floors = [min(n, MIN_COLUMN_WIDTH) for n in natural]
    if sum(floors) > budget:
        return None
    protected = list(protected) or [False] * len(widths)
    for shrink_protected in (False, True):
        while sum(widths) > budget:
            candidates = [i for i in range(len(widths))
                          if widths[i] > floors[i] and (shrink_protected or not protected[i])]
            if not candidates:
                break
            widest = max(candidates, key=lambda i: widths[i])
            widths[widest] -= 1
    return widths


def _row_count(count: int) -> str:
    return f"({count} row{'s' if count != 1 else ''})"


def format_records(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> str:
    """One `name  value` line per field, for results too wide for columns."""
    name_width = max(display_width(h) for h in headers)
    value_width = max(1, width - name_width - 2)
    lines: list[str] = []
    for n, row in enumerate(rows, 1):
        title = f"-- row {n} "
        lines.append(title + "-" * max(2, min(width, 60) - len(title)))
        for header, cell in zip(headers, row, strict=True):
            lines.append(f"{pad(header, name_width)}  {truncate(cell, value_width)}".rstrip())
    lines.append(_row_count(len(rows)))
    return "\n".join(lines) + "\n"


def format_table(headers: Sequence[str], rows: Iterable[Sequence[str]], width: int | None = None) -> str:
    """A plain text table no wider than the terminal, with a row count under it."""
    rows = [[" ".join(cell.split()) for cell in row] for row in rows]
    if width is None:
        width = shutil.get_terminal_size((120, 24)).columns
    natural = [max([display_width(h)] + [display_width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    protected = [bool(rows) and all(_looks_like_iri(r[i]) for r in rows if r[i]) for i in range(len(headers))]
    widths = fit_widths(natural, width, protected)
    if widths is None or (len(rows) == 1 and widths != natural):
        # a single answer reads better as fields than as a row of cut-off cells
        return format_records(headers, rows, width)
    lines = ["  ".join(pad(truncate(h, w), w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(pad(truncate(c, w), w) for c, w in zip(row, widths, strict=True)).rstrip())
    lines.append(_row_count(len(rows)))
    return "\n".join(lines) + "\n"


def _looks_like_iri(text: str) -> bool:
    return text.startswith("<") or any(text.startswith(p + ":") for p in vocab.PREFIXES)


def solutions_table(results: QuerySolutions, width: int | None = None) -> str:
    headers = [v.value for v in results.variables]
    rows = [[term_text(solution[v]) for v in results.variables] for solution in results]
    return format_table(headers, rows, width)


def triples_table(results: QueryTriples, width: int | None = None) -> str:
    rows = [[term_text(t.subject), term_text(t.predicate), term_text(t.object)] for t in results]
    rows.sort()
    return format_table(["subject", "predicate", "object"], rows, width)


# --- the command -----------------------------------------------------------------------


def render(results: QuerySolutions | QueryTriples | QueryBoolean, fmt: str, name: str,
           width: int | None = None) -> str:
    """The results in the requested format, or a UserError when the format does not fit the query form."""
    if isinstance(results, QueryTriples):
        if fmt == "ttl":
            return serialize(results, format=RdfFormat.TURTLE, prefixes=vocab.PREFIXES).decode("utf-8")
        if fmt == "table":
            return triples_table(results, width)
        raise UserError(f"{name} is a CONSTRUCT/DESCRIBE query: use --format ttl or table, not {fmt}", exit_code=2)
    if fmt == "ttl":
        form = "an ASK" if isinstance(results, QueryBoolean) else "a SELECT"
        raise UserError(
            f"{name} is {form} query; --format ttl is for CONSTRUCT/DESCRIBE (use table, csv or json)", exit_code=2
        )
    if fmt == "table":
        if isinstance(results, QueryBoolean):
            return f"{'true' if bool(results) else 'false'}\n"
        return solutions_table(results, width)
    result_format = QueryResultsFormat.CSV if fmt == "csv" else QueryResultsFormat.JSON
    return results.serialize(format=result_format).decode("utf-8")


def run(args: argparse.Namespace) -> int:
    """Resolve the query, load (or first build) the graph, print the results."""
    query = resolve(args.name)
    params = parse_params(getattr(args, "param", None) or [])
    query.bind(params)  # a wrong parameter is reported before the graph is loaded
    fmt = getattr(args, "format", "table") or "table"
    store = load_graph(Path(args.graph))
    limit, offset = getattr(args, "limit", None), getattr(args, "offset", 0) or 0
    bound = query.bind(params)
    sparql = query.whole(bound) if getattr(args, "all", False) else query.paged(limit, offset, bound)
    results = execute(store, query, params, sparql)
    text = render(results, fmt, query.name)
    sys.stdout.write(text)
    if fmt in ("csv", "json") and not text.endswith("\n"):
        sys.stdout.write("\n")
    sys.stdout.flush()
    return 0


#: `ensure_graph` is re-exported: other commands and branches import it from here.
__all__ = ["ensure_graph", "execute", "format_table", "load_graph", "parse_params", "render", "run", "truncate"]
