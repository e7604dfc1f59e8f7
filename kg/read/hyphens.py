"""English words cut at line ends: rejoin them, or keep the hyphen when it is a real one.

Both readers need this: the PDF reader for the lines it lays out, the text reader for text a
PDF tool already flattened (`legiti-` / `mize`). The decision uses the document's own words:
a compound printed whole elsewhere keeps its hyphen, a word printed whole elsewhere loses it.
No hyphenation dictionary is used: UN English is full of compounds (nuclear-weapon,
non-proliferation) that a dictionary splits differently from how the documents write them.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_HYPHEN_END = re.compile(r"([A-Za-z]+(?:-[A-Za-z]+)*)-$")
_NEXT_WORD = re.compile(r"^([a-z][A-Za-z]*)(.*)$")
_LINE_END_HYPHEN = re.compile(r"[A-Za-z]-[ \t]*\n")
#: Left halves after which a line-end hyphen is a real one (UN English compounds).
_KEEP_AFTER = {"non", "anti", "co", "self", "post", "pre", "multi", "inter", "well", "long", "short",
               "high", "low", "follow", "so", "counter", "cross", "sub", "semi", "de", "re"}


def vocabulary(texts: list[str]) -> tuple[set[str], set[str]]:
    """Words and hyphenated compounds of a document, leaving out the fragments at line edges."""
    words: set[str] = set()
    compounds: set[str] = set()
    for t in texts:
        found = _WORD.findall(t)
        # Fragments of words cut at line ends would vouch for themselves: leave line edges out.
        for w in found[1:-1] if t.rstrip().endswith("-") else found[1:]:
            w = w.lower()
            (compounds if "-" in w else words).add(w)
            words.update(w.split("-"))
    return words, compounds


def _soft(left: str, right: str, words: set[str], compounds: set[str]) -> bool:
    """Whether a line-end hyphen between left and right is the typesetter's (drop it)."""
    last = left.lower().rsplit("-", 1)[-1]
    r = right.lower()
    if f"{last}-{r}" in compounds or f"{left.lower()}-{r}" in compounds:
        return False
    if last + r in words:
        return True
    if last in _KEEP_AFTER:
        return False
    singular = {r, r.rstrip("s"), r[:-2] if r.endswith("es") else r}
    return not (len(last) >= 3 and last in words and singular & words)


def dehyphenate(lines: list[str], words: set[str], compounds: set[str]) -> list[str]:
    """Rejoin words cut at line ends: the tail moves up to the line holding the head."""
    out = list(lines)
    for i in range(len(out) - 1):
        m = _HYPHEN_END.search(out[i])
        if not m:
            continue
        j = next((k for k in range(i + 1, len(out)) if out[k].strip()), None)
        if j is None:
            continue
        n = _NEXT_WORD.match(out[j])
        if not n:
            continue
        tail, rest = n.group(1), n.group(2)
        # keep trailing punctuation with the word
        pm = re.match(r"^([^\sA-Za-z]*)(.*)$", rest)
        punct, rest = (pm.group(1), pm.group(2)) if pm else ("", rest)
        joiner = "" if _soft(m.group(1), tail, words, compounds) else "-"
        out[i] = out[i][:-1] + joiner + tail + punct
        out[j] = rest.lstrip()
    return out



def dehyphenate_text(text: str) -> str:
    """`dehyphenate` over the lines of a text, keeping its line count (line numbers stay right)."""
    if not _LINE_END_HYPHEN.search(text):
        return text
    lines = text.split("\n")
    stripped = [ln.rstrip() for ln in lines]
    words, compounds = vocabulary([" ".join(ln.split()) for ln in stripped])
    out = dehyphenate(stripped, words, compounds)
    return "\n".join(new if new != old else orig for new, old, orig in zip(out, stripped, lines, strict=True))
