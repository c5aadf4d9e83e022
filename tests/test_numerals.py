"""Chinese capital numerals (大写) for amounts: a hand-checked table and properties over the range.

The properties check the writer against an independent parser written here (capitals → Decimal)
and against the zero rules stated as patterns of the digits, not as the writer's algorithm.
"""

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.numerals import amount_in_capitals, amount_in_cents, format_amount

# --- Hand-checked cases ----------------------------------------------------------------------
# (PBOC) marks the examples of the People's Bank of China's payment settlement rules, written in
# the variant this module chose where the rules allow two (no 零 between 元 and 角, none after a
# section that ends in zeros).
CASES = [
    # zero and amounts below one yuan: no 零元
    ("0", "零元整"),
    ("0.00", "零元整"),
    ("0.01", "壹分"),
    ("0.05", "伍分"),
    ("0.1", "壹角"),
    ("0.50", "伍角"),
    ("0.55", "伍角伍分"),
    ("0.90", "玖角"),
    # jiao and fen after yuan; 整 only without both
    ("1", "壹元整"),
    ("1.00", "壹元整"),
    ("1.01", "壹元零壹分"),
    ("3.05", "叁元零伍分"),
    ("3.50", "叁元伍角"),
    ("3.55", "叁元伍角伍分"),
    ("10.5", "壹拾元伍角"),
    ("10.05", "壹拾元零伍分"),
    ("3000.50", "叁仟元伍角"),  # the zone's worked example
    ("1680.32", "壹仟陆佰捌拾元叁角贰分"),  # (PBOC)
    ("500000000.50", "伍亿元伍角"),
    ("1000000000.01", "壹拾亿元零壹分"),
    # 拾 always with its digit
    ("10", "壹拾元整"),
    ("11", "壹拾壹元整"),
    ("15", "壹拾伍元整"),
    ("20", "贰拾元整"),
    ("100000", "壹拾万元整"),
    ("1000000000", "壹拾亿元整"),
    # inside a section: one 零 per inner run of zeros, none at the end
    ("100", "壹佰元整"),
    ("101", "壹佰零壹元整"),
    ("110", "壹佰壹拾元整"),
    ("1000", "壹仟元整"),
    ("1001", "壹仟零壹元整"),
    ("1010", "壹仟零壹拾元整"),
    ("1100", "壹仟壹佰元整"),
    ("1409.50", "壹仟肆佰零玖元伍角"),  # (PBOC)
    ("6007.14", "陆仟零柒元壹角肆分"),  # (PBOC)
    # across the 万 boundary
    ("10000", "壹万元整"),
    ("10001", "壹万零壹元整"),
    ("10010", "壹万零壹拾元整"),
    ("10100", "壹万零壹佰元整"),
    ("11000", "壹万壹仟元整"),
    ("20000", "贰万元整"),
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),  # (PBOC)
    ("100010", "壹拾万零壹拾元整"),
    ("107000.53", "壹拾万柒仟元伍角叁分"),  # (PBOC), the variant without 零
    ("325000", "叁拾贰万伍仟元整"),
    ("1000000", "壹佰万元整"),
    ("1050000.00", "壹佰零伍万元整"),  # the zone's worked example
    ("10000000", "壹仟万元整"),
    ("10000100", "壹仟万零壹佰元整"),
    ("10001000", "壹仟万壹仟元整"),
    # across the 亿 boundary: a skipped section or one starting with zeros gets one 零
    ("100000000", "壹亿元整"),
    ("100000001", "壹亿零壹元整"),
    ("100001000", "壹亿零壹仟元整"),
    ("100010000", "壹亿零壹万元整"),
    ("101000000", "壹亿零壹佰万元整"),
    ("110000000", "壹亿壹仟万元整"),
    ("200000020", "贰亿零贰拾元整"),
    ("100000000000", "壹仟亿元整"),
    ("100100100100", "壹仟零壹亿零壹拾万零壹佰元整"),
    ("123456789012.34", "壹仟贰佰叁拾肆亿伍仟陆佰柒拾捌万玖仟零壹拾贰元叁角肆分"),
    ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    # other spellings of valid amounts
    ("1.500", "壹元伍角"),
    ("1E+3", "壹仟元整"),
    ("1E+11", "壹仟亿元整"),
    ("0E+20", "零元整"),
    ("-0.00", "零元整"),
]


