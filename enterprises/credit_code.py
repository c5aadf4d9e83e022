"""The unified social credit code (统一社会信用代码, GB 32100-2015).

18 characters from a 31-character alphabet; the 18th is a check character computed from the
first 17 with fixed weights. ``normalise`` tidies what people paste; ``validate`` says exactly
what is wrong.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18
_INDEX = {char: i for i, char in enumerate(ALPHABET)}


def normalise(value: str) -> str:
    """Strip, drop inner spaces and hyphens, upper-case: ``' 9151 0100-ma61r2x84j '``."""
    return "".join(ch for ch in str(value) if not ch.isspace() and ch != "-").upper()


def check_character(first17: str) -> str:
    """The check character for the first 17 characters (which must be in the alphabet)."""
    total = sum(_INDEX[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    remainder = 31 - total % 31
    return ALPHABET[0 if remainder == 31 else remainder]


def validate(value: str) -> str:
    """Return the normalised code, or raise ``ValidationError`` naming what is wrong."""
    code = normalise(value)
    if len(code) != LENGTH:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d.")
            % {"count": len(code)},
            code="length",
        )
    for position, char in enumerate(code, start=1):
        if char not in _INDEX:
            raise ValidationError(
                _(
                    "Character %(position)d (%(char)s) is not allowed: a credit code uses digits "
                    "and the capital letters A-Y except I, O, S, V and Z."
                )
                % {"position": position, "char": char},
                code="character",
            )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _(
                "The check character does not match: the last character should be %(expected)s, "
                "not %(actual)s. Please check the code for a typing error."
            )
            % {"expected": expected, "actual": code[17]},
            code="check",
        )
    return code


def is_valid(value: str) -> bool:
    try:
        validate(value)
    except ValidationError:
        return False
    return True
