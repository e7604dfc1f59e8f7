"""The segmenter reads jieba's dictionary a shard at a time, and cuts every clause exactly as jieba's own would."""

from __future__ import annotations

from pathlib import Path

import jieba

from kg.extract import Extractor, Gazetteer, load_lexicon, segment

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _clauses() -> list[str]:
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    return [c for c in dict.fromkeys(segment._CLAUSE_STOP.split(text)) if segment._CJK.search(c)]


def test_clauses_are_cut_as_by_jieba_with_its_whole_dictionary() -> None:
    Extractor(Gazetteer.load(), load_lexicon())  # adds the gazetteer's names as user words, as a build does
    ours = segment._get()
    full = jieba.Tokenizer()
    full.initialize()
    for w in sorted(segment._user_words):
        full.add_word(w)
    clauses = _clauses()
    assert len(clauses) > 200 and segment._user_words
    assert ours.total == full.total
    for clause in clauses:
        assert list(ours.cut(clause, HMM=False)) == list(full.cut(clause, HMM=False)), clause
        assert list(ours.tokenize(clause, mode="search", HMM=False)) == \
            list(full.tokenize(clause, mode="search", HMM=False)), clause


def test_a_shard_is_read_only_when_a_clause_needs_it() -> None:
    freq = segment._ShardedFreq(segment._sharded_dictionary()[0])
    before = len(freq._shards)
    assert "核武器" in freq and freq.get("核武器") > 0
    assert len(freq._shards) == before - 1  # the shard of 核 only
    freq["兔子国"] = 3  # a word set before its shard was read: the shard is read first, and the word kept
    assert freq["兔子国"] == 3 and "兔子" in freq
    assert len(freq._shards) == before - 2
