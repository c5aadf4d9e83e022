"""Amounts of money as people read them: 300万元 in Chinese, CNY 3 million in English.

Figures are stored in 万元 (units of 10,000 yuan). Chinese readers expect 万元, as policy documents
write them; English readers expect a currency code and a plain number
("CNY 3 million", "CNY 250,000"), never a count of ten-thousands.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import get_language


def _plain(number: Decimal) -> str:
    """At most two decimals, no trailing zeros, no exponent."""
    return f"{number.quantize(Decimal('0.01')).normalize():f}"


def format_wan(value, language: str | None = None) -> str:
    """An amount given in 万元, in the words of ``language`` (the active one by default)."""
    if value is None or value == "":
        return ""
    wan = Decimal(str(value))
    language = language or get_language() or "zh-hans"
    if language.startswith("en"):
        yuan = wan * 10000
        if abs(yuan) >= 1_000_000:
            millions = f"{(yuan / 1_000_000).normalize():f}"  # exact: at most 4 decimals
            return f"CNY {millions} million"
        exact = Decimal("1") if yuan == yuan.to_integral_value() else Decimal("0.01")
        return f"CNY {yuan.quantize(exact):,}"
    return f"{_plain(wan)}万元"


def format_yuan(amount, language: str | None = None) -> str:
    """An amount given in yuan (a programme's maximum, an award), read in 万元 as above."""
    if amount is None or amount == "":
        return ""
    return format_wan(Decimal(str(amount)) / 10000, language)
