"""Full listings of the paged named queries, written as CSV when the on-disk store is prepared.

A paged named query's full listing (`/queries/NAME?all=1`, `npt-kg query NAME --all`) is its
whole text: every row, in the query's ORDER BY. The engine cannot stream that quickly: the
ORDER BY holds every row back until the last is found, and even unordered the joins run at
2-20k rows/s on the on-disk store (each row is several index lookups plus one string lookup
per term). So the listings are evaluated once, by the engine on the store itself when it is
prepared, and kept in the store directory as CSV files named by the sha256 of the query text they
answer. Sound because the store is read-only and rebuilt, with its listings, whenever what it
holds changes: a file is the bytes the engine writes for that text (as CSV) on this store. A
text without a file (other parameters, an edited query) goes to the engine.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from pyoxigraph import QueryResultsFormat, QuerySolutions, Store

from kg.store.library import NamedQuery
from kg.store.sparqltext import query_form
from kg.store.textindex import TextIndex, uses_text_query
from kg.store.textindex import rewrite as rewrite_text_queries

#: The folder of an on-disk store that holds the listings.
LISTINGS_DIR = "listings"
#: Bytes read from a listing file at a time when it is streamed.
READ_SIZE = 256 * 1024


def listing_name(sparql: str) -> str:
    """The file name of the listing that answers `sparql` (the text exactly as the server receives it)."""
    return hashlib.sha256(sparql.encode("utf-8")).hexdigest() + ".csv"


def full_listing_text(query: NamedQuery) -> str | None:
    """The text of `query`'s full listing with its default parameters, or None when it is not a paged table.

    A paged CONSTRUCT (a page of papers' sub-graphs) has no CSV listing: its whole text is the
    graph, which `/data` already streams.
    """
    if query.page_size is None or query_form(query.sparql) != "SELECT":
        return None
    return query.whole(query.bind())


def write_listings(store: Store, directory: Path, queries: Iterable[NamedQuery], index: TextIndex | None,
                   on_progress: Callable[[str], None] | None = None) -> list[str]:
    """Evaluate each paged query's full listing on `store` and write it as CSV into `directory`; the names done."""
    directory.mkdir(parents=True, exist_ok=True)
    done = []
    for query in queries:
        text = full_listing_text(query)
        if text is None:
            continue
        if on_progress:
            on_progress(f"writing the full listing of {query.name}")
        evaluated = rewrite_text_queries(text, index) if uses_text_query(text) else text
        result = store.query(evaluated, use_default_graph_as_union=True)
        if not isinstance(result, QuerySolutions):
            continue
        path = directory / listing_name(text)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        try:
            with tmp.open("wb") as f:
                result.serialize(f, QueryResultsFormat.CSV)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        done.append(query.name)
    return done


def find_listing(directory: Path | None, sparql: str) -> Path | None:
    """The listing file that answers `sparql`, if the store has one."""
    if directory is None:
        return None
    path = directory / listing_name(sparql)
    return path if path.is_file() else None


def read_listing(path: Path) -> Iterator[bytes]:
    """The file's bytes in chunks: constant memory, whatever its size."""
    with path.open("rb") as f:
        while block := f.read(READ_SIZE):
            yield block
