"""Working-day arithmetic with China's public holidays and make-up working days (调休).

A date is a working day when it is a Monday to Friday that is not a public holiday, or when it is
an official make-up working day (even on a Saturday or Sunday). The holidays and make-up days come
from the maintained ``chinesecalendar`` package (the State Council's notices, pinned exactly in
pyproject.toml; upgrade it when the next year's notice is out), from ``FIRST_YEAR`` on. Staff may
override single dates with ``HolidayCalendarDay`` rows (a local holiday, a notice published before
the package caught up): a row wins over the package for its date. Load the calendar once into a
``Calendar`` and pass it to the functions below so a loop over many items does not query per day.

When a year is neither in the package nor in the rows, its dates fall back to "weekends off,
everything else on": the result may then be wrong by a few days. The calendar logs a warning once
per such year and remembers it in ``Calendar.fallback_years``; ``promised_date`` returns the same
fact as a flag so a page can mark a date as provisional until the package or staff catch up.

All dates are local dates in Asia/Shanghai. A ``datetime`` passed in (e.g. an ``accepted_at``
timestamp) is converted to its Asia/Shanghai date first.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import NamedTuple

import chinese_calendar

from zoneportal.clock import ZONE, local_today

from .models import HolidayCalendarDay

logger = logging.getLogger(__name__)

#: The portal counts no deadline before this year, so earlier years of the package are not loaded.
FIRST_YEAR = 2025


def _official_days() -> tuple[frozenset[datetime.date], frozenset[datetime.date], frozenset[int]]:
    """Holidays, make-up working days and covered years from ``chinesecalendar``."""
    holidays = frozenset(day for day in chinese_calendar.holidays if day.year >= FIRST_YEAR)
    workdays = frozenset(day for day in chinese_calendar.workdays if day.year >= FIRST_YEAR)
    years = frozenset(day.year for day in holidays | workdays)
    return holidays, workdays, years


OFFICIAL_HOLIDAYS, OFFICIAL_WORKDAYS, OFFICIAL_YEARS = _official_days()

ONE_DAY = datetime.timedelta(days=1)
SATURDAY = 5


def as_local_date(value: datetime.date | datetime.datetime) -> datetime.date:
    """The Asia/Shanghai date of ``value``; a plain date is returned as it is."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            return value.astimezone(ZONE).date()
        return value.date()
    return value


class Calendar:
    """A snapshot of the holiday calendar: sets of holiday and make-up working-day dates."""

    def __init__(
        self,
        holidays: Iterable[datetime.date] = (),
        workdays: Iterable[datetime.date] = (),
        years: Iterable[int] | None = None,
    ):
        self.holidays: frozenset[datetime.date] = frozenset(holidays)
        self.workdays: frozenset[datetime.date] = frozenset(workdays)
        overlap = self.holidays & self.workdays
        if overlap:
            raise ValueError(f"Dates both holiday and workday: {sorted(overlap)}")
        if years is None:
            years = {day.year for day in self.holidays | self.workdays}
        #: The years the calendar has data for; other years fall back to weekends only.
        self.years: frozenset[int] = frozenset(years)
        #: The uncovered years this calendar has been asked about (and warned of).
        self.fallback_years: set[int] = set()

    @classmethod
    def load(cls) -> Calendar:
        """The official calendar with the staff's overrides, read in one query."""

        holidays, workdays = set(OFFICIAL_HOLIDAYS), set(OFFICIAL_WORKDAYS)
        years = set(OFFICIAL_YEARS)
        for day, kind in HolidayCalendarDay.objects.values_list("date", "kind"):
            if kind == HolidayCalendarDay.Kind.WORKDAY:
                holidays.discard(day)
                workdays.add(day)
            else:
                workdays.discard(day)
                holidays.add(day)
            years.add(day.year)
        return cls(holidays, workdays, years)

    def covers(self, year: int) -> bool:
        return year in self.years

    def missing_years(self, start: datetime.date, end: datetime.date) -> list[int]:
        """The years from ``start`` to ``end`` (either order) the calendar has no data for."""
        first, last = sorted((as_local_date(start).year, as_local_date(end).year))
        return [year for year in range(first, last + 1) if not self.covers(year)]

    def is_working_day(self, day: datetime.date) -> bool:
        day = as_local_date(day)
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        if day.year not in self.years:
            self._note_fallback(day.year)
        return day.weekday() < SATURDAY

    def _note_fallback(self, year: int) -> None:
        if year in self.fallback_years:
            return
        self.fallback_years.add(year)
        logger.warning(
            "The holiday calendar has no data for %s: counting weekends only. "
            "Staff should add that year's holidays and make-up working days.",
            year,
        )


def _calendar(calendar: Calendar | None) -> Calendar:
    return calendar if calendar is not None else Calendar.load()


def is_working_day(day: datetime.date, calendar: Calendar | None = None) -> bool:
    """Whether ``day`` is a working day: weekends and holidays off, make-up working days on."""
    return _calendar(calendar).is_working_day(day)


def add_working_days(
    start: datetime.date, n: int, calendar: Calendar | None = None
) -> datetime.date:
    """The date ``n`` working days after ``start``, not counting ``start`` itself.

    "Within 15 working days of acceptance" ends on ``add_working_days(accepted, 15)``: the first
    working day after ``start`` is day 1, whether ``start`` is a working day or not. ``n == 0``
    returns ``start`` unchanged; a negative ``n`` is refused.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    calendar = _calendar(calendar)
    day = as_local_date(start)
    remaining = n
    while remaining:
        day += ONE_DAY
        if calendar.is_working_day(day):
            remaining -= 1
    return day


def working_days_between(
    start: datetime.date,
    end: datetime.date | None = None,
    calendar: Calendar | None = None,
) -> int:
    """How many working days lie after ``start`` up to and including ``end``.

    The interval is half-open, (start, end]: ``start`` (the day an application was submitted or
    accepted) is not counted, ``end`` (default: today in Asia/Shanghai) is. So an application
    accepted today has waited 0 working days, and
    ``working_days_between(d, add_working_days(d, n)) == n``. When ``end`` is before ``start``
    the result is the negative of ``working_days_between(end, start)``.
    """
    calendar = _calendar(calendar)
    start = as_local_date(start)
    end = local_today() if end is None else as_local_date(end)
    if end < start:
        return -working_days_between(end, start, calendar)
    count = 0
    day = start + ONE_DAY
    while day <= end:
        if calendar.is_working_day(day):
            count += 1
        day += ONE_DAY
    return count


class PromisedDate(NamedTuple):
    """A deadline and whether the calendar had data for every year it counted through."""

    date: datetime.date
    complete: bool
    missing_years: list[int]


def promised_date(start: datetime.date, n: int, calendar: Calendar | None = None) -> PromisedDate:
    """``add_working_days`` with a flag: ``complete`` is False when a year fell back to weekends."""
    calendar = _calendar(calendar)
    deadline = add_working_days(start, n, calendar)
    missing = calendar.missing_years(start, deadline)
    return PromisedDate(deadline, not missing, missing)
