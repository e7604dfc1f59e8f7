"""Word boundaries, so that a concept trigger matches words and not a substring of a longer word.

Chinese is written without spaces: 议定书 "protocol" occurs in 附加议定书 and 核能 "nuclear
energy" inside 核能力 "nuclear capability". jieba (a well-kept segmenter with its own
dictionary) cuts a clause into words; a trigger is a match only when it begins and ends where
words do. Its user dictionary is the gazetteer's names, so that names are kept whole; trigger
phrases are not added, because a long trigger made a word (受污染地区) would hide the word
boundary another scheme's shorter trigger needs (受污染). Latin text is cut at non-alphanumerics.

Segmentation is by clause (between punctuation) and cached, because the genre repeats its
clauses and a whole corpus is read in one process.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import lru_cache

import jieba

#: Clause ends: a word never spans them, so a clause is segmented on its own.
_CLAUSE_STOP = re.compile(r"[，。；;：:！？!?、,()“”\"《》\n]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_tokenizer: jieba.Tokenizer | None = None
_user_words: set[str] = set()


def add_words(words: Iterable[str]) -> None:
    """Words the segmenter must keep whole (names, terms); only those of 3+ Chinese characters.

    Shorter words are left to jieba's dictionary, where they compete fairly with the longer words
    they occur in (forcing 核能 would split 核能力 wrongly).
    """
    new = {w for w in words if len(w) >= 3 and _CJK.search(w) and " " not in w} - _user_words
    if not new:
        return
    _user_words.update(new)
    if _tokenizer is not None:
        for w in sorted(new):
            _tokenizer.add_word(w)
        _clause_boundaries.cache_clear()


def _get() -> jieba.Tokenizer:
    global _tokenizer
    if _tokenizer is None:
        jieba.setLogLevel(logging.WARNING)
        t = jieba.Tokenizer()
        t.initialize()
        for w in sorted(_user_words):
            t.add_word(w)
        _tokenizer = t
    return _tokenizer


@lru_cache(maxsize=65536)
def _clause_boundaries(clause: str) -> tuple[frozenset[int], frozenset[int]]:
    """Offsets in `clause` where a word begins, and where a word or a word inside a compound ends.

    HMM off: only dictionary words, deterministic. A trigger must begin where a word does
    (议定书 does not begin a word in 附加议定书), but may end inside a compound at the end of a
    word it contains (高度戒备 in 高度戒备状态, whose parts 戒备 and 状态 are words).
    """
    t = _get()
    starts, pos = {0}, 0
    for w in t.cut(clause, HMM=False):
        pos += len(w)
        starts.add(pos)
    ends = set(starts)
    for _word, _start, b in t.tokenize(clause, mode="search", HMM=False):
        ends.add(b)
    return frozenset(starts), frozenset(ends)


def _clause(text: str, start: int, end: int) -> int:
    """Where the clause holding text[start:end] begins (its boundaries are computed on their own)."""
    a = 0
    for m in _CLAUSE_STOP.finditer(text, 0, start):
        a = m.end()
    return a


def _clause_end(text: str, end: int) -> int:
    m = _CLAUSE_STOP.search(text, end)
    return m.start() if m else len(text)


def _latin_inside(text: str, i: int) -> bool:
    """Whether offset `i` falls between two Latin letters or digits (inside an English word)."""
    return 0 < i < len(text) and text[i - 1].isascii() and text[i - 1].isalnum() and text[i].isascii() \
        and text[i].isalnum()


def is_word(text: str, start: int, end: int, check_start: bool = True) -> bool:
    """Whether text[start:end] begins (unless not `check_start`) and ends at word boundaries."""
    if start >= end:
        return False
    if (check_start and _latin_inside(text, start)) or _latin_inside(text, end):
        return False
    first, last = text[start], text[end - 1]
    if (first.isascii() or not check_start) and last.isascii():
        return True
    a = _clause(text, start, end)
    starts, ends = _clause_boundaries(text[a:_clause_end(text, end)])
    return (first.isascii() or not check_start or start - a in starts) and (last.isascii() or end - a in ends)
