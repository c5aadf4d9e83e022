"""The eligibility criteria object: what is accepted, what is refused and why."""

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from policies.criteria import ALL_KEYS, Criteria, CriteriaError, ReferenceCodes


@pytest.fixture(autouse=True)
def english():
    """These tests read the messages in English (the Chinese catalogue is tested elsewhere)."""
    with translation.override("en"):
        yield


REFERENCE = ReferenceCodes(
    industry_divisions=frozenset({"I65", "C39", "C27", "M73"}),
    areas=frozenset({"south", "west", "east", "biotown"}),
    qualifications=frozenset({"hnte", "tsme", "srdi", "gazelle"}),
)


def test_the_interfaces_example_is_accepted_and_round_trips():
    data = {
        "industries": ["I65", "C39"],
        "areas": ["south", "west"],
        "sizes": ["micro", "small", "medium"],
        "qualifications_all": ["hnte"],
        "qualifications_any": [],
        "min_years_established": 1,
        "min_rd_ratio": 3.0,
        "min_revenue_wan": 500,
        "max_revenue_wan": None,
        "min_employees": None,
        "requires_good_credit": True,
    }
    criteria = Criteria.parse(data, REFERENCE)
    assert criteria.min_rd_ratio == Decimal("3.0")
    assert criteria.to_dict() == data
    assert criteria.restricted_keys() == [
        "industries",
        "areas",
        "sizes",
        "qualifications_all",
        "min_years_established",
        "min_rd_ratio",
        "min_revenue_wan",
        "requires_good_credit",
    ]


@pytest.mark.parametrize("empty", [None, {}, {"industries": [], "min_rd_ratio": None}])
def test_absent_null_and_empty_mean_no_restriction(empty):
    criteria = Criteria.parse(empty, REFERENCE)
    assert criteria.is_open_to_all
    assert criteria.restricted_keys() == []


def test_deeper_industry_codes_are_accepted_under_a_known_division():
    assert Criteria.parse({"industries": ["C3973", "I6513"]}, REFERENCE).industries == (
        "C3973",
        "I6513",
    )


@pytest.mark.parametrize(
    ("data", "key", "fragment"),
    [
        ({"industries": ["Z99"]}, "industries", "not a GB/T 4754 code"),
        ({"industries": ["I6"]}, "industries", "not a GB/T 4754 code"),
        ({"industries": ["i65"]}, "industries", "not a GB/T 4754 code"),
        ({"industries": ["A01"]}, "industries", "not under an industry division"),
        ({"industries": "I65"}, "industries", "list of codes"),
        ({"areas": ["north"]}, "areas", "unknown area north"),
        ({"sizes": ["huge"]}, "sizes", "unknown size huge"),
        ({"qualifications_all": ["nobel"]}, "qualifications_all", "unknown qualification"),
        ({"qualifications_any": ["nobel"]}, "qualifications_any", "unknown qualification"),
        ({"min_years_established": 1.5}, "min_years_established", "whole number"),
        ({"min_years_established": -1}, "min_years_established", "between 0 and"),
        ({"min_employees": True}, "min_employees", "whole number"),
        ({"min_rd_ratio": 101}, "min_rd_ratio", "between 0 and 100"),
        ({"min_rd_ratio": "abc"}, "min_rd_ratio", "must be a number"),
        ({"min_revenue_wan": -5}, "min_revenue_wan", "between 0 and"),
        ({"min_revenue_wan": 600, "max_revenue_wan": 500}, "max_revenue_wan", "below the minimum"),
        ({"requires_good_credit": "yes"}, "requires_good_credit", "true or false"),
        ({"favourite_colour": "red"}, "favourite_colour", "unknown criterion"),
    ],
)
def test_each_wrong_criterion_is_named_with_its_reason(data, key, fragment):
    with pytest.raises(CriteriaError) as caught:
        Criteria.parse(data, REFERENCE)
    assert key in caught.value.errors
    assert any(fragment in message for message in caught.value.errors[key])


def test_all_problems_are_reported_at_once():
    with pytest.raises(CriteriaError) as caught:
        Criteria.parse({"areas": ["mars"], "sizes": ["giant"], "min_rd_ratio": -1}, REFERENCE)
    assert set(caught.value.errors) == {"areas", "sizes", "min_rd_ratio"}


def test_a_minimum_equal_to_the_maximum_is_allowed():
    criteria = Criteria.parse({"min_revenue_wan": 500, "max_revenue_wan": 500}, REFERENCE)
    assert criteria.min_revenue_wan == criteria.max_revenue_wan == 500


codes = st.sampled_from
valid_criteria = st.fixed_dictionaries(
    {},
    optional={
        "industries": st.lists(codes(["I65", "C39", "C3973", "M73", "I6513"]), unique=True),
        "areas": st.lists(codes(sorted(REFERENCE.areas)), unique=True),
        "sizes": st.lists(codes(["micro", "small", "medium", "large"]), unique=True),
        "qualifications_all": st.lists(codes(sorted(REFERENCE.qualifications)), unique=True),
        "qualifications_any": st.lists(codes(sorted(REFERENCE.qualifications)), unique=True),
        "min_years_established": st.none() | st.integers(0, 200),
        "min_rd_ratio": st.none() | st.decimals(0, 100, places=2).map(float),
        "min_revenue_wan": st.none() | st.integers(0, 10**6),
        "min_employees": st.none() | st.integers(0, 10**5),
        "requires_good_credit": st.booleans(),
    },
)


@given(valid_criteria)
def test_valid_criteria_survive_a_round_trip(data):
    criteria = Criteria.parse(data, REFERENCE)
    again = Criteria.parse(criteria.to_dict(), REFERENCE)
    assert again == criteria
    assert set(criteria.to_dict()) == set(ALL_KEYS)
    # A key restricts exactly when it was given a non-empty value (credit: when true).
    for key in criteria.restricted_keys():
        value = data.get(key)
        assert value is not None and value != [] and value is not False


@given(low=st.integers(0, 10**6), high=st.integers(0, 10**6))
def test_revenue_bounds_are_refused_exactly_when_inverted(low, high):
    data = {"min_revenue_wan": low, "max_revenue_wan": high}
    if low > high:
        with pytest.raises(CriteriaError):
            Criteria.parse(data, REFERENCE)
    else:
        assert Criteria.parse(data, REFERENCE).max_revenue_wan == high


@given(st.text(min_size=1, max_size=6))
def test_arbitrary_industry_strings_never_crash(code):
    try:
        criteria = Criteria.parse({"industries": [code]}, REFERENCE)
    except CriteriaError as exc:
        assert "industries" in exc.errors
    else:
        assert all(c[:3] in REFERENCE.industry_divisions for c in criteria.industries)
