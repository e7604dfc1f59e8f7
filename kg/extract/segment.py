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
def _clause_boundaries(clause: str) -> frozenset[int]:
    """Offsets in `clause` where a word begins or ends (HMM off: only dictionary words, deterministic)."""
    out, pos = {0}, 0
    for w in _get().cut(clause, HMM=False):
        pos += len(w)
        out.add(pos)
    return frozenset(out)


def is_word(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] begins and ends at word boundaries."""
    if start >= end:
        return False
    first, last = text[start], text[end - 1]
    if first.isascii() or last.isascii():
        if first.isascii() and first.isalnum() and start > 0 and text[start - 1].isascii() \
                and text[start - 1].isalnum():
            return False
        if last.isascii() and last.isalnum() and end < len(text) and text[end].isascii() and text[end].isalnum():
            return False
        if first.isascii() and last.isascii():
            return True
    a = 0
    for m in _CLAUSE_STOP.finditer(text, 0, start):
        a = m.end()
    m = _CLAUSE_STOP.search(text, end)
    b = m.start() if m else len(text)
    bounds = _clause_boundaries(text[a:b])
    return (first.isascii() or start - a in bounds) and (last.isascii() or end - a in bounds)
