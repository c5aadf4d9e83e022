"""The plausible range of every date, length and amount a person types in.

One place, so that a form, the model's ``clean()`` and the API agree. Values outside these are
typing slips (0001-01-01 as a founding date, a 240,000-character business scope), refused
with a message that says what is allowed.
"""

import datetime
from decimal import Decimal

# No company registered in the People's Republic is older than the Republic.
EARLIEST_FOUNDING = datetime.date(1949, 10, 1)
# Dates of documents: policies, qualifications and their validity.
EARLIEST_DOCUMENT_DATE = EARLIEST_FOUNDING
LATEST_DOCUMENT_DATE = datetime.date(2099, 12, 31)

# Amounts in yuan (applications, programmes, answers): 0 to one trillion, two decimals.
MAX_AMOUNT_YUAN = Decimal("1000000000000")
# Company figures in units of 10,000 yuan (万元): up to 10 trillion yuan, beyond any company.
MAX_AMOUNT_WAN = Decimal("1000000000")
MAX_EMPLOYEES = 2_000_000

# Text lengths.
BUSINESS_SCOPE_MAX_CHARS = 2000  # a business licence's 经营范围; matching reads this much
PROJECT_SUMMARY_MAX_CHARS = 5000
