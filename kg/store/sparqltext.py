"""Reading SPARQL text without parsing it: tokens, so that keywords are told from literals, IRIs and comments."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
      |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]*)
  | (?P<bnode>_:[\w.\-\u00b7]*)
  | (?P<pname>(?:[^\W\d_][\w.\-]*)?:(?:[\w.:%\-]|\\.)*)
  | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z_]\w*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


def sparql_token_spans(text: str) -> Iterator[tuple[Token, int, int]]:
    """The tokens of SPARQL text with where each starts and ends, comments and whitespace dropped."""
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind not in ("ws", "comment"):
            yield Token(kind, m.group()), m.start(), m.end()


def sparql_tokens(text: str) -> Iterator[Token]:
    """The tokens of SPARQL text, comments and whitespace dropped.

    Strings, IRIs and prefixed names come out whole, so a keyword found among the
    `word` tokens is a keyword, not a piece of a literal, an IRI or a comment.
    Text that is not SPARQL still tokenizes (one `other` token per stray character).
    """
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind not in ("ws", "comment"):
            yield Token(kind, m.group())


def names_own_dataset(sparql: str) -> bool:
    """True when the query has FROM / FROM NAMED clauses (which must win over the union default)."""
    return any(t.kind == "word" and t.text.upper() == "FROM" for t in sparql_tokens(sparql))


QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the query's first form keyword (a table or a graph comes back)."""
    for t in sparql_tokens(sparql):
        if t.kind == "word" and t.text.upper() in QUERY_FORMS:
            return t.text.upper()
    return "SELECT"
