"""parse_number and parse_fraction: a table of written forms, and property tests.

The Chinese property tests write numerals with a small int → Chinese writer of their own
(`to_chinese`, below), independent of zhibiao.extract.numbers, and check that parsing gives the
number back.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from zhibiao.extract.numbers import parse_fraction, parse_number

NUMBERS = [
    # Arabic
    ("0", 0),
    ("7", 7),
    ("2323.54", 2323.54),
    ("0.48", 0.48),
    ("  42 ", 42),
    # full-width
    ("２０２３", 2023),
    ("１２．５", 12.5),
    ("１，２３４", 1234),
    # thousands separators (ASCII and full-width comma)
    ("1,234.5", 1234.5),
    ("12,345,678", 12345678),
    ("1，234", 1234),
    # Chinese
    ("三千五百", 3500),
    ("两万", 20000),
    ("十二", 12),
    ("一十二", 12),
    ("一百零五", 105),
    ("二十", 20),
    ("一千零一十", 1010),
    ("三点五", 3.5),
    ("零点五", 0.5),
    ("十万", 100000),
    ("一万五千亿", 1.5e12),
    ("三千八百六十二点五二亿", 386252000000),
    ("一亿零一", 100000001),
    ("三亿零五百万", 305000000),
    ("两千", 2000),
    ("二〇二四", 2024),
    ("壹佰贰拾叁", 123),
    # Arabic with a scale word
    ("2.4万", 24000),
    ("1.2亿", 120000000),
    ("3千", 3000),
    ("3.5万亿", 3.5e12),
    ("１．２亿", 120000000),
]


@pytest.mark.parametrize(("text", "expected"), NUMBERS)
def test_parse_number(text, expected):
    assert math.isclose(parse_number(text), expected, rel_tol=1e-12, abs_tol=1e-12)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一亿零一万", 100010000),
        ("一千零十", 1010),
    ],
)
def test_parse_number_zero_placeholders(text, expected):
    assert parse_number(text) == expected


INVALID = ["", "   ", "abc", "1.2.3", "12a", "1,23", "12.", ".5", "三点", "一一", "廿", "%", "亿元",
           "3.5%", "第一", "2024年"]


@pytest.mark.parametrize("text", INVALID)
def test_parse_number_rejects(text):
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("三分之一", 100 / 3), ("四分之三", 75), ("十分之一", 10), ("百分之五", 5), ("五分之一", 20),
     ("两成", 20), ("五成", 50), ("七成", 70), ("1.5成", 15)],
)
def test_parse_fraction(text, expected):
    assert math.isclose(parse_fraction(text), expected, rel_tol=1e-9)


@pytest.mark.parametrize("text", ["", "三分之", "成", "分之一", "三成半", "一半"])
def test_parse_fraction_rejects(text):
    with pytest.raises(ValueError):
        parse_fraction(text)


# --- an independent int → Chinese numeral writer -------------------------------------------

_CN_DIGITS = "零一二三四五六七八九"


def _section(n: int, leading: bool) -> str:
    """0 < n < 10000 in Chinese; ``leading`` allows the short 十X form for 10–19."""
    out = []
    zero = False
    for power, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // power % 10
        if d == 0:
            zero = bool(out)  # a 零 is written only between non-zero digits
            continue
        if zero:
            out.append("零")
            zero = False
        if unit == "十" and d == 1 and leading and not out:
            out.append("十")
        else:
            out.append(_CN_DIGITS[d] + unit)
    return "".join(out)


def _write(n: int, leading: bool) -> str:
    if n >= 10**8:
        head, rest = divmod(n, 10**8)
        text = _write(head, leading) + "亿"
        if rest:
            text += ("零" if rest < 10**7 else "") + _write(rest, leading=False)
        return text
    if n >= 10**4:
        head, rest = divmod(n, 10**4)
        text = _section(head, leading) + "万"
        if rest:
            text += ("零" if rest < 1000 else "") + _section(rest, leading=False)
        return text
    return _section(n, leading)


def to_chinese(n: int) -> str:
    """Standard Chinese numeral for n >= 0: 12345 → 一万二千三百四十五, 105 → 一百零五, 1010 → 一千零一十."""
    return "零" if n == 0 else _write(n, leading=True)


@pytest.mark.parametrize(
    ("n", "text"),
    [(12345, "一万二千三百四十五"), (105, "一百零五"), (12, "十二"), (110, "一百一十"), (1010, "一千零一十"),
     (100000, "十万"), (100001, "十万零一"), (20000, "二万"), (100000001, "一亿零一"),
     (100100000, "一亿零一十万"), (1500000000000, "一万五千亿"), (10**12, "一万亿")],
)
def test_writer(n, text):
    """The test's own writer, checked against hand-written numerals."""
    assert to_chinese(n) == text


