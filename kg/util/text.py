"""How wide text is when shown: on a printed page (to tell wrapped lines) and in a terminal."""

from __future__ import annotations

import unicodedata


class _Widths(dict):
    """Columns of each character met so far (one table per width of ambiguous characters)."""

    def __init__(self, ambiguous: int) -> None:
        super().__init__()
        self.ambiguous = ambiguous

    def __missing__(self, ch: str) -> int:
        if ch.isascii():
            width = 1
        elif unicodedata.combining(ch):
            width = 0
        else:
            kind = unicodedata.east_asian_width(ch)
            width = 2 if kind in ("W", "F") else self.ambiguous if kind == "A" else 1
        self[ch] = width
        return width


_TABLES: dict[int, _Widths] = {}


def display_width(text: str, *, ambiguous: int = 1) -> int:
    """Columns `text` takes: East Asian wide and full-width characters count two.

    `ambiguous` is the width of East Asian ambiguous characters (curly quotes, "…"):
    one in a terminal, two on a Chinese page, where they are set full width.
    Widths are looked up in a table per character (summed in C), as a page's lines are measured
    by the tens of thousands in a build.
    """
    if text.isascii():
        return len(text)
    table = _TABLES.get(ambiguous)
    if table is None:
        table = _TABLES[ambiguous] = _Widths(ambiguous)
    return sum(map(table.__getitem__, text))
