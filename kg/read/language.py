"""Which language a paper is written in, read from its text (never from its file name).

Working papers come in the six official UN languages, which differ by script (Chinese,
Arabic, Cyrillic) or, among the three written in Latin letters, by their commonest words.
Counting those is exact enough for whole papers and costs microseconds, so no statistical
language identifier (and its model files) is needed.
"""

from __future__ import annotations

import re
from collections import Counter

from kg.read.lines import CJK

_SCRIPTS = (("zh", re.compile(f"[{CJK}]")), ("ar", re.compile(r"[\u0600-\u06ff]")),
            ("ru", re.compile(r"[\u0400-\u04ff]")), ("latin", re.compile(r"[A-Za-zÀ-ÿ]")))
_WORD = re.compile(r"[a-zà-ÿ]+")
#: Words that occur in every paper of a language and rarely in the other two.
_FUNCTION_WORDS = {
    "en": {"the", "and", "of", "to", "that", "is", "which", "with", "should", "by"},
    "fr": {"le", "la", "les", "et", "des", "du", "une", "est", "qui", "dans"},
    "es": {"el", "los", "las", "y", "del", "una", "es", "que", "con", "por"},
}
#: How much of the text must be read to decide (a paper's first pages are plenty).
SAMPLE = 20_000


def detect_language(text: str) -> str | None:
    """BCP 47 code of the language of `text` ("zh", "en", …), None when there is no text to tell by."""
    sample = text[:SAMPLE]
    counts = {code: len(pattern.findall(sample)) for code, pattern in _SCRIPTS}
    # Chinese papers carry Latin symbols and URLs, so an ideograph counts for a few Latin letters.
    weighted = {**counts, "zh": counts["zh"] * 3}
    script = max(weighted, key=weighted.__getitem__)
    if not weighted[script]:
        return None
    if script != "latin":
        return script
    words = Counter(_WORD.findall(sample.lower()))
    scores = {code: sum(words[w] for w in vocab) for code, vocab in _FUNCTION_WORDS.items()}
    best = max(scores, key=scores.__getitem__)
    return best if scores[best] else None
