"""A policy's published versions (历史版本) and what changed between two of them.

Wagtail keeps every revision of a page; the ones that were published are those its log names in
a ``wagtail.publish`` entry (publishing in the admin, scheduled publishing and the bulk import
all write one). Drafts never appear here: only what the public once read.

A version is compared with the one before it field by field. Texts are cut into sentences and
compared with ``difflib`` (the standard library's sequence matcher): whole sentences added or
removed, and inside a sentence that changed, the characters that changed — Chinese has no spaces,
so a word-level diff would say little. The criteria are compared as the lines the policy page
shows ("Holds: …"), so a reader sees the conditions in words, not JSON.
"""

from __future__ import annotations

import datetime
import difflib
import re
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.models import PageLogEntry

from .criteria import Criteria, CriteriaError
from .describe import describe_criteria

PUBLISH = "wagtail.publish"
_SENTENCE = re.compile(r"(?<=[。！？；;!?\n])")


@dataclass
class Version:
    """One published revision: its number (1 = first publication), when, and the page as it was."""

    number: int
    published_at: datetime.datetime
    revision: object

    @cached_property
    def page(self):
        """The PolicyPage as this revision holds it."""
        return self.revision.as_object()


@dataclass
class Change:
    """One field that changed: ``segments`` of ``(op, text)``, op in equal / delete / insert."""

    label: str
    segments: list[tuple[str, str]] = field(default_factory=list)
    lines: bool = False  # criteria: one segment per line


def published_versions(page) -> list[Version]:
    """The page's published revisions, oldest first, each once (by its first publication)."""
    entries = (
        PageLogEntry.objects.filter(page_id=page.pk, action=PUBLISH, revision__isnull=False)
        .select_related("revision")
        .order_by("timestamp", "pk")
    )
    versions, seen = [], set()
    for entry in entries:
        if entry.revision_id in seen:
            continue
        seen.add(entry.revision_id)
        versions.append(Version(len(versions) + 1, entry.timestamp, entry.revision))
    return versions


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "render_as_block"):  # a StreamField
        value = value.render_as_block()
    text = strip_tags(str(value))
    return re.sub(r"[ \t\r\f\v]+", " ", re.sub(r"\n\s*\n+", "\n", text)).strip()


def _date(value) -> str:
    return value.isoformat() if value else "—"


def _criteria_lines(criteria) -> list[str]:
    try:
        return [str(line) for line in describe_criteria(Criteria.parse(criteria or {}))]
    except CriteriaError:
        return []


def snapshot(page) -> dict[str, tuple[str, object]]:
    """What a reader compares: label → (kind, value); kind ``text`` or ``lines``."""
    superseded = page.superseded_by.title if page.superseded_by_id and page.superseded_by else ""
    return {
        "title": (_("Title"), "text", page.title),
        "document_number": (_("Document number"), "text", page.document_number),
        "effective_date": (_("Effective date"), "text", _date(page.effective_date)),
        "expiry_date": (_("Expiry date"), "text", _date(page.expiry_date)),
        "repealed_on": (_("Repealed on"), "text", _date(page.repealed_on)),
        "superseded_by": (_("Superseded by"), "text", superseded),
        "max_amount_wan": (
            _("Maximum support"),
            "text",
            "" if page.max_amount_wan is None else f"{page.max_amount_wan:g}",
        ),
        "summary": (_("Summary"), "text", page.summary),
        "criteria": (_("Who can benefit"), "lines", _criteria_lines(page.criteria)),
        "body": (_("Policy text"), "text", _text(page.body)),
        "interpretation": (_("Interpretation"), "text", _text(page.interpretation)),
    }


def diff_text(old: str, new: str) -> list[tuple[str, str]]:
    """Sentences kept, removed and added; inside a replaced passage, characters."""
    a = [s for s in _SENTENCE.split(old or "") if s]
    b = [s for s in _SENTENCE.split(new or "") if s]
    segments: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(("equal", "".join(a[i1:i2])))
        elif op == "delete":
            segments.append(("delete", "".join(a[i1:i2])))
        elif op == "insert":
            segments.append(("insert", "".join(b[j1:j2])))
        else:
            segments.extend(_diff_characters("".join(a[i1:i2]), "".join(b[j1:j2])))
    return _merge(segments)


def _diff_characters(old: str, new: str) -> list[tuple[str, str]]:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    if matcher.ratio() < 0.4:  # little in common: the whole passage was rewritten
        return [("delete", old), ("insert", new)]
    out = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(("equal", old[i1:i2]))
        else:
            if i2 > i1:
                out.append(("delete", old[i1:i2]))
            if j2 > j1:
                out.append(("insert", new[j1:j2]))
    return out


def _merge(segments):
    merged: list[tuple[str, str]] = []
    for op, text in segments:
        if not text:
            continue
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        else:
            merged.append((op, text))
    return merged


def diff_lines(old: list[str], new: list[str]) -> list[tuple[str, str]]:
    """Lines kept, removed and added (criteria)."""
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new).get_opcodes():
        if op == "equal":
            out.extend(("equal", line) for line in old[i1:i2])
        else:
            out.extend(("delete", line) for line in old[i1:i2])
            out.extend(("insert", line) for line in new[j1:j2])
    return out


def compare(old_page, new_page) -> list[Change]:
    """The fields that differ between two versions (``old_page`` None: the first version)."""
    new = snapshot(new_page)
    old = snapshot(old_page) if old_page is not None else None
    changes = []
    for name, (label, kind, value) in new.items():
        before = old[name][2] if old else ([] if kind == "lines" else "")
        if before == value:
            continue
        if kind == "lines":
            changes.append(Change(str(label), diff_lines(before, value), lines=True))
        else:
            changes.append(Change(str(label), diff_text(before, value)))
    return changes


def fingerprint(page) -> tuple:
    """What a follower is told about when it changes: every compared field's value."""
    return tuple(
        (name, tuple(value) if isinstance(value, list) else value)
        for name, (_label, _kind, value) in snapshot(page).items()
    )
