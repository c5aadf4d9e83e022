"""The unified social credit code validator (GB 32100-2015)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import assume, given
from hypothesis import strategies as st

from enterprises.credit_code import ALPHABET, check_character, is_valid, normalise, validate


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91510100MA61R2X84J", "91110000600037341L"])
def test_the_published_examples_are_valid(code):
    assert validate(code) == code


def test_a_wrong_check_character_is_named():
    with pytest.raises(ValidationError) as caught:
        validate("915101006863458489")
    message = caught.value.messages[0]
    assert "check character" in message
    assert "should be" in message and "not 9" in message
    assert caught.value.code == "check"


@pytest.mark.parametrize(
    ("pasted", "clean"),
    [
        (" 91510100ma61r2x84j ", "91510100MA61R2X84J"),
        ("9151 0100 MA61 R2X8 4J", "91510100MA61R2X84J"),
        ("91510100-MA61R2X84J\n", "91510100MA61R2X84J"),
    ],
)
def test_pasted_codes_are_normalised_before_validation(pasted, clean):
    assert normalise(pasted) == clean
    assert validate(pasted) == clean


@pytest.mark.parametrize(
    ("code", "kind", "fragment"),
    [
        ("9151010", "length", "this one has 7"),
        ("91510100MA61R2X84JX", "length", "this one has 19"),
        ("", "length", "this one has 0"),
        ("91510100MA61R2XO4J", "character", "Character 16 (O)"),
        ("91510100MA61R2X84I", "character", "Character 18 (I)"),
        ("9151010?MA61R2X84J", "character", "Character 8 (?)"),
        ("Z1510100MA61R2X84J", "character", "Character 1 (Z)"),
    ],
)
def test_each_kind_of_mistake_gets_its_own_message(code, kind, fragment):
    with pytest.raises(ValidationError) as caught:
        validate(code)
    assert caught.value.code == kind
    assert fragment in caught.value.messages[0]


def test_messages_are_translated():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        validate("915101006863458489")
    assert "校验码不符" in caught.value.messages[0]


body = st.text(alphabet=ALPHABET, min_size=17, max_size=17)


@given(body)
def test_every_code_with_its_check_character_is_valid(first17):
    code = first17 + check_character(first17)
    assert is_valid(code)
    assert is_valid(code.lower())


@given(body, st.sampled_from(ALPHABET))
def test_any_other_last_character_is_refused(first17, last):
    assume(last != check_character(first17))
    assert not is_valid(first17 + last)


@given(body, st.integers(0, 16), st.sampled_from(ALPHABET))
def test_a_single_changed_character_is_caught(first17, position, replacement):
    """The weighted check detects every single-character substitution."""
    code = first17 + check_character(first17)
    assume(code[position] != replacement)
    changed = code[:position] + replacement + code[position + 1 :]
    assert not is_valid(changed)


@given(st.text(max_size=30))
def test_arbitrary_input_never_crashes(text):
    try:
        code = validate(text)
    except ValidationError as exc:
        assert exc.code in {"length", "character", "check"}
    else:
        assert len(code) == 18 and set(code) <= set(ALPHABET)