@given(st.integers(min_value=0, max_value=10**12))
@example(10**12)
@example(100000001)
@example(12345)
@example(100010000)
def test_chinese_integers_round_trip(n):
    text = to_chinese(n)
    assert parse_number(text) == n, text


@given(st.integers(min_value=0, max_value=10**12))
@example(1234567)
def test_arabic_integers_round_trip(n):
    assert parse_number(str(n)) == n
    assert parse_number(f"{n:,}") == n


@given(st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False))
@example(Decimal("2323.54"))
def test_arabic_decimals_round_trip(d):
    text = format(abs(d), "f")
    assert parse_number(text) == float(text)
    whole, _, frac = text.partition(".")
    with_commas = f"{int(whole):,}" + (f".{frac}" if frac else "")
    assert parse_number(with_commas) == float(text)


_TO_FULLWIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


@given(st.one_of(
    st.integers(min_value=0, max_value=10**12).map(str),
    st.integers(min_value=0, max_value=10**12).map(lambda n: f"{n:,}"),
    st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False,
                allow_infinity=False).map(lambda d: format(abs(d), "f")),
))
def test_fullwidth_parses_like_ascii(text):
    assert parse_number(text.translate(_TO_FULLWIDTH)) == parse_number(text)


@given(st.integers(min_value=0, max_value=99999), st.integers(min_value=0, max_value=9999),
       st.sampled_from(["", "万", "亿"]))
def test_chinese_decimals_round_trip(whole, frac, scale):
    digits = str(frac).rjust(4, "0").rstrip("0") or "0"
    text = to_chinese(whole) + "点" + "".join(_CN_DIGITS[int(c)] for c in digits) + scale
    expected = float(f"{whole}.{digits}") * {"": 1, "万": 1e4, "亿": 1e8}[scale]
    assert math.isclose(parse_number(text), expected, rel_tol=1e-12), text


@given(st.decimals(min_value=0, max_value=10**5, places=2, allow_nan=False, allow_infinity=False),
       st.sampled_from([("千", 1e3), ("万", 1e4), ("亿", 1e8), ("万亿", 1e12)]))
def test_arabic_with_scale_word(d, scale):
    word, factor = scale
    text = format(abs(d), "f")
    assert math.isclose(parse_number(text + word), float(text) * factor, rel_tol=1e-12, abs_tol=1e-9)


@given(st.integers(min_value=2, max_value=99), st.data())
def test_fractions_round_trip(den, data):
    num = data.draw(st.integers(min_value=1, max_value=min(den - 1, 99)))
    text = f"{to_chinese(den)}分之{to_chinese(num)}"
    assert math.isclose(parse_fraction(text), num / den * 100, rel_tol=1e-9), text


_NUMERAL_CHARS = set("0123456789０１２３４５６７８９.,，．％%"
                     "零〇○一二两三四五六七八九壹贰叁肆伍陆柒捌玖十拾百佰千仟万亿点")


@given(st.text(min_size=1, max_size=12))
def test_strings_with_other_characters_are_rejected(text):
    assume(any(ch not in _NUMERAL_CHARS and not ch.isspace() for ch in text))
    with pytest.raises(ValueError):
        parse_number(text)
