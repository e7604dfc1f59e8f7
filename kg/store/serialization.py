"""What local and remote answers share when pyoxigraph writes them: the row cap's TSV bridge and the prefixes.

One place for both, so the in-process store (kg/store/oxigraph.py) and the store over a
remote engine (kg/store/remote.py) write byte-for-byte the same answers.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence

from pyoxigraph import RdfFormat

from kg import vocab


class TsvRows(io.RawIOBase):
    """Solutions as SPARQL TSV, read lazily: the bridge that lets a row cap use native serializers.

    pyoxigraph can only serialize a whole `QuerySolutions`; capping it means reading the
    first N rows and feeding them, as TSV (whose cells are exactly the terms' N-Triples
    text), back to pyoxigraph's streaming TSV parser.
    """

    def __init__(self, variables: Sequence[object], rows: Iterable[object]) -> None:
        super().__init__()
        self._parts = self._generate(variables, rows)
        self._pending = memoryview(b"")

    @staticmethod
    def _generate(variables: Sequence[object], rows: Iterable[object]) -> Iterator[bytes]:
        yield ("\t".join(str(v) for v in variables) + "\n").encode()
        batch: list[str] = []
        for solution in rows:
            batch.append("\t".join("" if term is None else str(term) for term in solution))
            if len(batch) >= 512:
                yield ("\n".join(batch) + "\n").encode()
                batch.clear()
        if batch:
            yield ("\n".join(batch) + "\n").encode()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while not self._pending:
            try:
                self._pending = memoryview(next(self._parts))
            except StopIteration:
                return 0
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        # a view, not a copy: slicing bytes here copied the rest of the part on every read, quadratic
        # in a part's size (seconds for rows that hold long literals, such as the derived lists)
        self._pending = self._pending[n:]
        return n


def prefixes_for(fmt: RdfFormat) -> dict[str, str] | None:
    """Prefixes make Turtle, TriG and RDF/XML readable; other formats ignore or refuse them.

    `id:` is left out: instance IRIs have slashes, which Turtle would have to escape in
    every prefixed name (`id:state\\/AT`); full IRIs read better.
    """
    if fmt not in (RdfFormat.TURTLE, RdfFormat.TRIG, RdfFormat.RDF_XML):
        return None
    return {p: ns for p, ns in vocab.PREFIXES.items() if ns != vocab.ID_NS}
