"""What a certificate says: the printed facts, their signed payload and the verification URL.

``CertificateContent`` is frozen and holds exactly what is printed on the certificate, in the
form it is printed from. It is built once when a certificate is issued, stored as JSON with the
certificate (``to_dict``/``from_dict``), and every later rendering or verification reads that
stored copy, never the live application or policy (which may be edited after issue).

**What is signed.** The facts ``certificates.signing`` defines (number, company name and credit
code, amount, policy title, document number, issuing department, issue date — the Chinese text,
which is the authoritative text of the certificate), in its canonical JSON. The signature goes
into the QR code's URL, so the public verification page can tell a link we printed from a
forged one. The English lines are translations printed beneath and are not signed.
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal
from urllib.parse import quote, urlencode

from policies.numerals import amount_in_capitals, amount_in_cents, amount_in_wan, format_amount
from zoneportal.http import absolute_url

from . import signing

# Fixed, not strftime("%B"): the process locale must not change what a certificate says.
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def verification_url(content_or_number: CertificateContent | str, signature: str) -> str:
    """``{site}/verify/<number>?s=<signature>``: the URL the QR code carries.

    Given a ``CertificateContent``, its own ``site`` is used (the root it was issued under);
    given a bare number, the current ``absolute_url()``.
    """
    if isinstance(content_or_number, CertificateContent):
        root, number = content_or_number.site, content_or_number.number
    else:
        root, number = absolute_url(), content_or_number
    return f"{root}/verify/{quote(number, safe='')}?{urlencode({'s': signature})}"


@dataclasses.dataclass(frozen=True, kw_only=True)
class CertificateContent:
    """Everything printed on one certificate (Chinese first, English beneath)."""

    number: str  # CDHT-2026-7K3QX9M2D0HF
    enterprise_name: str
    credit_code: str
    granted: str  # what was granted, e.g. 研发投入补助
    granted_en: str
    amount: Decimal | None  # yuan; None for a recognition without money
    policy_title: str
    policy_title_en: str
    document_number: str | None  # 文号, e.g. 成高管发〔2024〕3号
    department: str  # issuing department, e.g. 成都高新区科技创新局
    department_en: str
    issued_date: datetime.date  # the local (Asia/Shanghai) date of issue
    site: str = dataclasses.field(default_factory=absolute_url)  # public root of the portal

    def __post_init__(self):
        if not signing.is_well_formed_number(self.number):
            raise ValueError(f"not a certificate number: {self.number!r}")
        if self.amount is not None:
            amount_in_cents(self.amount)  # raises ValueError for an invalid amount
        # The canonical form checks every signed field's type; fail at construction, not later.
        signing.canonical_content(self.signed_fields())

    # --- Signing -------------------------------------------------------------------------------
    def signed_fields(self) -> dict:
        """The facts that are signed, as ``certificates.signing`` expects them."""
        return {
            "number": self.number,
            "enterprise_name": self.enterprise_name,
            "credit_code": self.credit_code,
            "amount": self.amount,
            "policy_title": self.policy_title,
            "document_number": self.document_number,
            "department": self.department,
            "issued_date": self.issued_date,
        }

    @property
    def payload(self) -> str:
        """The canonical JSON string that is signed."""
        return signing.canonical_content(self.signed_fields()).decode("utf-8")

    def sign(self) -> str:
        return signing.sign(self.signed_fields())

    def verify(self, signature: object) -> bool:
        return signing.verify(self.signed_fields(), signature)

    def verification_url(self, signature: str | None = None) -> str:
        return verification_url(self, signature if signature is not None else self.sign())

    # --- What is printed -----------------------------------------------------------------------
    @property
    def title_zh(self) -> str:
        """资助确认书 for an award of money, 认定证书 for a recognition without one."""
        return "资助确认书" if self.amount is not None else "认定证书"

    @property
    def title_en(self) -> str:
        return (
            "Confirmation of Support" if self.amount is not None else "Certificate of Recognition"
        )

    @property
    def amount_figures(self) -> str:
        """``¥1,050,000.00``, or "" for a certificate without an amount."""
        return format_amount(self.amount) if self.amount is not None else ""

    @property
    def amount_capitals(self) -> str:
        """``壹佰零伍万元整``, or "" for a certificate without an amount."""
        return amount_in_capitals(self.amount) if self.amount is not None else ""

    @property
    def amount_wan(self) -> str:
        """``105`` (万元) for ¥1,050,000, or "" for a certificate without an amount."""
        return amount_in_wan(self.amount) if self.amount is not None else ""

    @property
    def granted_item(self) -> str:
        """What was granted, as the statement names it: the programme's name without a trailing
        申报 (a call for applications is not what a company receives): 2026年度研发投入补贴."""
        name = self.granted.strip()
        for suffix in ("项目申报", "申报"):
            if name.endswith(suffix) and len(name) > len(suffix):
                return name[: -len(suffix)].rstrip()
        return name

    @property
    def date_zh(self) -> str:
        """``2026年11月23日`` (no leading zeros, as Chinese documents write dates)."""
        d = self.issued_date
        return f"{d.year}年{d.month}月{d.day}日"

    @property
    def date_en(self) -> str:
        """``23 November 2026``."""
        d = self.issued_date
        return f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}"

    # --- Storage -------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """JSON-ready: the amount as a two-decimal string, the date in ISO form."""
        data = dataclasses.asdict(self)
        if self.amount is not None:
            cents = amount_in_cents(self.amount)
            data["amount"] = f"{cents // 100}.{cents % 100:02d}"
        data["issued_date"] = self.issued_date.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict) -> CertificateContent:
        values = dict(data)
        if values.get("amount") is not None:
            values["amount"] = Decimal(values["amount"])
        values["issued_date"] = datetime.date.fromisoformat(values["issued_date"])
        return cls(**values)
