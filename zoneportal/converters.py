"""The one URL converter for database ids: ``<id:pk>``.

Django's ``int`` converter matches any run of digits, and an id beyond the database's 64-bit
``bigint`` then reaches the query: SQLite raises ``OverflowError`` and PostgreSQL may fail to
bind it, a 500 instead of a 404. This converter matches at most 19 digits and refuses a value
above 2**63 - 1, so such a URL simply does not resolve (404) on every database. Every URL with
an id in it uses ``<id:…>``; the API's paths use ``{id:…}`` (django-ninja passes converters on).
"""

from django.urls import register_converter

MAX_ID = 2**63 - 1  # the largest bigint (PostgreSQL) and INTEGER (SQLite)


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(value)  # the URL does not match: 404
        return number

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(IdConverter, "id")
