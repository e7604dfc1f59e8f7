"""The segmenter reads jieba's dictionary a shard at a time, and cuts every clause exactly as jieba's own would."""

from __future__ import annotations

import marshal
from pathlib import Path

import jieba
import pytest

from kg.extract import Extractor, Gazetteer, load_lexicon, segment

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _clauses() -> list[str]:
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    return [c for c in dict.fromkeys(segment._CLAUSE_STOP.split(text)) if segment._CJK.search(c)]


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The segmenter with its dictionary cache in an empty directory, and made again afterwards as before."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(segment, "_tokenizer", None)
    segment._clause_boundaries.cache_clear()
    yield tmp_path
    segment._clause_boundaries.cache_clear()


def test_clauses_are_cut_as_by_jieba_with_its_whole_dictionary(fresh_cache: Path) -> None:
    Extractor(Gazetteer.load(), load_lexicon())  # adds the gazetteer's names as user words, as a build does
    full = jieba.Tokenizer()
    full.initialize()
    for w in sorted(segment._user_words):
        full.add_word(w)
    clauses = _clauses()
    assert len(clauses) > 200 and segment._user_words
    for made in ("made", "read from the cache"):
        segment._tokenizer = None
        ours = segment._get()
        assert ours.total == full.total, made
        for clause in clauses:
            assert list(ours.cut(clause, HMM=False)) == list(full.cut(clause, HMM=False)), (made, clause)
            assert list(ours.tokenize(clause, mode="search", HMM=False)) == \
                list(full.tokenize(clause, mode="search", HMM=False)), (made, clause)
    # the split dictionary and the names' frequencies, in this user's private cache folder
    assert len(list((fresh_cache / "npt-kg").glob("jieba-*"))) == 2
    assert (fresh_cache / "npt-kg").stat().st_mode & 0o077 == 0


def test_word_boundaries_are_those_of_jiebas_cut_and_search_modes(fresh_cache: Path) -> None:
    """Where words begin (the default cut) and end (also inside compounds: the search mode's n-grams)."""
    Extractor(Gazetteer.load(), load_lexicon())
    full = jieba.Tokenizer()
    full.initialize()
    for w in sorted(segment._user_words):
        full.add_word(w)
    inside = 0
    for clause in _clauses():
        starts, pos = {0}, 0
        for w in full.cut(clause, HMM=False):
            pos += len(w)
            starts.add(pos)
        ends = starts | {b for _w, _a, b in full.tokenize(clause, mode="search", HMM=False)}
        inside += len(ends - starts)
        assert segment._clause_boundaries(clause) == (frozenset(starts), frozenset(ends)), clause
    assert inside > 100  # compounds whose parts are words are common: the second set is not the first


def test_a_cache_file_others_can_write_or_that_is_malformed_is_made_again(fresh_cache: Path) -> None:
    made = segment._sharded_dictionary()
    path = segment._shard_file()
    planted = marshal.dumps(({"核": marshal.dumps({"核": 1})}, 1))
    path.write_bytes(planted)
    path.chmod(0o666)  # writable by anyone: not trusted
    assert segment._sharded_dictionary()[1] == made[1]
    for wrong in (marshal.dumps(["not", "a", "dictionary"]), marshal.dumps(({"核": 1}, 1)), b"\x00garbage"):
        path.write_bytes(wrong)
        path.chmod(0o600)
        assert segment._sharded_dictionary()[1] == made[1]  # made again, no traceback


def test_a_shard_is_read_only_when_a_clause_needs_it() -> None:
    freq = segment._ShardedFreq(segment._sharded_dictionary()[0])
    before = len(freq._shards)
    assert "核武器" in freq and freq.get("核武器") > 0
    assert len(freq._shards) == before - 1  # the shard of 核 only
    freq["兔子国"] = 3  # a word set before its shard was read: the shard is read first, and the word kept
    assert freq["兔子国"] == 3 and "兔子" in freq
    assert len(freq._shards) == before - 2
