"""Seed the State Council's holiday calendars (国务院办公厅关于部分节假日安排的通知) for 2025 and 2026.

Every day of each holiday block is stored as a ``holiday`` (weekend days inside a block too, so
the list reads like the notice), and each make-up working day (调休上班日) as a ``workday``.

2025 (notice published November 2024):
    元旦 1/1; 春节 1/28–2/4, work 1/26 (Sun) and 2/8 (Sat); 清明节 4/4–4/6;
    劳动节 5/1–5/5, work 4/27 (Sun); 端午节 5/31–6/2;
    国庆节、中秋节 10/1–10/8, work 9/28 (Sun) and 10/11 (Sat).

2026 (notice published November 2025):
    元旦 1/1–1/3, work 1/4 (Sun); 春节 2/15–2/23, work 2/14 (Sat) and 2/28 (Sat);
    清明节 4/4–4/6; 劳动节 5/1–5/5, work 5/9 (Sat); 端午节 6/19–6/21; 中秋节 9/25–9/27;
    国庆节 10/1–10/7, work 9/20 (Sun) and 10/10 (Sat).

The 2026 dates were written from memory of the notice, not copied from the published text:
staff should check them against the official notice on www.gov.cn and correct any row in the
admin (Holiday calendar) if it differs. Existing rows are never overwritten, so running this
migration on a database where staff already entered a date keeps their entry.
"""

import datetime

from django.db import migrations

HOLIDAY = "holiday"
WORKDAY = "workday"


def _span(first, last):
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


def _d(year, month, day):
    return datetime.date(year, month, day)


# (first day, last day, name) of each holiday block, and (date, name) of each make-up day.
HOLIDAY_BLOCKS = [
    # 2025
    (_d(2025, 1, 1), _d(2025, 1, 1), "元旦"),
    (_d(2025, 1, 28), _d(2025, 2, 4), "春节"),
    (_d(2025, 4, 4), _d(2025, 4, 6), "清明节"),
    (_d(2025, 5, 1), _d(2025, 5, 5), "劳动节"),
    (_d(2025, 5, 31), _d(2025, 6, 2), "端午节"),
    (_d(2025, 10, 1), _d(2025, 10, 8), "国庆节、中秋节"),
    # 2026
    (_d(2026, 1, 1), _d(2026, 1, 3), "元旦"),
    (_d(2026, 2, 15), _d(2026, 2, 23), "春节"),
    (_d(2026, 4, 4), _d(2026, 4, 6), "清明节"),
    (_d(2026, 5, 1), _d(2026, 5, 5), "劳动节"),
    (_d(2026, 6, 19), _d(2026, 6, 21), "端午节"),
    (_d(2026, 9, 25), _d(2026, 9, 27), "中秋节"),
    (_d(2026, 10, 1), _d(2026, 10, 7), "国庆节"),
]

MAKE_UP_DAYS = [
    # 2025
    (_d(2025, 1, 26), "春节"),
    (_d(2025, 2, 8), "春节"),
    (_d(2025, 4, 27), "劳动节"),
    (_d(2025, 9, 28), "国庆节、中秋节"),
    (_d(2025, 10, 11), "国庆节、中秋节"),
    # 2026
    (_d(2026, 1, 4), "元旦"),
    (_d(2026, 2, 14), "春节"),
    (_d(2026, 2, 28), "春节"),
    (_d(2026, 5, 9), "劳动节"),
    (_d(2026, 9, 20), "国庆节"),
    (_d(2026, 10, 10), "国庆节"),
]


def seed_rows():
    for first, last, name in HOLIDAY_BLOCKS:
        for day in _span(first, last):
            yield day, HOLIDAY, name, "放假"
    for day, name in MAKE_UP_DAYS:
        yield day, WORKDAY, name, "调休上班"


def seed(apps, schema_editor):
    HolidayCalendarDay = apps.get_model("policies", "HolidayCalendarDay")
    for day, kind, name, note in seed_rows():
        HolidayCalendarDay.objects.get_or_create(
            date=day, defaults={"kind": kind, "name": name, "note": note}
        )


def unseed(apps, schema_editor):
    HolidayCalendarDay = apps.get_model("policies", "HolidayCalendarDay")
    for day, kind, name, _note in seed_rows():
        HolidayCalendarDay.objects.filter(date=day, kind=kind, name=name).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0005_holiday_calendar"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
