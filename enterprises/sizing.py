"""Enterprise size (大/中/小/微) derived from sector, employees and revenue, as data.

The table (``data/size_standard.json``) follows the MIIT 2011 No. 300 standard for the rows the
zone meets most. Adding a sector or a revised threshold is a change to the data, not the code.
"""

import json
from decimal import Decimal
from functools import cache
from pathlib import Path

TABLE_PATH = Path(__file__).resolve().parent / "data" / "size_standard.json"
SIZE_ORDER = ("micro", "small", "medium", "large")


@cache
def load_table(path: Path = TABLE_PATH) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def row_for(industry_code: str | None, table: dict | None = None) -> dict | None:
    """The table row that applies to a GB/T 4754 code, or None without a code."""
    if not industry_code:
        return None
    table = table or load_table()
    code = industry_code.upper()
    for row in table["rows"]:
        if any(code.startswith(prefix) for prefix in row.get("prefixes", ())):
            return row
        sections = row.get("sections", ())
        if sections == "*" or code[:1] in sections:
            return row
    return None


def classify(industry_code, employees, revenue_wan, table: dict | None = None) -> str | None:
    """``micro`` / ``small`` / ``medium`` / ``large``, or None when a needed fact is missing."""
    row = row_for(industry_code, table)
    if row is None or employees is None:
        return None
    if row.get("uses_revenue") and revenue_wan is None:
        return None
    revenue = Decimal(str(revenue_wan)) if revenue_wan is not None else None
    for band in row["bands"]:
        if employees < band["min_employees"]:
            continue
        minimum = band.get("min_revenue_wan")
        if minimum is not None and revenue < Decimal(str(minimum)):
            continue
        return band["size"]
    return "micro"