@pytest.mark.parametrize(("amount", "expected"), CASES)
def test_hand_checked_amounts(amount, expected):
    assert amount_in_capitals(Decimal(amount)) == expected


def test_integers_are_accepted():
    assert amount_in_capitals(42) == "肆拾贰元整"
    assert format_amount(1050000) == "¥1,050,000.00"


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("1050000.00", "¥1,050,000.00"),
        ("3000.5", "¥3,000.50"),
        ("0", "¥0.00"),
        ("0.05", "¥0.05"),
        ("999", "¥999.00"),
        ("1000", "¥1,000.00"),
        ("999999999999.99", "¥999,999,999,999.99"),
        ("1E+3", "¥1,000.00"),
    ],
)
def test_format_amount(amount, expected):
    assert format_amount(Decimal(amount)) == expected


INVALID = [
    Decimal("-0.01"),
    Decimal("-1"),
    Decimal(10**12),
    Decimal("1000000000000.00"),
    Decimal("1E+12"),
    Decimal("0.001"),
    Decimal("1.005"),
    Decimal("1E-30"),
    Decimal("0.010000000000000000000000000000001"),  # beyond the default Decimal precision
    Decimal("NaN"),
    Decimal("sNaN"),
    Decimal("Infinity"),
    Decimal("-Infinity"),
    1.5,
    "100",
    True,
    None,
]


@pytest.mark.parametrize("amount", INVALID)
def test_invalid_amounts_raise(amount):
    with pytest.raises(ValueError):
        amount_in_capitals(amount)
    with pytest.raises(ValueError):
        format_amount(amount)


# --- An independent parser -------------------------------------------------------------------
DIGIT_VALUES = {ch: value for value, ch in enumerate("零壹贰叁肆伍陆柒捌玖")}
UNIT_VALUES = {"拾": 10, "佰": 100, "仟": 1000}
SECTION_VALUES = {"万": 10**4, "亿": 10**8}


def parse_capitals(text: str) -> Decimal:
    """Read capitals back into an amount; raises AssertionError on anything ill-formed."""
    assert text, "empty"
    if text.endswith("整"):
        text = text[:-1]
    assert "整" not in text
    yuan_text, has_yuan, rest = text.partition("元")
    if not has_yuan:
        yuan_text, rest = "", text
    total = section = 0
    digit = None
    for ch in yuan_text:
        if ch in DIGIT_VALUES:
            digit = DIGIT_VALUES[ch]
        elif ch in UNIT_VALUES:
            assert digit, f"{ch} without a digit"
            section += digit * UNIT_VALUES[ch]
            digit = None
        else:
            assert ch in SECTION_VALUES, ch
            section += digit or 0
            assert section, f"{ch} without a value"
            total += section * SECTION_VALUES[ch]
            section, digit = 0, None
    yuan = total + section + (digit or 0)
    fraction = re.fullmatch(r"零?(?:([壹贰叁肆伍陆柒捌玖])角)?(?:([壹贰叁肆伍陆柒捌玖])分)?", rest)
    assert fraction, rest
    jiao = DIGIT_VALUES[fraction[1]] if fraction[1] else 0
    fen = DIGIT_VALUES[fraction[2]] if fraction[2] else 0
    return Decimal(yuan) + Decimal(jiao) / 10 + Decimal(fen) / 100


def test_the_parser_reads_the_table():
    for amount, capitals in CASES:
        assert parse_capitals(capitals) == Decimal(amount)


# --- Properties over the whole range ---------------------------------------------------------
MAX_CENTS = 10**14 - 1


def _from_digits(digits):
    return int("".join(map(str, digits)))


# Uniform amounts almost never contain zeros; the other two strategies are mostly zeros, so every
# zero pattern (skipped sections, runs across 万 and 亿, zero jiao) comes up often.
cents_strategy = st.one_of(
    st.integers(min_value=0, max_value=MAX_CENTS),
    st.lists(st.sampled_from([0, 0, 0, 0, 0, 1, 2, 5, 9]), min_size=1, max_size=14).map(
        _from_digits
    ),
    st.lists(st.integers(min_value=0, max_value=13), max_size=4).map(
        lambda powers: sum({10**p for p in powers})
    ),
    st.sampled_from([0, 1, 10, 100, 10**6, 10**10, 10**13, MAX_CENTS]),
)
amounts = cents_strategy.map(lambda cents: Decimal(cents).scaleb(-2))


