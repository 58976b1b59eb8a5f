"""Numerals: Arabic, full-width and Chinese numerals to Python numbers.

`NUMBER` is the regular-expression source for one numeral as written in a document;
`parse_number` turns such a numeral (optionally followed by a scale word such as 万 or 亿)
into a float. Nothing here looks at units or context.
"""

from __future__ import annotations

import re

FULLWIDTH = str.maketrans("０１２３４５６７８９．，％", "0123456789.,%")

DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5,
          "陆": 6, "柒": 7, "捌": 8, "玖": 9}
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}

CN_DIGIT = "零〇○一二两三四五六七八九壹贰叁肆伍陆柒捌玖"
CN_SMALL = "十拾百佰千仟"

#: An Arabic number (ASCII or full-width) with optional thousands separators and decimals.
ARABIC = r"[0-9０-９]+(?:[,，][0-9０-９]{3})*(?:[.．][0-9０-９]+)?"
#: A Chinese numeral: at least one digit or 十, optionally with 点 decimals and 万/亿 inside.
CHINESE = rf"(?:[{CN_DIGIT}十拾][{CN_DIGIT}{CN_SMALL}万亿]*(?:点[{CN_DIGIT}]+)?)"
#: An Arabic number followed by Chinese scale words (2.4万, 3千, 1.2亿, 3.5万亿).
NUMBER = rf"(?:{ARABIC}(?:[千万亿]|万亿)?|{CHINESE})"

_ARABIC_RE = re.compile(rf"^({ARABIC})([千百万亿]*)$")


def _chinese_section(s: str) -> int:
    """Value of a numeral below 万 written with 十/百/千 (e.g. 三千五百, 十二, 一百零五)."""
    total, digit = 0, None
    for ch in s:
        if ch in "零〇○":
            digit = None  # a placeholder: 一百零五, 一千零十
        elif ch in DIGITS:
            digit = DIGITS[ch]
        elif ch in SMALL_UNITS:
            total += (1 if digit is None else digit) * SMALL_UNITS[ch]
            digit = None
        else:
            raise ValueError(f"not a Chinese numeral: {s!r}")
    return total + (digit or 0)


def _chinese_integer(s: str) -> float:
    """Value of a Chinese integer numeral, including 万 and 亿 sections."""
    if len(s) > 1 and s[0] == "零":
        s = s.lstrip("零")  # 一亿零一万: the 零 only marks an empty place
    if s and not any(ch in SMALL_UNITS or ch in "万亿" for ch in s):
        # a digit-by-digit numeral such as 二〇二四 (two digits, 一一, are not a number)
        if len(s) < 3:
            if len(s) == 1:
                return float(DIGITS[s])
            raise ValueError(f"not a numeral: {s!r}")
        return float("".join(str(DIGITS[ch]) for ch in s))
    total = 0.0
    for big, factor in (("亿", 1e8), ("万", 1e4)):
        if big in s:
            head, s = s.split(big, 1)
            total += (_chinese_integer(head) if head else 1) * factor
    return total + (_chinese_section(s) if s else 0)


def _scale(words: str) -> float:
    factor = 1.0
    for ch in words:
        factor *= {"千": 1e3, "百": 1e2, "万": 1e4, "亿": 1e8}[ch]
    return factor


def parse_number(text: str) -> float:
    """Turn a numeral as written into a float.

    Handles Arabic (``1,234.5``), full-width (``２０２３``), mixed (``2.4万``, ``3.5万亿``,
    ``3千``) and Chinese numerals (``三千五百``, ``两万``, ``十二``, ``一百零五``, ``三点五``,
    ``二〇二四``). Raises ``ValueError`` for anything else.
    """
    s = text.strip().translate(FULLWIDTH)
    if not s:
        raise ValueError("empty numeral")
    m = _ARABIC_RE.match(s)
    if m:
        return float(m.group(1).replace(",", "").replace("，", "")) * _scale(m.group(2))
    if "点" in s:
        whole, frac = s.split("点", 1)
        tail = re.match(r"^([零〇○一二两三四五六七八九]+)([万亿]*)$", frac)
        if not tail:
            raise ValueError(f"not a numeral: {text!r}")
        base = _chinese_integer(whole) if whole else 0.0
        decimals = float("0." + "".join(str(DIGITS[c]) for c in tail.group(1)))
        return (base + decimals) * _scale(tail.group(2))
    if not all(ch in DIGITS or ch in SMALL_UNITS or ch in "万亿" for ch in s):
        raise ValueError(f"not a numeral: {text!r}")
    return _chinese_integer(s)


FRACTION = re.compile(r"([一二两三四五六七八九十百]+)分之([一二两三四五六七八九十]+)")


def parse_fraction(text: str) -> float:
    """Value in percent of a Chinese fraction or share: 三分之一 → 33.33, 两成 → 20, 百分之五 → 5."""
    s = text.strip()
    m = FRACTION.fullmatch(s)
    if m:
        return parse_number(m.group(2)) / parse_number(m.group(1)) * 100
    m = re.fullmatch(rf"({NUMBER})成", s)
    if m:
        return parse_number(m.group(1)) * 10
    raise ValueError(f"not a fraction: {text!r}")
