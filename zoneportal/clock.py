"""The zone's clock: "today" is the local date in Asia/Shanghai, whatever the server's zone."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

ZONE = ZoneInfo("Asia/Shanghai")


def local_now() -> datetime.datetime:
    return timezone.now().astimezone(ZONE)


def local_today() -> datetime.date:
    return local_now().date()
