"""The files exchanged with the finance system and the bank.

- ``export_batch``: a submitted batch as XLSX, one line per instalment (its reference
  ``FF-<award>-<number>``, the payee's name, account, bank, the amount in yuan, the purpose).
- ``read_results`` + ``check_results``: the bank's result file (CSV in UTF-8 or GB 18030, or
  XLSX), one line per paid or failed instalment. Every line is checked before anything is
  applied: an unknown or duplicated reference, an account or amount that differs from what was
  sent, a line already settled, an unreadable result or date is an error with its row number,
  and a file with any error is refused as a whole (``services.apply_results`` applies a clean
  one in one transaction).
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from zoneportal.clock import local_today

from .models import Instalment, InstalmentState

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_RESULT_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000

EXPORT_COLUMNS = [
    ("reference", "业务编号 Reference"),
    ("account_name", "收款户名 Account name"),
    ("account_number", "收款账号 Account number"),
    ("bank_name", "开户行 Bank"),
    ("amount", "金额（元） Amount (yuan)"),
    ("credit_code", "统一社会信用代码 Credit code"),
    ("purpose", "用途 Purpose"),
]

#: Header words the result file may use for each column (compared without spaces, any case).
RESULT_HEADERS = {
    "reference": ("业务编号", "reference", "ref"),
    "account_number": ("收款账号", "账号", "accountnumber", "account"),
    "amount": ("金额", "金额（元）", "金额(元)", "amount"),
    "result": ("结果", "处理结果", "result", "status"),
    "reason": ("失败原因", "原因", "reason"),
    "date": ("日期", "入账日期", "date"),
    "bank_reference": ("银行流水号", "流水号", "bankreference"),
}
REQUIRED = ("reference", "account_number", "amount", "result")
PAID_WORDS = {"成功", "已入账", "success", "paid", "ok"}
FAILED_WORDS = {"失败", "退回", "failure", "failed", "returned"}


def export_rows(batch):
    instalments = (
        Instalment.objects.filter(batch=batch)
        .select_related("award__enterprise", "award__programme")
        .order_by("pk")
    )
    for i in instalments:
        account = i.account or {}
        yield {
            "reference": i.reference,
            "account_name": account.get("account_name", ""),
            "account_number": account.get("account_number", ""),
            "bank_name": account.get("bank_name", ""),
            "amount": i.amount,
            "credit_code": i.award.enterprise.credit_code,
            "purpose": f"{i.award.programme.name} 第{i.number}期",
        }


def export_batch(batch) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(batch.number)
    bold = Font(bold=True)
    header = []
    for _key, title in EXPORT_COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in export_rows(batch):
        cells = []
        for key, _title in EXPORT_COLUMNS:
            cell = WriteOnlyCell(sheet, value=row[key])
            if key == "amount":
                cell.number_format = "#,##0.00"
            else:
                cell.data_type = "s"  # account numbers stay text (no 1.2E+18), "=" stays text
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- the result file ---------------------------------------------------------------------------
@dataclass
class Result:
    row: int
    reference: str
    instalment_id: int
    paid: bool
    reason: str
    date: datetime.date | None
    bank_reference: str


@dataclass
class Report:
    """What a result file would do, or why it is refused (``errors``: row, message)."""

    results: list[Result] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def paid(self) -> int:
        return sum(1 for r in self.results if r.paid)

    @property
    def returned(self) -> int:
        return sum(1 for r in self.results if not r.paid)


class FileError(Exception):
    pass


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(data: bytes) -> list[list[str]]:
    """The rows of a CSV or XLSX file as text (the header first)."""
    if len(data) > MAX_RESULT_BYTES:
        raise FileError(_("The file is larger than 10 MB."))
    if not data:
        raise FileError(_("The file is empty."))
    if data[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise FileError(_("The file is not a readable Excel (XLSX) workbook.")) from exc
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([_cell(v) for v in values])
            if len(rows) > MAX_ROWS + 1:
                break
        workbook.close()
        return rows
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileError(_("The file is neither CSV (UTF-8 or GB 18030) nor XLSX."))
    if "\x00" in text:
        raise FileError(_("The file is neither CSV (UTF-8 or GB 18030) nor XLSX."))
    return list(csv.reader(io.StringIO(text)))[: MAX_ROWS + 2]


def _cell(value) -> str:
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return _text(value)


def _columns(header: list[str]) -> dict[str, int]:
    """Which column holds what: a title matches by its whole text or its first word (the
    exported "业务编号 Reference" and a bank's plain "业务编号" both match)."""
    found = {}
    for index, title in enumerate(header):
        words = title.split()
        candidates = {"".join(words).lower(), words[0].lower() if words else ""}
        for key, names in RESULT_HEADERS.items():
            if key not in found and candidates & {n.lower() for n in names}:
                found[key] = index
                break
    return found


def _date(text: str) -> datetime.date | None:
    text = text.strip().replace("/", "-").replace(".", "-")
    if not text:
        return None
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return datetime.date.fromisoformat(text[:10])


def check_results(batch, rows: list[list[str]]) -> Report:
    """Check every line of a result file against the batch; nothing is changed here."""
    report = Report()
    if not rows:
        report.errors.append((0, _("The file has no rows.")))
        return report
    columns = _columns([_text(c) for c in rows[0]])
    missing = [key for key in REQUIRED if key not in columns]
    if missing:
        report.errors.append(
            (
                1,
                _("The header row lacks the columns: %(columns)s.")
                % {"columns": ", ".join(RESULT_HEADERS[k][0] for k in missing)},
            )
        )
        return report
    if len(rows) - 1 > MAX_ROWS:
        report.errors.append((0, _("The file has more than 50,000 lines.")))
        return report
    sent = {
        i.reference: i
        for i in Instalment.objects.filter(batch=batch).only(
            "pk", "award_id", "number", "amount", "account", "state"
        )
    }
    seen: dict[str, int] = {}
    today = local_today()

    def get(row, key):
        index = columns.get(key)
        return _text(row[index]) if index is not None and index < len(row) else ""

    for number, row in enumerate(rows[1:], start=2):
        if not any(_text(c) for c in row):
            continue  # a blank line
        reference = get(row, "reference")
        errors = []
        instalment = sent.get(reference)
        if reference in seen:
            errors.append(
                _("%(reference)s appears twice (also on row %(row)s).")
                % {"reference": reference, "row": seen[reference]}
            )
        elif instalment is None:
            errors.append(
                _("%(reference)s is not a line of batch %(batch)s.")
                % {"reference": reference or "—", "batch": batch.number}
            )
        else:
            if instalment.state != InstalmentState.SUBMITTED:
                errors.append(
                    _("%(reference)s is already settled (%(state)s).")
                    % {"reference": reference, "state": instalment.get_state_display()}
                )
            account = "".join(get(row, "account_number").split())
            if account != (instalment.account or {}).get("account_number"):
                errors.append(
                    _("The account number of %(reference)s differs from the one sent.")
                    % {"reference": reference}
                )
            try:
                amount = Decimal(get(row, "amount").replace(",", "").replace("¥", ""))
            except InvalidOperation:
                amount = None
            if amount != instalment.amount:
                errors.append(
                    _("The amount of %(reference)s differs from the ¥%(amount)s sent.")
                    % {"reference": reference, "amount": f"{instalment.amount:,.2f}"}
                )
        seen.setdefault(reference, number)
        outcome = get(row, "result").lower()
        if outcome not in PAID_WORDS | FAILED_WORDS:
            errors.append(
                _("The result “%(result)s” is neither 成功 (paid) nor 失败 (failed).")
                % {"result": get(row, "result")}
            )
        reason = get(row, "reason")
        if outcome in FAILED_WORDS and not reason:
            errors.append(_("A failed line needs the bank's reason."))
        try:
            date = _date(get(row, "date")) or today
        except ValueError:
            errors.append(_("The date “%(date)s” is not a date.") % {"date": get(row, "date")})
            date = None
        if errors:
            report.errors.extend((number, message) for message in errors)
        elif instalment is not None:
            report.results.append(
                Result(
                    row=number,
                    reference=reference,
                    instalment_id=instalment.pk,
                    paid=outcome in PAID_WORDS,
                    reason=reason[:2000] if outcome in FAILED_WORDS else "",
                    date=date,
                    bank_reference=get(row, "bank_reference")[:64],
                )
            )
    if not report.results and not report.errors:
        report.errors.append((0, _("The file has no result lines.")))
    return report


def import_results(batch, upload, *, by):
    """Read, check and — only when every line is right — apply a result file. Returns the
    ``Report`` (and the ``ResultImport`` when applied)."""
    from . import services

    data = upload.read()
    try:
        rows = read_rows(data)
    except FileError as exc:
        return Report(errors=[(0, str(exc))]), None
    report = check_results(batch, rows)
    if not report.ok:
        return report, None
    import hashlib

    result = services.apply_results(
        batch,
        report.results,
        by=by,
        file_name=getattr(upload, "name", "results"),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    return report, result
