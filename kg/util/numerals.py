"""Chinese and Roman numerals, as UN documents print them (第十四段, PC.III, item (iv))."""

from __future__ import annotations

CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
CN_NUMERALS = "一二三四五六七八九十"

_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
_ROMAN_VALUE = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def cn_to_int(s: str) -> int | None:
    """Chinese numerals up to 99 ("六" → 6, "十四" → 14) or Arabic digits; None for anything else."""
    s = s.strip()
    if s.isdigit():
        return int(s)
    if not s or any(ch not in CN_DIGITS and ch != "十" for ch in s):
        return None
    if "十" in s:
        tens, _, units = s.partition("十")
        if (tens and tens not in CN_DIGITS) or (units and units not in CN_DIGITS):
            return None
        return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[units] if units else 0)
    return CN_DIGITS[s] if len(s) == 1 else None


def to_roman(n: int, *, upper: bool = True) -> str:
    """1 → "I" (or "i"): list labels print lower case, session numbers upper case."""
    out = []
    for value, sym in _ROMAN:
        while n >= value:
            out.append(sym)
            n -= value
    text = "".join(out)
    return text if upper else text.lower()


def roman_value(s: str, *, letters: str = "IVXLCDM") -> int | None:
    """A well-formed Roman numeral's value, in either case; None when `s` is not one.

    `letters` narrows what counts: a list label "c" or "d" is a letter, not 100 or 500,
    so the parser passes "IVXL".
    """
    up = s.upper()
    if not up or any(ch not in letters.upper() for ch in up):
        return None
    total, prev = 0, 0
    for ch in reversed(up):
        v = _ROMAN_VALUE[ch]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total if total and to_roman(total) == up else None


def int_to_cn(n: int) -> str:
    """0–99 in Chinese numerals (14 → "十四"), as in 第十四届会议."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")


_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
             "eleventh", "twelfth")


def ordinal_en(n: int) -> str:
    """1 → "first", as in "First session"; numerals past the table as "13th"."""
    return _ORDINALS[n - 1] if 0 < n <= len(_ORDINALS) else f"{n}th"
