"""A full-text index of the paragraphs, and the `text:query` property function that reads it.

pyoxigraph has no text index: `FILTER(CONTAINS(...))` reads every paragraph's text, seconds at
10,000 papers. This index is SQLite FTS5 (in the standard library) over the paragraphs'
Chinese text segmented into words by jieba's search mode, which also emits the shorter
words inside long ones (核武器 → 核武, 武器, 核武器), so that a word matches inside a
compound. English and other Latin text is split by FTS5's own unicode61 tokenizer.

SPARQL users reach it with the property function of Apache Jena's text index, which the
store rewrites before the engine sees the query (docs/data-model.md, "Full-text search"):

    PREFIX text: <http://jena.apache.org/text#>
    ?paragraph text:query ("戒备" 1000 0) .      # words, at most 1000 paragraphs, from the 1st

The pattern becomes `VALUES ?paragraph { <p1> <p2> ... }`: the matching paragraphs in document
order (by paper, then paragraph number), the order the index was written in. Not by relevance:
ranking (BM25) scores every match before the first page can leave, 60-300 ms for a common word at
10,000 papers, where reading the index in its own order stops after the page (a few ms), and a
listing's pages then follow one stable order. Without an index (a remote engine, `serve --remote`) it becomes a scan of
the paragraphs' text for every word (CONTAINS), slower and in the engine's order. The words
may also be a variable bound by a one-value `VALUES` line of the same query, so that a named
query's parameter feeds the search. Limit (default 10,000)
and offset are optional. Every word of the query must occur in the paragraph; a query
should still FILTER on the exact text where a phrase must match as written.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from pyoxigraph import NamedNode, QuerySolutions, RdfFormat, Store, parse

from kg import vocab
from kg.store.errors import QueryError
from kg.store.sparqltext import Token, sparql_token_spans

TEXT_NS = "http://jena.apache.org/text#"
QUERY_IRI = TEXT_NS + "query"
#: Matches returned when the query gives no limit (Jena's default is 10,000 too).
DEFAULT_LIMIT = 10_000
INDEX_NAME = "paragraphs.fts.sqlite"

_jieba_lock = threading.Lock()
_PARAGRAPHS = f"""
SELECT ?paragraph ?text ?paper ?number WHERE {{
  GRAPH <{vocab.DATA_GRAPH}> {{
    ?paragraph a <{vocab.NPT_NS}Paragraph> ; <{vocab.NPT_NS}text> ?text .
    OPTIONAL {{ ?paragraph <{vocab.NPT_NS}inDocument> ?paper }}
    OPTIONAL {{ ?paragraph <{vocab.NPT_NS}number> ?number }}
  }}
}}"""


def _jieba():
    """jieba, loaded once per process (its dictionary takes a second to read)."""
    with _jieba_lock:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        return jieba


def segment(text: str) -> str:
    """Words separated by spaces: jieba's search mode (words and the words inside them)."""
    return " ".join(w for w in _jieba().cut_for_search(text) if w.strip())


def query_words(words: str) -> list[str]:
    """The words of a search: jieba's precise mode, punctuation dropped."""
    return [w for w in _jieba().cut(words) if re.search(r"\w", w)]


def build_index(store: Store, path: Path) -> int:
    """Write the index of every paragraph in `store` to `path` (atomically); the paragraphs indexed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.execute("CREATE VIRTUAL TABLE paragraphs USING fts5(words, iri UNINDEXED, tokenize='unicode61')")
        result = store.query(_PARAGRAPHS)
        assert isinstance(result, QuerySolutions)
        # written in document order, so that rowid order (what a search returns) is document order
        paragraphs = sorted(((_document_order(row), row["paragraph"].value, row["text"].value) for row in result),
                            key=lambda p: p[0])
        rows = ((segment(text), iri) for _, iri, text in paragraphs)
        db.executemany("INSERT INTO paragraphs(words, iri) VALUES (?, ?)", rows)
        count = db.execute("SELECT count(*) FROM paragraphs").fetchone()[0]
        db.execute("INSERT INTO paragraphs(paragraphs) VALUES ('optimize')")
        db.commit()
    finally:
        db.close()
    os.replace(tmp, path)
    return count


def _document_order(row) -> tuple[str, int, str, str]:
    """Paper, then paragraph number (numerically where it is a number), then the IRI."""
    paper = row["paper"].value if row["paper"] is not None else ""
    number = row["number"].value if row["number"] is not None else ""
    return paper, int(number) if number.isdigit() else -1, number, row["paragraph"].value


class TextIndex:
    """The paragraph index, opened read-only; safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        if not path.exists():
            raise FileNotFoundError(path)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.db = db
        return db

    def search(self, words: str, limit: int = DEFAULT_LIMIT, offset: int = 0) -> list[str]:
        """Paragraph IRIs holding every word of `words`, in document order (the index's own order)."""
        terms = query_words(words)
        if not terms:
            return []
        match = " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)
        rows = self._db().execute(
            "SELECT iri FROM paragraphs WHERE paragraphs MATCH ? ORDER BY rowid LIMIT ? OFFSET ?",
            (match, limit, offset),
        )
        return [iri for (iri,) in rows]

    def close(self) -> None:
        """Close this thread's connection (the others close with their threads)."""
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    def warm(self) -> None:
        """Load the segmenter now rather than on the first search."""
        query_words("核")


