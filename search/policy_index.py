"""The policies index kind: which pages belong in it and how a page becomes a document.

Only live, public ``PolicyPage`` rows are indexed (a draft, a page behind a view restriction or
an unpublished page is not). ``search.signals`` keeps the index true as pages are published,
unpublished, moved and deleted; ``search_index rebuild`` rebuilds it from ``policy_queryset``.

Versions (external versioning, see ``search.indexing``). Wagtail writes an audit-log entry
(``PageLogEntry``) in the same transaction as every publish, unpublish, move and delete, and
their ids only grow. A document's version is derived from the newest log entry id of its page,
read in the same SQL statement as the page itself:

- a live page is indexed with ``2 × log_id + 1``;
- a page that is no longer live is deleted with ``2 × log_id`` (read after the row): a task
  that read the page while it was still live (older log id) loses, while a publish that
  commits between the two reads wins the tie by its ``+ 1``;
- a page that no longer exists is deleted with ``DELETED_VERSION``: ids are never reused.

A rename of a department changes no page, so its documents are rewritten at the same version,
which ``external_gte`` accepts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils import translation
from wagtail.models import Page, PageLogEntry
from wagtail.rich_text import get_text_for_indexing

from policies.in_force import index_expiry
from policies.models import PolicyPage
from policies.windows import index_window

from . import analysis
from .documents import PolicyDocument, criteria_fields
from .registry import IndexKind, register

KIND = "policies"
DELETED_VERSION = 2**62  # a deleted page never comes back


@dataclass(frozen=True)
class FaqSource:
    """Questions and answers shown on policy pages by an app above this one (``enquiries``):
    ``prefetch`` (a lookup or ``Prefetch`` for ``policy_queryset``) and ``pairs(page)``, the
    page's published (question, answer) pairs read from what was prefetched."""

    prefetch: object
    pairs: Callable[[PolicyPage], list[tuple[str, str]]]


_FAQ_SOURCES: list[FaqSource] = []


def register_faqs(prefetch, pairs) -> None:
    """Index a policy's questions and answers with it (called from an ``AppConfig.ready``)."""
    _FAQ_SOURCES.append(FaqSource(prefetch, pairs))


def faq_pairs(page: PolicyPage) -> list[tuple[str, str]]:
    return [pair for source in _FAQ_SOURCES for pair in source.pairs(page)]


def _newest_log_id():
    return PageLogEntry.objects.filter(page_id=OuterRef("pk")).order_by("-id").values("id")[:1]


def policy_queryset():
    """Every policy that belongs in the index, with what building its document needs."""
    return (
        PolicyPage.objects.live()
        .public()
        .select_related("department")
        .prefetch_related("tagged_items__tag", "programmes", *(s.prefetch for s in _FAQ_SOURCES))
        .annotate(index_log_id=Subquery(_newest_log_id()))
        .order_by("pk")
    )


def policy_version(page: PolicyPage) -> int:
    log_id = getattr(page, "index_log_id", None)
    if log_id is None and not hasattr(page, "index_log_id"):
        log_id = newest_log_id(page.pk)
    return 2 * (log_id or 0) + 1


def newest_log_id(page_id: int) -> int | None:
    return (
        PageLogEntry.objects.filter(page_id=page_id)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )


def removal_version(page_id: int) -> int:
    """The version a delete of this page's document is written with (module docstring)."""
    if not Page.objects.filter(pk=page_id).exists():
        return DELETED_VERSION
    return 2 * (newest_log_id(page_id) or 0)


def body_text(page: PolicyPage) -> str:
    """The policy text (StreamField) as plain text, paragraphs separated by blank lines."""
    if not page.body:
        return ""
    parts = page.body.stream_block.get_searchable_content(page.body)
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


def application_windows(page: PolicyPage) -> list[dict]:
    """The windows of the policy's programmes (``date_range`` values), whether open or not:
    the search decides "open now" when it runs (``policies.windows``)."""
    windows = (index_window(p.opens_at, p.closes_at) for p in page.programmes.all())
    return [window for window in windows if window is not None]


def policy_document(page: PolicyPage) -> dict:
    """The document of one live policy page (``PolicyDocument``'s fields)."""
    criteria = page.parsed_criteria
    interpretation = get_text_for_indexing(page.interpretation or "")
    body = body_text(page)
    tags = [item.tag.name for item in page.tagged_items.all()]
    faqs = faq_pairs(page)
    with translation.override(settings.LANGUAGE_CODE):
        url = page.get_url() or page.url_path
    title_py = analysis.pinyin_syllables(page.title)
    document = {
        "title": page.title,
        "title_seg": analysis.segmented(page.title),
        "title_py": title_py,
        "title_py_initials": analysis.pinyin_initials(title_py),
        "summary_py": analysis.pinyin_syllables(page.summary),
        "title_en": page.title_en,
        "summary": page.summary,
        "summary_seg": analysis.segmented(f"{page.summary}\n{page.summary_en}"),
        "summary_en": page.summary_en,
        "body": body,
        "body_seg": analysis.segmented(body),
        "interpretation": interpretation,
        "interpretation_seg": analysis.segmented(interpretation),
        "tags": tags,
        "external_id": page.external_id,
        "document_number": page.document_number,
        "document_number_key": analysis.document_number_key(page.document_number),
        "department": page.department.name,
        "department_en": page.department.name_en,
        "department_id": page.department_id,
        "policy_type": page.policy_type,
        "effective_date": page.effective_date.isoformat(),
        "expiry_date": index_expiry(page.expiry_date, page.repealed_on).isoformat(),
        "apply_free": page.apply_free,
        "application_windows": application_windows(page),
        "industries": list(criteria.industries),
        "areas": list(criteria.areas),
        "url_path": url,
        "page_id": page.pk,
        "suggest": {"input": analysis.suggest_inputs(page.title, page.title_en)},
        "revision": page.live_revision_id or 0,
    }
    # The English title is searched with the words of the title (title_seg holds both).
    if page.title_en:
        document["title_seg"] += " " + analysis.segmented(page.title_en)
    if faqs:  # only then: a policy without questions and answers is written as before
        document["faq_questions"] = [question for question, _answer in faqs]
        document["faq_answers"] = [answer for _question, answer in faqs]
        document["faq_seg"] = analysis.segmented("\n\n".join(f"{q}\n{a}" for q, a in faqs))
    document.update(criteria_fields(criteria))
    return document


POLICIES = register(
    IndexKind(
        name=KIND,
        document=PolicyDocument,
        queryset=policy_queryset,
        to_document=policy_document,
        version=policy_version,
    )
)
