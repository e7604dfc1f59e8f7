"""Word boundaries, so that a concept trigger matches words and not a substring of a longer word.

Chinese is written without spaces: 议定书 "protocol" occurs in 附加议定书 and 核能 "nuclear
energy" inside 核能力 "nuclear capability". jieba (a well-kept segmenter with its own
dictionary) cuts a clause into words; a trigger is a match only when it begins and ends where
words do. Its user dictionary is the gazetteer's names, so that names are kept whole; trigger
phrases are not added, because a long trigger made a word (受污染地区) would hide the word
boundary another scheme's shorter trigger needs (受污染). Latin text is cut at non-alphanumerics.

Segmentation is by clause (between punctuation) and cached, because the genre repeats its
clauses and a whole corpus is read in one process.

jieba's dictionary (350,000 words and their prefixes) takes about a second to read, which is a
large part of a build of a few hundred papers. Segmenting a clause looks up only substrings of
that clause, so the dictionary is kept split by first character (`_ShardedFreq`) and a shard is
read when a clause first needs it; the words, frequencies and total are jieba's own, so the
segmentation is exactly jieba's.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import jieba
import snowballstemmer

from kg.util.atomic import write_atomically

#: Clause ends: a word never spans them, so a clause is segmented on its own.
_CLAUSE_STOP = re.compile(r"[，。；;：:！？!?、,()“”\"《》\n]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
#: Runs of Chinese characters or of Latin letters: what `words` cuts into words.
_RUN = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z]+")
_tokenizer: jieba.Tokenizer | None = None
_user_words: set[str] = set()


def add_words(names: Iterable[str]) -> None:
    """Words the segmenter must keep whole (names, terms); only those of 3+ Chinese characters.

    Shorter words are left to jieba's dictionary, where they compete fairly with the longer words
    they occur in (forcing 核能 would split 核能力 wrongly).
    """
    new = {w for w in names if len(w) >= 3 and _CJK.search(w) and " " not in w} - _user_words
    if not new:
        return
    _user_words.update(new)
    if _tokenizer is not None:
        for w in sorted(new):
            _tokenizer.add_word(w)
        _clause_boundaries.cache_clear()
        _cut.cache_clear()
        words.cache_clear()


class _ShardedFreq:
    """jieba's word → frequency table (`Tokenizer.FREQ`), a shard per first character read on first use.

    Every access first reads the shard of the key's first character, so a word jieba's
    `add_word` sets is never overwritten by a shard read later: the table behaves exactly as
    jieba's dict. User words known in advance (`words`, with the frequencies jieba's `add_word`
    gave them) join their shard when it is read, as `add_word` would have left them: the word
    with its frequency, each of its prefixes with 0 unless the dictionary has it. Only the
    accesses jieba's tokenizer makes are provided.
    """

    __slots__ = ("_freq", "_shards", "_words")

    def __init__(self, shards: dict[str, bytes], words: dict[str, int] | None = None) -> None:
        self._shards = dict(shards)
        self._freq: dict[str, int] = {}
        self._words: dict[str, dict[str, int]] = {}
        for w, f in (words or {}).items():
            self._words.setdefault(w[:1], {})[w] = f
            self._shards.setdefault(w[:1], marshal.dumps({}))

    def _load(self, key: str) -> None:
        ch = key[:1]
        blob = self._shards.pop(ch, None)
        if blob is None:
            return
        freq = self._freq
        freq.update(marshal.loads(blob))
        words = self._words.pop(ch, {})
        freq.update(words)
        for w in words:
            for i in range(1, len(w)):
                freq.setdefault(w[:i], 0)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        if key[:1] in self._shards:
            self._load(key)
        return key in self._freq

    def __getitem__(self, key: str) -> int:
        if key[:1] in self._shards:
            self._load(key)
        return self._freq[key]

    def get(self, key: str, default: Any = None) -> Any:
        if key[:1] in self._shards:
            self._load(key)
        return self._freq.get(key, default)

    def __setitem__(self, key: str, value: int) -> None:
        if key[:1] in self._shards:
            self._load(key)
        self._freq[key] = value


def _cache_dir() -> Path:
    """This user's cache folder for the split dictionary, made private (0700).

    Not the shared temporary directory: a file another user planted there under the predictable
    name would decide how every Chinese text is segmented. `$XDG_CACHE_HOME` (or `~/.cache`), as
    the XDG base directory spec says; a few lines rather than a dependency (platformdirs) for one
    folder on the platforms the project runs on.
    """
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(base) / "npt-kg"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _read_cache(path: Path, valid: Any) -> Any:
    """The marshalled value in `path` when it is ours, private and well formed (`valid(value)`), else None."""
    try:
        with path.open("rb") as f:
            st = os.fstat(f.fileno())
            if st.st_uid != os.getuid() or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                return None
            value = marshal.load(f)
        return value if valid(value) else None
    except Exception:  # a cache is only a shortcut: anything wrong with it means make it again
        return None


def _valid_shards(value: Any) -> bool:
    return (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], dict)
            and isinstance(value[1], int)
            and all(isinstance(k, str) and isinstance(v, bytes) for k, v in value[0].items()))


def _valid_frequencies(value: Any) -> bool:
    return (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], dict)
            and isinstance(value[1], int)
            and all(isinstance(k, str) and isinstance(v, int) for k, v in value[0].items()))


def _shard_file() -> Path:
    """Where the split dictionary is kept: in this user's cache, named for the dictionary file."""
    dict_file = Path(jieba.__file__).with_name(jieba.DEFAULT_DICT_NAME)  # the default dictionary, used here
    st = dict_file.stat()
    key = f"{sys.version}|{jieba.__version__}|{dict_file}|{st.st_size}|{st.st_mtime_ns}"  # marshal is per version
    tag = hashlib.sha1(key.encode()).hexdigest()[:12]
    try:
        return _cache_dir() / f"jieba-{tag}.shards"
    except OSError:  # no writable home: a private folder of this user's in the temporary directory
        folder = Path(tempfile.gettempdir()) / f"npt-kg-{os.getuid()}"
        folder.mkdir(mode=0o700, exist_ok=True)
        return folder / f"jieba-{tag}.shards"


