"""Amounts of money in figures and in Chinese capital numerals (大写), as official documents use.

``amount_in_capitals(Decimal("1050000.00"))`` is ``"壹佰零伍万元整"`` and
``format_amount(Decimal("1050000.00"))`` is ``"¥1,050,000.00"``.

Accepted amounts: a ``Decimal`` (or an ``int``) that is finite, at least 0, below 10^12 yuan and
whose *value* has at most two decimal places (``Decimal("1.500")`` is 1.5 and accepted,
``Decimal("1.505")`` is not). Anything else raises ``ValueError`` (floats too: they cannot hold
cents exactly).

The conventions, one of each where the rules of the People's Bank of China allow a choice:

- The integer part is read in sections of four digits, 亿 / 万 / units, each written with the
  units 仟佰拾 (``拾`` always has its digit: 10 is 壹拾元整, 100 000 is 壹拾万元整).
- Inside a section, a run of zeros between two non-zero digits is one 零 (1001 → 壹仟零壹,
  1010 → 壹仟零壹拾); zeros at the end of a section are not written (20 000 → 贰万).
- Across sections, one 零 is written before a non-empty section when a section between it and
  the higher part was skipped (1 0000 1000 → 壹亿零壹仟) or when it starts with zeros
  (1000 0100 → 壹仟万零壹佰, 1 0001 0000 → 壹亿零壹万). Never two 零 in a row, never a 零
  before 元, 万 or 亿, never a 零 at the end.
- Jiao after a yuan part ending in zeros gets no 零: 3 000.50 → 叁仟元伍角 (not 叁仟元零伍角).
- Fen without jiao after a yuan part gets the required 零: 3.05 → 叁元零伍分.
- Below one yuan the 零元 is not written: 0.50 → 伍角, 0.05 → 伍分, 0.55 → 伍角伍分; zero itself is
  零元整.
- 整 exactly when there are neither jiao nor fen (1.00 → 壹元整); never after 角 or 分.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

DIGITS = "零壹贰叁肆伍陆柒捌玖"
ZERO = DIGITS[0]
SECTION_UNITS = ("", "万", "亿")  # units, ten-thousands, hundred-millions
MAX_AMOUNT = Decimal(10) ** 12  # exclusive: 9 999 9999 9999.99 is the largest amount


def amount_in_cents(amount: Decimal | int) -> int:
    """The amount as a whole number of fen, after checking it is a valid amount (see module doc)."""
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        raise ValueError(_("An amount must be a decimal number."))
    amount = Decimal(amount)
    if not amount.is_finite():
        raise ValueError(_("An amount must be a finite number."))
    if amount < 0 or amount >= MAX_AMOUNT:
        raise ValueError(_("An amount must be at least 0 and below one trillion yuan."))
    _sign, digits, exponent = amount.as_tuple()
    significand = int("".join(map(str, digits)))
    if significand == 0:
        return 0  # any exponent: 0E+5 and 0.000 are both zero
    # Exact integer arithmetic: Decimal multiplication would round to the context's precision.
    shift = exponent + 2  # the significand's exponent in fen; at most 14 given the bound above
    if shift >= 0:
        return significand * 10**shift
    dropped = digits[shift:]
    if len(dropped) >= len(digits) or any(dropped):
        raise ValueError(_("An amount can have at most two decimal places (fen)."))
    return significand // 10**-shift


def _section_in_capitals(value: int) -> str:
    """Four digits (1..9999), no leading 零: one 零 per inner run of zeros, none at the end."""
    text = []
    pending_zero = False
    for power, unit in ((1000, "仟"), (100, "佰"), (10, "拾"), (1, "")):
        digit = value // power % 10
        if digit == 0:
            pending_zero = bool(text)  # only between non-zero digits; dropped if none follows
            continue
        if pending_zero:
            text.append(ZERO)
            pending_zero = False
        text.append(DIGITS[digit] + unit)
    return "".join(text)


def _yuan_in_capitals(yuan: int) -> str:
    """The integer part (1 .. 10^12 - 1) without 元."""
    sections = [yuan // 10**8, yuan // 10**4 % 10**4, yuan % 10**4]  # 亿, 万, units
    text = []
    pending_zero = False
    for value, unit in zip(sections, reversed(SECTION_UNITS), strict=True):
        if value == 0:
            pending_zero = bool(text)  # a skipped section inside the number
            continue
        if text and (pending_zero or value < 1000):
            text.append(ZERO)  # a skipped section, or this one starts with zeros
        text.append(_section_in_capitals(value) + unit)
        pending_zero = False
    return "".join(text)


def amount_in_capitals(amount: Decimal | int) -> str:
    """The amount in Chinese capital numerals: ``Decimal("3000.50")`` → ``"叁仟元伍角"``."""
    cents = amount_in_cents(amount)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    if cents == 0:
        return ZERO + "元整"
    text = _yuan_in_capitals(yuan) + "元" if yuan else ""
    if jiao == 0 and fen == 0:
        return text + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif yuan:
        text += ZERO  # 叁元零伍分: the zero jiao between yuan and fen is written
    if fen:
        text += DIGITS[fen] + "分"
    return text


def format_amount(amount: Decimal | int) -> str:
    """The amount in figures as documents print it: ``Decimal("1050000")`` → ``"¥1,050,000.00"``."""
    cents = amount_in_cents(amount)
    return f"¥{cents // 100:,}.{cents % 100:02d}"


def amount_in_wan(amount: Decimal | int) -> str:
    """The amount in units of 10,000 yuan (万元), without trailing zeros: 1050000 → ``"105"``.

    At most six decimals are shown, so 0.01 yuan is ``"0.000001"``; thousands are grouped
    (``"1,200"`` for 12,000,000).
    """
    cents = amount_in_cents(amount)
    wan = (Decimal(cents) / Decimal(1_000_000)).quantize(Decimal("0.000001"))
    text = f"{wan:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
