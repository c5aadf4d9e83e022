"""Working days: the seeded State Council calendar, deadlines across holidays, staff extensions."""

import datetime
import logging

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.models import HolidayCalendarDay
from policies.workdays import (
    Calendar,
    add_working_days,
    is_working_day,
    promised_date,
    working_days_between,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def calendar():
    return Calendar.load()


def test_seeded_calendar_is_present(calendar):
    rows = HolidayCalendarDay.objects.all()
    by_year_kind = {
        (year, kind): sum(1 for row in rows if row.date.year == year and row.kind == kind)
        for year in (2025, 2026)
        for kind in HolidayCalendarDay.Kind.values
    }
    assert by_year_kind == {
        (2025, "holiday"): 28,
        (2025, "workday"): 5,
        (2026, "holiday"): 33,
        (2026, "workday"): 6,
    }
    assert calendar.years == {2025, 2026}
    # Every make-up working day falls on a weekend; otherwise it would change nothing.
    assert all(day.weekday() >= 5 for day in calendar.workdays)
    assert HolidayCalendarDay.objects.get(date=D(2026, 2, 17)).name == "春节"


@pytest.mark.parametrize(
    ("day", "working"),
    [
        # 2025 Spring Festival: 1/28–2/4 off, 1/26 (Sun) and 2/8 (Sat) on.
        (D(2025, 1, 25), False),  # a plain Saturday
        (D(2025, 1, 26), True),  # make-up Sunday
        (D(2025, 1, 27), True),
        (D(2025, 1, 28), False),
        (D(2025, 2, 3), False),  # a holiday Monday
        (D(2025, 2, 4), False),
        (D(2025, 2, 5), True),
        (D(2025, 2, 8), True),  # make-up Saturday
        (D(2025, 2, 9), False),
        # 2025 National Day and Mid-Autumn: 10/1–10/8 off, 9/28 (Sun) and 10/11 (Sat) on.
        (D(2025, 9, 28), True),
        (D(2025, 9, 30), True),
        (D(2025, 10, 1), False),
        (D(2025, 10, 6), False),  # a holiday Monday
        (D(2025, 10, 8), False),
        (D(2025, 10, 9), True),
        (D(2025, 10, 11), True),  # make-up Saturday
        (D(2025, 10, 12), False),
        # 2026 Spring Festival: 2/15–2/23 off, 2/14 (Sat) and 2/28 (Sat) on.
        (D(2026, 2, 13), True),
        (D(2026, 2, 14), True),  # make-up Saturday
        (D(2026, 2, 16), False),  # a holiday Monday
        (D(2026, 2, 23), False),  # a holiday Monday
        (D(2026, 2, 24), True),
        (D(2026, 2, 28), True),  # make-up Saturday
        (D(2026, 3, 1), False),
        # 2026 National Day: 10/1–10/7 off, 9/20 (Sun) and 10/10 (Sat) on.
        (D(2026, 9, 20), True),
        (D(2026, 9, 25), False),  # Mid-Autumn, a Friday
        (D(2026, 10, 5), False),  # a holiday Monday
        (D(2026, 10, 7), False),
        (D(2026, 10, 8), True),
        (D(2026, 10, 10), True),  # make-up Saturday
        (D(2026, 10, 11), False),
        # An ordinary week.
        (D(2026, 3, 16), True),
        (D(2026, 3, 21), False),
    ],
)
def test_is_working_day(calendar, day, working):
    assert is_working_day(day, calendar) is working


def test_is_working_day_loads_the_calendar_when_not_given():
    assert is_working_day(D(2025, 2, 8)) is True
    assert is_working_day(D(2025, 2, 3)) is False


@pytest.mark.parametrize(
    ("accepted", "n", "deadline"),
    [
        # Across National Day 2025 with both make-up days counted.
        (D(2025, 9, 22), 15, D(2025, 10, 17)),
        # Across Spring Festival 2026 with both make-up Saturdays counted.
        (D(2026, 2, 10), 15, D(2026, 3, 9)),
        # Accepted on a holiday: day 1 is the first working day after it.
        (D(2025, 10, 3), 1, D(2025, 10, 9)),
        (D(2025, 10, 3), 0, D(2025, 10, 3)),
        # From a Friday to the next Monday.
        (D(2026, 3, 13), 1, D(2026, 3, 16)),
    ],
)
def test_add_working_days_across_holidays(calendar, accepted, n, deadline):
    assert add_working_days(accepted, n, calendar) == deadline
    assert working_days_between(accepted, deadline, calendar) == n


def test_weekends_alone_would_give_a_different_deadline(calendar):
    weekends_only = Calendar(years={2025, 2026})
    assert add_working_days(D(2025, 9, 22), 15, weekends_only) == D(2025, 10, 13)
    assert add_working_days(D(2025, 9, 22), 15, calendar) == D(2025, 10, 17)


def test_working_days_between_is_half_open(calendar):
    assert working_days_between(D(2026, 3, 16), D(2026, 3, 16), calendar) == 0
    assert working_days_between(D(2026, 3, 16), D(2026, 3, 17), calendar) == 1
    assert working_days_between(D(2026, 3, 17), D(2026, 3, 16), calendar) == -1
    # A whole week of the 2026 Spring Festival holiday counts nothing.
    assert working_days_between(D(2026, 2, 14), D(2026, 2, 23), calendar) == 0


def test_datetimes_count_by_their_shanghai_date(calendar):
    # 2025-10-08 17:00 UTC is already 10-09 01:00 in Shanghai, the first working day after.
    accepted = datetime.datetime(2025, 10, 8, 17, 0, tzinfo=datetime.UTC)
    assert add_working_days(accepted, 1, calendar) == D(2025, 10, 10)


def test_working_days_between_defaults_to_local_today(calendar, monkeypatch):
    monkeypatch.setattr("policies.workdays.local_today", lambda: D(2025, 10, 17))
    assert working_days_between(D(2025, 9, 22), calendar=calendar) == 15


def test_negative_n_is_refused(calendar):
    with pytest.raises(ValueError):
        add_working_days(D(2025, 1, 1), -1, calendar)


def test_a_loaded_calendar_does_not_query_per_day(calendar, django_assert_num_queries):
    with django_assert_num_queries(0):
        add_working_days(D(2025, 1, 1), 200, calendar)
        working_days_between(D(2025, 1, 1), D(2026, 12, 31), calendar)
    with django_assert_num_queries(1):
        Calendar.load()


def test_an_uncovered_year_falls_back_to_weekends_and_says_so(calendar, caplog):
    with caplog.at_level(logging.WARNING, logger="policies.workdays"):
        # 2027-01-01 is a Friday: with no 2027 data it counts as a working day.
        result = promised_date(D(2026, 12, 31), 1, calendar)
        add_working_days(D(2026, 12, 31), 5, calendar)
    assert result.date == D(2027, 1, 1)
    assert result.complete is False
    assert result.missing_years == [2027]
    assert calendar.fallback_years == {2027}
    warnings = [r for r in caplog.records if "no data for 2027" in r.getMessage()]
    assert len(warnings) == 1  # once per calendar, not once per day

    covered = promised_date(D(2025, 9, 22), 15, calendar)
    assert covered == (D(2025, 10, 17), True, [])


def test_staff_extending_the_calendar_changes_the_result(calendar):
    # A new holiday in a covered year.
    assert add_working_days(D(2026, 3, 2), 1, calendar) == D(2026, 3, 3)
    HolidayCalendarDay.objects.create(
        date=D(2026, 3, 3), kind=HolidayCalendarDay.Kind.HOLIDAY, name="测试假日"
    )
    assert add_working_days(D(2026, 3, 2), 1, Calendar.load()) == D(2026, 3, 4)

    # The next year's notice: 元旦 2027 falls on a Friday.
    assert promised_date(D(2026, 12, 31), 1, calendar).complete is False
    HolidayCalendarDay.objects.create(
        date=D(2027, 1, 1), kind=HolidayCalendarDay.Kind.HOLIDAY, name="元旦"
    )
    extended = Calendar.load()
    assert 2027 in extended.years
    assert promised_date(D(2026, 12, 31), 1, extended) == (D(2027, 1, 4), True, [])
    assert extended.fallback_years == set()


def test_a_date_cannot_be_both_holiday_and_workday():
    with pytest.raises(ValueError):
        Calendar(holidays=[D(2025, 1, 1)], workdays=[D(2025, 1, 1)])


dates = st.dates(min_value=D(2024, 10, 1), max_value=D(2027, 3, 31))
counts = st.integers(min_value=0, max_value=80)


def test_working_day_properties(calendar):
    @settings(max_examples=300, deadline=None)
    @given(start=dates, n=counts)
    def check(start, n):
        deadline = add_working_days(start, n, calendar)
        if n >= 1:
            assert is_working_day(deadline, calendar)
        assert add_working_days(start, n + 1, calendar) > deadline
        assert working_days_between(start, deadline, calendar) == n
        # No working day is skipped: the day before the deadline leaves n - 1.
        if n >= 1:
            assert working_days_between(start, deadline - datetime.timedelta(days=1), calendar) == (
                n - 1
            )

    check()


def test_holiday_calendar_admin_lists_and_filters(client):
    client.force_login(make_user("root@test.example", is_staff=True, is_superuser=True))
    url = reverse("wagtailsnippets_policies_holidaycalendarday:list")
    response = client.get(url, {"kind": "workday", "year": "2026"})
    assert response.status_code == 200
    content = response.content.decode()
    for shown in ("2026年1月4日", "2026年2月14日", "2026年2月28日", "2026年10月10日"):
        assert shown in content
    assert "2025年" not in content  # filtered by year
    assert "2026年2月16日" not in content  # filtered by kind: no holidays


def test_the_official_calendar_comes_from_chinesecalendar_without_any_rows():
    seeded = Calendar.load()
    HolidayCalendarDay.objects.all().delete()
    official = Calendar.load()
    # The package alone gives the same 2025 and 2026 as the rows migration 0006 seeded.
    assert official.holidays == seeded.holidays
    assert official.workdays == seeded.workdays
    assert official.years == {2025, 2026}
    assert is_working_day(D(2026, 2, 14), official) is True  # make-up Saturday
    assert is_working_day(D(2026, 10, 5), official) is False  # National Day
    assert add_working_days(D(2025, 9, 22), 15, official) == D(2025, 10, 17)


def test_a_staff_row_overrides_the_official_calendar():
    HolidayCalendarDay.objects.all().delete()
    # Staff turn an official holiday into a working day, and a make-up day into a holiday.
    HolidayCalendarDay.objects.create(
        date=D(2026, 10, 7), kind=HolidayCalendarDay.Kind.WORKDAY, name="测试上班"
    )
    HolidayCalendarDay.objects.create(
        date=D(2026, 10, 10), kind=HolidayCalendarDay.Kind.HOLIDAY, name="测试放假"
    )
    calendar = Calendar.load()
    assert is_working_day(D(2026, 10, 7), calendar) is True
    assert is_working_day(D(2026, 10, 10), calendar) is False
    assert is_working_day(D(2026, 10, 6), calendar) is False  # the rest of the package stands