def _sharded_dictionary() -> tuple[dict[str, bytes], int]:
    """(first character → marshalled shard, total frequency), made once from jieba's dictionary and cached."""
    path = _shard_file()
    cached = _read_cache(path, _valid_shards)
    if cached is not None:
        shards, total = cached
        return shards, total
    jieba.setLogLevel(logging.WARNING)
    full = jieba.Tokenizer()
    full.initialize()
    by_first: dict[str, dict[str, int]] = {}
    for word, freq in full.FREQ.items():
        by_first.setdefault(word[:1], {})[word] = freq
    shards = {ch: marshal.dumps(words) for ch, words in by_first.items()}
    with contextlib.suppress(OSError):  # a read-only cache folder: make it again next time
        write_atomically(path, marshal.dumps((shards, full.total)))
    return shards, full.total


def warm() -> None:
    """Make the split dictionary and the names' frequencies now (a first build otherwise pays for them)."""
    from kg.extract.gazetteer import Gazetteer

    add_words(name for name, _ in Gazetteer.load().names)
    shards, total = _sharded_dictionary()
    _user_frequencies(shards, total, sorted(_user_words))


def _user_frequencies(shards: dict[str, bytes], total: int, words: list[str]) -> tuple[dict[str, int], int]:
    """The frequencies jieba's `add_word` gives `words` (added in this order), and the total after them.

    `add_word` asks the dictionary about every character of every name, which would read nearly
    every shard; the result depends only on the dictionary and the words, so it is kept beside the
    split dictionary, named for both.
    """
    tag = hashlib.sha1("\n".join([_shard_file().name, *words]).encode()).hexdigest()[:12]
    path = _shard_file().with_name(f"jieba-words-{tag}.marshal")
    cached = _read_cache(path, _valid_frequencies)
    if cached is not None:
        freqs, after = cached
        return freqs, after
    t = jieba.Tokenizer()
    t.FREQ, t.total, t.initialized = _ShardedFreq(shards), total, True  # type: ignore[assignment]
    for w in words:
        t.add_word(w)
    freqs = {w: t.FREQ[w] for w in words}
    with contextlib.suppress(OSError):
        write_atomically(path, marshal.dumps((freqs, t.total)))
    return freqs, t.total


def _get() -> jieba.Tokenizer:
    global _tokenizer
    if _tokenizer is None:
        jieba.setLogLevel(logging.WARNING)
        t = jieba.Tokenizer()
        shards, total = _sharded_dictionary()
        freqs, total = _user_frequencies(shards, total, sorted(_user_words))
        t.FREQ, t.total, t.initialized = _ShardedFreq(shards, freqs), total, True  # type: ignore[assignment]
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
    freq = t.FREQ
    starts, pos = {0}, 0
    ends: set[int] = set()
    # One cut; the ends of the dictionary 2- and 3-grams inside each word are what jieba's
    # tokenize(mode="search") adds to it (the same loop as jieba's, without cutting twice).
    for w in t.cut(clause, HMM=False):
        n = len(w)
        for k in (2, 3):
            if n > k:
                ends.update(pos + i + k for i in range(n - k + 1) if freq.get(w[i:i + k]))
        pos += n
        starts.add(pos)
    ends |= starts
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


class Word(NamedTuple):
    """A word as a model compares it (`key`: a Chinese word, or an English word's Snowball stem) and as printed."""

    key: str
    text: str


@lru_cache(maxsize=65536)
def _cut(run: str) -> tuple[str, ...]:
    return tuple(_get().cut(run, HMM=False))


_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return _stemmer.stemWord(word.lower())


@lru_cache(maxsize=4096)  # a step's words are read twice in a row, a lead's once per item: a few thousand do
def words(text: str) -> tuple[Word, ...]:
    """The words of a text: Chinese cut by jieba as for the triggers (dictionary words, HMM off), English
    words of three letters or more stemmed (Snowball), so that "withdraws" and "withdrawal" weigh together."""
    out: list[Word] = []
    for m in _RUN.finditer(text):
        run = m.group(0)
        if _CJK.match(run):
            out.extend(Word(w, w) for w in _cut(run))
        elif len(run) > 2:
            out.append(Word(_stem(run), run))
    return tuple(out)
