"""How wide text is when shown: on a printed page (to tell wrapped lines) and in a terminal."""

from __future__ import annotations

import unicodedata


def display_width(text: str, *, ambiguous: int = 1) -> int:
    """Columns `text` takes: East Asian wide and full-width characters count two.

    `ambiguous` is the width of East Asian ambiguous characters (curly quotes, "…"):
    one in a terminal, two on a Chinese page, where they are set full width.
    """
    if text.isascii():
        return len(text)
    width = 0
    for ch in text:
        if ch.isascii():
            width += 1
            continue
        if unicodedata.combining(ch):
            continue
        kind = unicodedata.east_asian_width(ch)
        width += 2 if kind in ("W", "F") else ambiguous if kind == "A" else 1
    return width
