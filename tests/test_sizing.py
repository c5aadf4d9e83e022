"""Enterprise size from the MIIT 2011 No. 300 table (kept as data) at every boundary."""

import copy
import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enterprises.facts import completed_years, rd_ratio
from enterprises.sizing import SIZE_ORDER, classify, load_table


@pytest.mark.parametrize(
    ("code", "employees", "revenue", "size"),
    [
        # Industry (B, C, D): large needs BOTH 1,000 employees and 40,000 revenue.
        ("C39", 1000, 40000, "large"),
        (
            "C39",
            1500,
            30000,
            "medium",
        ),  # the standard's own example: either figure below → not large
        ("C39", 999, 40000, "medium"),
        ("C39", 300, 2000, "medium"),
        ("C39", 299, 2000, "small"),
        ("C39", 300, 1999.99, "small"),
        ("C3973", 20, 300, "small"),
        ("C27", 19, 300, "micro"),
        ("C27", 20, 299, "micro"),
        ("B06", 5000, 100000, "large"),
        ("D44", 0, 0, "micro"),
        # Software and IT services (I65).
        ("I65", 300, 10000, "large"),
        ("I6513", 299, 10000, "medium"),
        ("I65", 300, 9999, "medium"),
        ("I65", 100, 1000, "medium"),
        ("I65", 99, 1000, "small"),
        ("I65", 10, 50, "small"),
        ("I65", 10, 49, "micro"),
        ("I65", 9, 50, "micro"),
        # Every other sector: employees only.
        ("I64", 300, None, "large"),
        ("M73", 299, 0, "medium"),
        ("L72", 100, None, "medium"),
        ("F51", 99, None, "small"),
        ("J66", 10, None, "small"),
        ("Q84", 9, 10**6, "micro"),
    ],
)
def test_size_at_each_boundary(code, employees, revenue, size):
    assert classify(code, employees, revenue) == size


@pytest.mark.parametrize(
    ("code", "employees", "revenue"),
    [
        (None, 100, 100),
        ("", 100, 100),
        ("C39", None, 5000),
        ("C39", 500, None),
        ("I65", 50, None),
        ("M73", None, 100),
    ],
)
def test_size_is_unknown_without_the_facts_it_needs(code, employees, revenue):
    assert classify(code, employees, revenue) is None


def test_the_table_is_data_a_new_sector_needs_no_code():
    table = copy.deepcopy(load_table())
    table["rows"].insert(
        0,
        {
            "sector": "retail",
            "name": "零售业",
            "prefixes": ["F52"],
            "uses_revenue": True,
            "bands": [
                {"size": "large", "min_employees": 300, "min_revenue_wan": 20000},
                {"size": "medium", "min_employees": 50, "min_revenue_wan": 500},
                {"size": "small", "min_employees": 10, "min_revenue_wan": 100},
            ],
        },
    )
    assert classify("F52", 60, 600, table) == "medium"
    assert classify("F52", 60, 400, table) == "small"
    assert classify("F51", 60, 400, table) == "small"  # other rows unchanged


@given(
    code=st.sampled_from(["C39", "I65", "M73", "B06", "I6513"]),
    employees=st.integers(0, 5000),
    revenue=st.decimals(0, 100000, places=2),
    more_employees=st.integers(0, 1000),
    more_revenue=st.decimals(0, 10000, places=2),
)
def test_growing_never_makes_a_company_smaller(
    code, employees, revenue, more_employees, more_revenue
):
    before = classify(code, employees, revenue)
    after = classify(code, employees + more_employees, revenue + more_revenue)
    assert SIZE_ORDER.index(after) >= SIZE_ORDER.index(before)


@pytest.mark.parametrize(
    ("founded", "today", "years"),
    [
        ("2023-11-22", "2026-11-22", 3),
        ("2023-11-22", "2026-11-21", 2),
        ("2024-02-29", "2025-02-28", 0),
        ("2024-02-29", "2025-03-01", 1),
        ("2024-02-29", "2028-02-29", 4),
        ("2026-11-23", "2026-11-23", 0),
    ],
)
def test_whole_years_completed(founded, today, years):
    d = datetime.date.fromisoformat
    assert completed_years(d(founded), d(today)) == years


def test_rd_ratio_is_exact_and_unknown_when_it_cannot_be_computed():
    assert rd_ratio(Decimal("15"), Decimal("500")) == Decimal("3")
    assert rd_ratio(Decimal("0.3"), Decimal("10")) == Decimal("3")  # no binary float error
    assert rd_ratio(None, 100) is None
    assert rd_ratio(5, None) is None
    assert rd_ratio(5, 0) is None
