"""The library of named queries in `queries/`: each file's header says what it asks.

A query file starts with comment lines such as::

    # title: Every paper
    # title@zh: 所有工作文件
    # description: Symbol, title, meeting, dates, submitting states and coalition.
    # param: paper iri UNDEF

A `# param: NAME KIND DEFAULT` line declares a parameter: KIND is one of `PARAM_KINDS`,
DEFAULT its value (for other kinds than string, several values may be listed) or `UNDEF`
(no constraint), which is also the default's default. The query names it in a one-variable
`VALUES ?NAME { … }` block; `bind` rewrites that block with the given values (several
values are several rows), or with the default. The CLI takes `--param NAME=VALUE`, the
server `/queries/NAME?NAME=VALUE`. Values become SPARQL terms through pyoxigraph, never
by pasting text, so a value cannot change the query's shape.

The CLI (`npt-kg query NAME`), the server (`/queries`) and the query page all read
queries through this module, so a query added to the folder shows up everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from kg import resources, vocab
from kg.errors import UserError

QUERIES_DIR = resources.QUERIES_DIR
_HEADER = re.compile(r"^#\s*([\w@-]+)\s*:\s*(.*?)\s*$")
_PARAM = re.compile(r"^#\s*param\s*:\s*([A-Za-z_]\w*)\s+([\w-]+)(?:\s+(.*?))?\s*$")
UNDEF = "UNDEF"
#: What a parameter may be, and the XSD datatype its literal gets (None: an IRI or a plain string).
PARAM_KINDS: dict[str, str | None] = {
    "iri": None,
    "string": None,
    "integer": vocab.XSD_NS + "integer",
    "decimal": vocab.XSD_NS + "decimal",
    "boolean": vocab.XSD_NS + "boolean",
    "date": vocab.XSD_NS + "date",
}


@dataclass(frozen=True)
class Param:
    """A declared parameter: `name` is the VALUES variable, `default` its values (UNDEF: unconstrained)."""

    name: str
    kind: str
    default: tuple[str, ...] = (UNDEF,)

    def term(self, value: str) -> str:
        """`value` as a SPARQL term (IRIs may be written `id:state/AT`); UserError when it is not of the kind."""
        value = value.strip()
        if value == UNDEF:
            return UNDEF
        if self.kind == "iri":
            iri = value[1:-1] if value.startswith("<") and value.endswith(">") else _expand(value)
            try:
                return str(NamedNode(iri))
            except ValueError:
                raise UserError(f"parameter {self.name}: {value!r} is not an IRI") from None
        datatype = PARAM_KINDS[self.kind]
        if datatype is None:
            return str(Literal(value))
        literal = Literal(value, datatype=NamedNode(datatype))
        if not _valid(literal, self.kind):
            raise UserError(f"parameter {self.name}: {value!r} is not {'an' if self.kind[0] in 'aeiou' else 'a'} "
                            f"{self.kind}")
        return str(literal)


def _expand(value: str) -> str:
    prefix, sep, local = value.partition(":")
    if sep and prefix in vocab.PREFIXES and not local.startswith("//"):
        return vocab.PREFIXES[prefix] + local
    return value


_LEXICAL = {
    "integer": re.compile(r"[+-]?\d+"),
    "decimal": re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
    "boolean": re.compile(r"true|false|1|0"),
    "date": re.compile(r"-?\d{4,}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?"),
}


def _valid(literal: Literal, kind: str) -> bool:
    return bool(_LEXICAL[kind].fullmatch(literal.value))


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

    params: tuple[Param, ...] = ()

    def bind(self, values: Mapping[str, Sequence[str]] | None = None) -> str:
        """The SPARQL text with each parameter's VALUES block holding the given values (or the default)."""
        values = values or {}
        unknown = sorted(set(values) - {p.name for p in self.params})
        if unknown:
            known = ", ".join(p.name for p in self.params) or "none"
            raise UserError(f"query {self.name} has no parameter {', '.join(unknown)} (parameters: {known})",
                            exit_code=2)
        text = self.sparql
        for param in self.params:
            given = [v for v in values.get(param.name, []) if v.strip()] or list(param.default)
            rows = " ".join(param.term(v) for v in given)
            block = re.compile(r"VALUES\s+\?" + re.escape(param.name) + r"\s*\{[^{}]*\}", re.IGNORECASE)
            replacement = f"VALUES ?{param.name} {{ {rows} }}"
            text, found = block.subn(lambda _m, r=replacement: r, text)
            if not found:
                text = text.rstrip() + "\n" + replacement + "\n"
        return text

    @property
    def page_size(self) -> int | None:
        """Rows (or papers) per page for a query that pages its result (`# page: N`), else None."""
        value = self.meta.get("page")
        return int(value) if value and value.isdigit() else None

    def paged(self, limit: int | None = None, offset: int = 0, text: str | None = None) -> str:
        """The text (bound or not) with its page clauses (`LIMIT <page> OFFSET 0`) set to `limit` and `offset`."""
        size = self.page_size
        text = self.sparql if text is None else text
        if size is None:
            return text
        limit = size if limit is None else limit
        if not 1 <= limit <= MAX_PAGE or offset < 0:
            raise UserError(f"{self.name}: limit must be 1 to {MAX_PAGE} and offset 0 or more", exit_code=2)
        text = text.replace(f"LIMIT {size} OFFSET 0", f"LIMIT {limit} OFFSET {offset}")
        return _TEXT_PAGE.sub(lambda m: f"{m.group(1)} {limit} {offset})" if m.group(2) == str(size) else m.group(0),
                              text)

    def whole(self, text: str | None = None) -> str:
        """The text (bound or not) without its page clauses: every row (for a streamed download)."""
        size = self.page_size
        text = self.sparql if text is None else text
        if size is None:
            return text
        text = text.replace(f"LIMIT {size} OFFSET 0", "")
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
    params: list[Param] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#"):
            break
        p = _PARAM.match(line)
        if p:
            name, kind, rest = p.group(1), p.group(2).lower(), (p.group(3) or "").strip()
            if kind not in PARAM_KINDS:
                raise UserError(f"{path}:{number}: parameter {name} has unknown kind {kind!r} "
                                f"(kinds: {', '.join(PARAM_KINDS)})")
            # a string default is the rest of the line; other kinds may list several values
            default = ((rest,) if kind == "string" else tuple(rest.split())) if rest else (UNDEF,)
            param = Param(name, kind, default)
            try:
                for value in default:  # a default not of its kind is the file's mistake: say so now
                    param.term(value)
            except UserError as exc:
                raise UserError(f"{path}:{number}: {exc}") from None
            params.append(param)
            continue
        m = _HEADER.match(line)
        if m:
            meta[m.group(1).lower()] = m.group(2)
    return NamedQuery(name=path.stem, path=path, sparql=text, meta=meta, params=tuple(params))


def load_library(directory: Path = QUERIES_DIR) -> dict[str, NamedQuery]:
    """All named queries, by name, in file-name order."""
    return {p.stem: read_query(p) for p in sorted(directory.glob("*.rq"))}


def resolve(name_or_path: str, directory: Path = QUERIES_DIR) -> NamedQuery:
    """A query by name from the library, or from a `.rq` file path."""
    path = Path(name_or_path)
    if path.suffix == ".rq":
        if path.is_file():
            return read_query(path)
        raise UserError(f"{path}: {'is a directory' if path.is_dir() else 'no such query file'}", exit_code=2)
    library = load_library(directory)
    if name_or_path in library:
        return library[name_or_path]
    available = ", ".join(library) or "(none)"
    raise UserError(f"unknown query {name_or_path!r}; available: {available}", exit_code=2)
