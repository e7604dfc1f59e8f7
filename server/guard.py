"""What the endpoint refuses before a query reaches the engine, and why.

The endpoint is read-only and never makes outbound requests. pyoxigraph would
answer `SERVICE <http://...>` by calling that URL, so SERVICE is refused from the
query's tokens (strings, IRIs and comments are whole tokens, so a keyword in a
literal does not count, and no spelling or spacing slips past). Nesting is bounded
because the engine's parser recurses once per level. SPARQL Update text fails the
query parser; `explain_update` then parses it as an update to say which operation
was refused instead of echoing the query parser's "expected CONSTRUCT".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.store import ReadOnlyError
from kg.store.sparqltext import sparql_tokens

#: Default cap on query size (bytes of UTF-8).
MAX_QUERY_BYTES = 100 * 1024
#: Default cap on nesting of { } ( ) [ ].
MAX_NESTING = 512

UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})
QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
_PROLOGUE = frozenset({"BASE", "PREFIX"})

#: rdflib's names for update operations → how SPARQL spells them.
_OPERATION_NAMES = {
    "InsertData": "INSERT DATA",
    "DeleteData": "DELETE DATA",
    "DeleteWhere": "DELETE WHERE",
    "Modify": "DELETE/INSERT",
    "Load": "LOAD",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
}

_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class Refused(Exception):
    """A request the endpoint will not run; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Shape:
    """What the tokens say about a query text."""

    form: str | None  # first keyword after the prologue, upper-cased
    uses_service: bool
    depth: int


def _unescape_codepoints(text: str) -> str:
    """SPARQL 1.1 §19.2 lets \\uXXXX stand for any character before parsing; an engine that
    honours it must not see a SERVICE this check missed."""

    def sub(m: re.Match[str]) -> str:
        try:
            return chr(int(m.group(1) or m.group(2), 16))
        except ValueError:
            return m.group(0)

    return _CODEPOINT_ESCAPE.sub(sub, text)


def _shape(text: str) -> Shape:
    form: str | None = None
    in_prologue = True
    uses_service = False
    depth = deepest = 0
    for tok in sparql_tokens(text):
        if tok.kind == "word":
            upper = tok.text.upper()
            if upper == "SERVICE":
                uses_service = True
            if in_prologue and upper not in _PROLOGUE:
                form = upper
                in_prologue = False
        elif tok.kind == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif tok.kind == "close":
            depth = max(0, depth - 1)
        elif in_prologue and tok.kind not in ("iri", "pname"):
            in_prologue = False
    return Shape(form=form, uses_service=uses_service, depth=deepest)


def shape(text: str) -> Shape:
    """The query's form, whether it uses SERVICE, and how deeply it nests."""
    plain = _shape(text)
    if "\\u" not in text and "\\U" not in text:
        return plain
    escaped = _shape(_unescape_codepoints(text))
    return Shape(
        form=plain.form,
        uses_service=plain.uses_service or escaped.uses_service,
        depth=max(plain.depth, escaped.depth),
    )


def check(text: str, *, max_bytes: int = MAX_QUERY_BYTES, max_nesting: int = MAX_NESTING) -> Shape:
    """Raise `Refused` for a query the endpoint will not run; return its shape otherwise."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise Refused(413, f"query is {size} bytes; this endpoint accepts at most {max_bytes}")
    if not text.strip():
        raise Refused(400, "empty query")
    found = shape(text)
    if found.uses_service:
        raise Refused(400, "SERVICE is not allowed: this endpoint does not make requests to other endpoints")
    if found.depth > max_nesting:
        raise Refused(400, f"query nests {{ }} ( ) [ ] {found.depth} levels deep; at most {max_nesting} are allowed")
    if found.form in UPDATE_KEYWORDS:
        # Not run: the engine is only ever asked queries. Parse it to say precisely what it was.
        raise explain_update(text)
    return found


def explain_update(text: str) -> ReadOnlyError:
    """The read-only refusal for update text, naming its operations when it parses as an update."""
    operations = update_operations(text)
    if operations:
        listed = ", ".join(dict.fromkeys(operations))
        return ReadOnlyError(f"this endpoint is read-only: {listed} is SPARQL Update, and only queries are answered")
    return ReadOnlyError("this endpoint is read-only: SPARQL Update is not accepted, only queries")


#: rdflib's parser is pure Python (about a second per 100 KB); longer texts get the plain refusal.
MAX_EXPLAINED_UPDATE = 16 * 1024


def update_operations(text: str) -> list[str] | None:
    """The operations of `text` parsed as SPARQL 1.1 Update, or None when it is not one (or too long to tell)."""
    if len(text) > MAX_EXPLAINED_UPDATE:
        return None
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parsed = parseUpdate(text)
    except (ParseBaseException, RecursionError, ValueError, TypeError, AttributeError):
        return None
    names = [getattr(op, "name", "") for op in parsed.get("request", [])]
    return [_OPERATION_NAMES.get(n, n.upper()) for n in names if n] or None


def classify_syntax_error(text: str, message: str) -> Exception:
    """What to tell the client when the query parser rejected `text`."""
    from kg.store import QuerySyntaxError

    form = shape(text).form
    if form in UPDATE_KEYWORDS or (form not in QUERY_FORMS and update_operations(text)):
        return explain_update(text)
    return QuerySyntaxError(message)