# --- the property function -----------------------------------------------------------------------------


def _prefixes(tokens: Sequence[tuple[Token, int, int]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for i in range(len(tokens) - 2):
        if tokens[i][0].kind == "word" and tokens[i][0].text.upper() == "PREFIX" and tokens[i + 2][0].kind == "iri":
            found[tokens[i + 1][0].text] = tokens[i + 2][0].text[1:-1]
    return found


def _is_text_query(token: Token, prefixes: dict[str, str]) -> bool:
    if token.kind == "iri":
        return token.text[1:-1] == QUERY_IRI
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        return prefixes.get(prefix + ":") == TEXT_NS and local == "query"
    return False


def _string_value(token: Token) -> str:
    """The value of a SPARQL string token, in any of its four quotings (Turtle's are the same)."""
    try:
        triple = next(iter(parse(f"<urn:x> <urn:x> {token.text} .".encode(), RdfFormat.TURTLE)))
    except (SyntaxError, StopIteration) as exc:
        raise QueryError(f"text:query: cannot read the string {token.text}") from exc
    return triple.object.value


def _values_of(tokens: Sequence[tuple[Token, int, int]], var: str) -> str | None:
    """The one string of `VALUES ?var { "..." }` in the query, if there is such a line."""
    for i in range(len(tokens) - 4):
        t = [tok for tok, _, _ in tokens[i:i + 5]]
        if (t[0].kind == "word" and t[0].text.upper() == "VALUES" and t[1].kind == "var" and t[1].text[1:] == var[1:]
                and t[2].text == "{" and t[3].kind == "string" and t[4].text == "}"):
            return _string_value(t[3])
    return None


def uses_text_query(sparql: str) -> bool:
    return "jena.apache.org/text#" in sparql


def rewrite(sparql: str, index: TextIndex | None) -> str:
    """`?x text:query (...)` patterns replaced by VALUES blocks of the matching paragraphs."""
    if not uses_text_query(sparql):
        return sparql
    tokens = list(sparql_token_spans(sparql))
    prefixes = _prefixes(tokens)
    out: list[str] = []
    done = 0
    i = 0
    while i < len(tokens):
        tok, start, _ = tokens[i]
        if tok.kind == "var" and i + 1 < len(tokens) and _is_text_query(tokens[i + 1][0], prefixes):
            args, j = _arguments(tokens, i + 2)
            words = args[0]
            if words.startswith("?") or words.startswith("$"):
                bound = _values_of(tokens, words)
                if bound is None:
                    raise QueryError(f"text:query: {words} must be bound by a one-value VALUES line")
                words = bound
            limit = int(args[1]) if len(args) > 1 else DEFAULT_LIMIT
            offset = int(args[2]) if len(args) > 2 else 0
            end = tokens[j][2]
            if j + 1 < len(tokens) and tokens[j + 1][0].text == ".":
                end = tokens[j + 1][2]
            out.append(sparql[done:start])
            if index is None:
                out.append(_scan(tok.text, words, limit, offset))
            else:
                out.append(_values(tok.text, index.search(words, limit, offset)))
            done = end
            i = j + 1
            continue
        i += 1
    out.append(sparql[done:])
    return "".join(out)


def _arguments(tokens: Sequence[tuple[Token, int, int]], i: int) -> tuple[list[str], int]:
    """The words (string value or variable name), limit and offset; and the index of the last token."""
    if i >= len(tokens):
        raise QueryError("text:query: the search words are missing")
    tok = tokens[i][0]
    if tok.kind == "string":
        return [_string_value(tok)], i
    if tok.text != "(":
        raise QueryError("text:query: expected a string or a list (\"words\" limit offset)")
    args: list[str] = []
    j = i + 1
    while j < len(tokens) and tokens[j][0].text != ")":
        t = tokens[j][0]
        if not args and t.kind in ("string", "var"):
            args.append(_string_value(t) if t.kind == "string" else t.text)
        elif args and t.kind == "number" and t.text.isdigit() and len(args) < 3:
            args.append(t.text)
        else:
            raise QueryError(f"text:query: unexpected {t.text!r}; expected (\"words\" limit offset)")
        j += 1
    if j >= len(tokens) or not args:
        raise QueryError("text:query: expected (\"words\" limit offset)")
    return args, j


def _scan(var: str, words: str, limit: int, offset: int) -> str:
    """Where there is no index (a remote engine): the paragraphs whose text holds every word, read one by one."""
    checks = " && ".join(f"CONTAINS(STR(?_text), {json.dumps(w, ensure_ascii=False)})"
                         for w in words.split()) or "false"
    return (f"{{ SELECT {var} WHERE {{ {var} a <{vocab.NPT_NS}Paragraph> ; <{vocab.NPT_NS}text> ?_text . "
            f"FILTER({checks}) }} LIMIT {limit} OFFSET {offset} }}")


def _values(var: str, iris: Iterable[str]) -> str:
    body = " ".join(str(NamedNode(iri)) for iri in iris)
    return f"VALUES {var} {{ {body} }}"
