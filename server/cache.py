"""A result cache in front of the store, keyed by the store's content hash.

Sound because the served store is read-only: the same query on the same content gives the
same bytes, so a key of (content hash, query text, dataset, formats, row cap) can be
answered from memory. A new graph means a new hash, so nothing stale is ever served, even
by a cache that outlives a reload. Results are kept only when they were read to the end
and are at most `max_entry_bytes`; the least recently used go first once `max_bytes` is
reached. A request with `Cache-Control: no-cache` goes to the store (measurements of the
engine itself use that).

Behind the cache in memory are the full listings an on-disk store keeps (kg.store.listings):
a query whose text has a listing file, asked for as CSV without a row cap, is answered by
streaming that file.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path

from pyoxigraph import QueryResultsFormat, RdfFormat, Triple

from kg.store import DEFAULT_FORMATS, Formats, GraphStore, QueryResult, ResultKind, StoreSpec, read_manifest
from kg.store.listings import find_listing, read_listing


def content_hash(spec: StoreSpec) -> str:
    """What the store holds: the recorded sha256 of every loaded file (on disk), or the files' own."""
    digest = hashlib.sha256()
    manifest = read_manifest(spec.store_dir) if spec.store_dir is not None else None
    if manifest is not None:
        digest.update(json.dumps([s.get("sha256") for s in manifest.get("sources", [])],  # type: ignore[union-attr]
                                 sort_keys=True).encode())
        digest.update(str(manifest.get("version")).encode())
        return digest.hexdigest()
    for path in (*spec.ontology_files, spec.graph):
        with Path(path).open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _folder_id(folder: Path | None) -> tuple[int, int] | None:
    try:
        st = os.stat(folder) if folder is not None else None
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if st is not None else None


class CachedStore:
    """A `GraphStore` answering repeated queries from memory; everything else goes to `inner`."""

    def __init__(self, inner: GraphStore, key: str, *, max_bytes: int = 256 << 20,
                 max_entry_bytes: int = 32 << 20, listings: Path | None = None) -> None:
        self.inner = inner
        self.listings = listings
        self._listings_id = _folder_id(listings)
        self.key = key
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[tuple, tuple[object, object, bytes]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def _same_listings(self) -> bool:
        """The listings folder is still the one of the store the workers opened.

        Preparing the store again swaps in a new folder by rename while a running server keeps the
        store it opened: its listings would then answer for another store than every other query.
        """
        return self._listings_id is not None and _folder_id(self.listings) == self._listings_id

    def query(self, sparql: str, *, formats: Formats = DEFAULT_FORMATS, default_graph_uris: Sequence[str] = (),
              named_graph_uris: Sequence[str] = (), timeout: float | None = None,
              max_rows: int | None = None) -> QueryResult:
        if (max_rows is None and formats.solutions == QueryResultsFormat.CSV and not default_graph_uris
                and not named_graph_uris):
            listing = find_listing(self.listings, sparql) if self._same_listings() else None
            if listing is not None:
                result = QueryResult(ResultKind.SOLUTIONS, QueryResultsFormat.CSV, read_listing(listing))
                result.cache_hit = True  # type: ignore[attr-defined]
                return result
        key = (self.key, sparql, tuple(default_graph_uris), tuple(named_graph_uris),
               formats.to_media_types(), max_rows)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                self.hits += 1
        if entry is not None:
            kind, fmt, body = entry
            result = QueryResult(kind, fmt, iter((body,)) if body else iter(()))  # type: ignore[arg-type]
            result.cache_hit = True  # type: ignore[attr-defined]
            return result
        with self._lock:
            self.misses += 1
        result = self.inner.query(sparql, formats=formats, default_graph_uris=default_graph_uris,
                                  named_graph_uris=named_graph_uris, timeout=timeout, max_rows=max_rows)
        return QueryResult(result.kind, result.format, self._keeping(key, result), result.close)

    def _keeping(self, key: tuple, result: QueryResult) -> Iterator[bytes]:
        parts: list[bytes] | None = []
        size = 0
        for chunk in result:
            if parts is not None:
                size += len(chunk)
                if size > self.max_entry_bytes:
                    parts = None
                else:
                    parts.append(chunk)
            yield chunk
        if parts is not None:  # read to the end: the whole result
            self._put(key, (result.kind, result.format, b"".join(parts)))

    def _put(self, key: tuple, entry: tuple[object, object, bytes]) -> None:
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = entry
            self._size += len(entry[2])
            while self._size > self.max_bytes and self._entries:
                _, old = self._entries.popitem(last=False)
                self._size -= len(old[2])

    def cache_stats(self) -> dict[str, int]:
        with self._lock:
            return {"entries": len(self._entries), "bytes": self._size, "hits": self.hits, "misses": self.misses}

    # everything else is the inner store's

    def triple_count(self) -> int:
        return self.inner.triple_count()

    def dump(self, format: RdfFormat, *, graph: str | None = None, timeout: float | None = None) -> Iterator[bytes]:
        return self.inner.dump(format, graph=graph, timeout=timeout)

    def describe(self, iri: str, *, limit: int | None = None, timeout: float | None = None) -> list[Triple]:
        return self.inner.describe(iri, limit=limit, timeout=timeout)

    def graph_names(self) -> list[str]:
        return self.inner.graph_names()  # type: ignore[attr-defined]

    def __getattr__(self, name: str):  # the pool's stats(), restarts, ... for /health
        return getattr(self.inner, name)

    def close(self) -> None:
        self.inner.close()