@settings(max_examples=1000)
@given(amounts)
def test_round_trip_through_the_independent_parser(amount):
    assert parse_capitals(amount_in_capitals(amount)) == amount


@given(amounts)
def test_only_the_allowed_characters(amount):
    assert set(amount_in_capitals(amount)) <= set("零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整")


@settings(max_examples=500)
@given(amounts)
def test_zero_placement(amount):
    text = amount_in_capitals(amount)
    assert "零零" not in text
    if text != "零元整":
        assert not re.search("零[元万亿角分整]", text), text
        assert not text.endswith("零")
        assert not text.startswith("零")
    # every unit has a non-zero digit of its own: 壹拾, never a bare 拾 nor 零拾
    assert not re.search("(?:^|[^壹贰叁肆伍陆柒捌玖])[拾佰仟角分]", text), text


@settings(max_examples=500)
@given(amounts)
def test_zheng_exactly_without_jiao_and_fen(amount):
    text = amount_in_capitals(amount)
    whole = amount_in_cents(amount) % 100 == 0
    assert text.endswith("整") == whole
    assert text.count("整") == (1 if whole else 0)
    assert ("角" in text or "分" in text) == (not whole)
    assert ("元" in text) == (amount >= 1 or whole)


def expected_zeros_in_yuan(yuan: int) -> int:
    """How many 零 the zero rules put into the integer part, read off its digits.

    Each run of zeros followed by a non-zero digit is read as one 零, except a run that ends on
    the last digit of a non-empty 万 or 亿 section (壹拾万柒仟: zeros at the end of a section).
    """
    digits = str(yuan)
    count = 0
    for match in re.finditer("0+(?=[1-9])", digits):
        last_power = len(digits) - match.end()  # power of ten of the run's last zero
        if last_power in (4, 8):
            section = yuan // 10**last_power % 10**4
            if section:
                continue
        count += 1
    return count


@settings(max_examples=1000)
@given(amounts)
def test_number_of_zeros_follows_the_rules(amount):
    cents = amount_in_cents(amount)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    text = amount_in_capitals(amount)
    yuan_text, _, fraction_text = text.partition("元")
    if yuan:
        assert yuan_text.count("零") == expected_zeros_in_yuan(yuan), text
    # the 零 between yuan and fen is written exactly when there is a yuan part and no jiao
    assert fraction_text.startswith("零") == bool(yuan and not jiao and fen), text


@given(amounts)
def test_format_amount_reads_back(amount):
    text = format_amount(amount)
    assert re.fullmatch(r"¥\d{1,3}(?:,\d{3})*\.\d{2}", text), text
    assert Decimal(text[1:].replace(",", "")) == amount


invalid_amounts = st.one_of(
    st.decimals(max_value=Decimal("-0.01"), allow_nan=False, allow_infinity=False, places=2),
    st.decimals(min_value=Decimal(10**12), allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=MAX_CENTS * 10)
    .filter(lambda m: m % 10)
    .map(lambda mills: Decimal(mills).scaleb(-3)),
    st.integers(max_value=-1),
    st.integers(min_value=10**12),
    st.floats(),
    st.text(max_size=5),
)


@given(invalid_amounts)
def test_invalid_amounts_always_raise(amount):
    with pytest.raises(ValueError):
        amount_in_capitals(amount)


def test_every_amount_below_one_hundred_thousand_yuan_exhaustively():
    """Every whole amount 0..99 999 yuan (all zero patterns of one 万 boundary), no sampling."""
    for yuan in range(100_000):
        text = amount_in_capitals(yuan)
        assert parse_capitals(text) == yuan, text
        if yuan:
            assert text.count("零") == expected_zeros_in_yuan(yuan), text
        assert "零零" not in text


def test_every_jiao_and_fen_after_every_yuan_ending():
    """All 100 fractions after yuan parts ending in each zero pattern, and after none."""
    for yuan in (0, 1, 10, 100, 1000, 10000, 10**8, 10**8 + 1, 10**11):
        for cents in range(100):
            amount = Decimal(yuan * 100 + cents).scaleb(-2)
            assert parse_capitals(amount_in_capitals(amount)) == amount
