"""The library of named queries in `queries/`: each file's header says what it asks.

A query file starts with comment lines such as::

    # title: Every paper
    # title@zh: 所有工作文件
    # description: Symbol, title, meeting, dates, submitting states and coalition.

The CLI (`npt-kg query NAME`), the server (`/queries`) and the query page all read
queries through this module, so a query added to the folder shows up everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kg import resources
from kg.errors import UserError

QUERIES_DIR = resources.QUERIES_DIR
_HEADER = re.compile(r"^#\s*([\w@-]+)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True)
class NamedQuery:
    """One `.rq` file: its name (file stem), header fields and SPARQL text."""

    name: str
    path: Path
    sparql: str
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.meta.get("title", self.name)

    @property
    def title_zh(self) -> str | None:
        return self.meta.get("title@zh")

    @property
    def description(self) -> str:
        return self.meta.get("description", "")

    @property
    def page_size(self) -> int | None:
        """Rows (or papers) per page for a query that pages its result (`# page: N`), else None."""
        value = self.meta.get("page")
        return int(value) if value and value.isdigit() else None

    def paged(self, limit: int | None = None, offset: int = 0) -> str:
        """The text with its page clauses (`LIMIT <page> OFFSET 0`) set to `limit` and `offset`."""
        size = self.page_size
        if size is None:
            return self.sparql
        limit = size if limit is None else limit
        if not 1 <= limit <= MAX_PAGE or offset < 0:
            raise UserError(f"{self.name}: limit must be 1 to {MAX_PAGE} and offset 0 or more", exit_code=2)
        text = self.sparql.replace(f"LIMIT {size} OFFSET 0", f"LIMIT {limit} OFFSET {offset}")
        return _TEXT_PAGE.sub(lambda m: f"{m.group(1)} {limit} {offset})" if m.group(2) == str(size) else m.group(0),
                              text)

    def whole(self) -> str:
        """The text without its page clauses: every row (for a streamed download)."""
        size = self.page_size
        if size is None:
            return self.sparql
        text = self.sparql.replace(f"LIMIT {size} OFFSET 0", "")
        return _TEXT_PAGE.sub(lambda m: f"{m.group(1)} {_TEXT_ALL} 0)" if m.group(2) == str(size) else m.group(0),
                              text)


#: The largest page a caller may ask for.
MAX_PAGE = 10_000
#: A full-text search pages through its matches with its own arguments: `text:query (?words LIMIT OFFSET)`.
_TEXT_PAGE = re.compile(r"(text:query\s*\(\s*[?$]\w+)\s+(\d+)\s+0\s*\)")
_TEXT_ALL = 1_000_000


def read_query(path: Path) -> NamedQuery:
    """Read one query file and its comment header (the leading `# key: value` lines)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read query file ({exc})") from exc
    meta: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if m:
            meta[m.group(1).lower()] = m.group(2)
    return NamedQuery(name=path.stem, path=path, sparql=text, meta=meta)


def load_library(directory: Path = QUERIES_DIR) -> dict[str, NamedQuery]:
    """All named queries, by name, in file-name order."""
    return {p.stem: read_query(p) for p in sorted(directory.glob("*.rq"))}


def resolve(name_or_path: str, directory: Path = QUERIES_DIR) -> NamedQuery:
    """A query by name from the library, or from a `.rq` file path."""
    path = Path(name_or_path)
    if path.suffix == ".rq" and path.exists():
        return read_query(path)
    library = load_library(directory)
    if name_or_path in library:
        return library[name_or_path]
    available = ", ".join(library) or "(none)"
    raise UserError(f"unknown query {name_or_path!r}; available: {available}", exit_code=2)
