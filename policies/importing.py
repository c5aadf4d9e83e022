"""Bulk import of policies from the JSON format of docs/policy-import.md.

``import_policies(data, ...)`` validates every record, writes each valid one in its own
savepoint (a bad record writes nothing of itself), and returns a report. ``external_id`` is the
key: importing the same file twice updates pages, never duplicates them, and an unchanged record
creates no new revision.
"""

from __future__ import annotations

import contextlib
import datetime
import html
import logging
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connections, router, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from modelcluster.models import get_all_child_relations
from taggit.models import Tag
from wagtail.models import Page, PageLogEntry, Revision
from wagtail.search.backends import get_search_backend
from wagtail.signals import page_published

from .criteria import Criteria, CriteriaError, ReferenceCodes, to_decimal
from .models import Department, PolicyIndexPage, PolicyPage, PolicyPageTag, PolicyType

logger = logging.getLogger(__name__)

REQUIRED = (
    "external_id",
    "title",
    "department",
    "document_number",
    "policy_type",
    "effective_date",
    "summary",
    "body",
)
OPTIONAL = (
    "title_en",
    "expiry_date",
    "interpretation",
    "max_amount_wan",
    "apply_free",
    "criteria",
    "summary_en",
    "tags",
)
STRING_FIELDS = (
    "external_id",
    "title",
    "title_en",
    "department",
    "document_number",
    "summary",
    "summary_en",
    "body",
    "interpretation",
)
MAX_LENGTHS = {
    "external_id": 64,
    "title": 255,
    "title_en": 255,
    "document_number": 100,
    "department": 100,
}


class ImportFileError(ValueError):
    """The file as a whole cannot be read (bad JSON, no ``policies`` list)."""


@dataclass
class RecordError:
    index: int
    external_id: str | None
    field: str
    message: str

    def __str__(self):
        return _("record %(index)d (%(external_id)s): %(field)s: %(message)s") % {
            "index": self.index,
            "external_id": self.external_id or _("no external_id"),
            "field": self.field,
            "message": self.message,
        }


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    departments_created: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Rollback(Exception):
    """Raised inside the dry run's transaction to undo everything it wrote."""


CHUNK_SIZE = 500


@dataclass
class _Valid:
    index: int
    external_id: str
    values: dict
    department_name: str


def import_policies(
    data,
    *,
    publish: bool = False,
    dry_run: bool = False,
    create_departments: bool = False,
    parent: PolicyIndexPage | None = None,
    user=None,
    progress=None,
    index: bool = True,
) -> ImportReport:
    """Import ``data`` (the decoded JSON document). See the module docstring.

    Records are written in chunks of ``CHUNK_SIZE``, each in its own transaction (all in one
    that is rolled back for a dry run). ``progress(n)`` is called after each chunk with the
    number of records it handled. ``index=False`` queues no search indexing or reverse matching
    for the published policies: the caller runs ``manage.py search_index rebuild`` afterwards.
    """
    if not isinstance(data, dict) or not isinstance(data.get("policies"), list):
        raise ImportFileError(_('the file must be a JSON object with a "policies" list'))
    if parent is None:
        parent = PolicyIndexPage.objects.order_by("path").first()
        if parent is None:
            raise ImportFileError(_("there is no policy index page to import under"))
    state = _ImportState(
        report=ImportReport(),
        reference=ReferenceCodes.load(),
        parent=parent,
        publish=publish,
        create_departments=create_departments,
        user=user,
        index=index and not dry_run,
    )
    records = data["policies"]
    try:
        with transaction.atomic() if dry_run else contextlib.nullcontext():
            for start in range(0, len(records), CHUNK_SIZE):
                chunk = records[start : start + CHUNK_SIZE]
                with transaction.atomic():
                    _import_chunk(start, chunk, state)
                if progress is not None:
                    progress(len(chunk))
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return state.report


@dataclass
class _ImportState:
    report: ImportReport
    reference: ReferenceCodes
    parent: PolicyIndexPage
    publish: bool
    create_departments: bool
    user: object
    index: bool
    seen: set = field(default_factory=set)
    departments: dict = field(default_factory=dict)
    tags: dict = field(default_factory=dict)
    slugs: set | None = None


def _import_chunk(start: int, chunk: list, state: _ImportState) -> None:
    report = state.report
    valid: list[_Valid] = []
    for offset, record in enumerate(chunk):
        index = start + offset
        external_id = record.get("external_id") if isinstance(record, dict) else None
        external_id = external_id if isinstance(external_id, str) else None
        if not isinstance(record, dict):
            report.errors.append(RecordError(index, external_id, "record", _("must be an object")))
            continue
        values, problems = _validate(record, state.reference)
        if external_id and external_id in state.seen:
            problems.append(("external_id", _("appears twice in this file")))
        if problems:
            for field_name, message in problems:
                report.errors.append(RecordError(index, external_id, field_name, message))
            continue
        state.seen.add(external_id)
        department_name = values.pop("department")
        valid.append(_Valid(index, external_id, values, department_name))

    existing = set(
        PolicyPage.objects.filter(
            external_id__in=[item.values["external_id"] for item in valid]
        ).values_list("external_id", flat=True)
    )
    new: list[_Valid] = []
    for item in valid:
        department = _department(item, state)
        if department is None:
            continue
        item.values["department"] = department
        if item.values["external_id"] in existing:
            _write_one(item, state)
        else:
            new.append(item)
    if not new:
        return
    try:
        with transaction.atomic():
            pages = _create_pages(new, state)
            if state.publish and state.index:
                # What publishing one by one would have announced, in the same transaction:
                # the search index, pushes and the page cache follow (through their receivers).
                for page in pages:
                    page_published.send(sender=PolicyPage, instance=page, revision=None)
    except Exception:  # the records are tried one by one, to name the bad one
        logger.warning("bulk insert of %d policies failed; one by one", len(new), exc_info=True)
        state.slugs = None
        state.parent.refresh_from_db()
        for item in new:
            _write_one(item, state)
        return
    report.created.extend(item.external_id for item in new)


def _department(item: _Valid, state: _ImportState):
    name = item.department_name
    if name in state.departments:
        return state.departments[name]
    department = Department.objects.filter(name=name).first()
    if department is None:
        name = name.strip()
        if not state.create_departments:
            state.report.errors.append(
                RecordError(
                    item.index,
                    item.external_id,
                    "department",
                    _("unknown department %(name)s (use --create-departments to add it)")
                    % {"name": repr(name)},
                )
            )
            return None
        department = Department.objects.create(name=name)
        state.report.departments_created.append(name)
    state.departments[item.department_name] = department
    return department


def _write_one(item: _Valid, state: _ImportState) -> None:
    """One record through Wagtail's own page API, in its own savepoint."""
    try:
        with transaction.atomic():
            outcome = _write(
                dict(item.values), parent=state.parent, publish=state.publish, user=state.user
            )
    except Exception as exc:  # noqa: BLE001 - one record's failure must not stop the others
        state.report.errors.append(
            RecordError(
                item.index,
                item.external_id,
                "record",
                _("could not be saved: %(error)s") % {"error": exc},
            )
        )
        return
    getattr(state.report, outcome).append(item.external_id)


def _create_pages(items: list[_Valid], state: _ImportState) -> list[PolicyPage]:
    """New policies in bulk: the rows Wagtail's add_child, save_revision and publish write.

    Tree paths follow the parent's last child; each page gets its revision (the draft, or the
    published live revision), the log entries "created", "edited" (and "published"), its tags
    and its entry in the admin's search index. No page signal is sent: the caller queues the
    indexing that publishing would have queued.
    """
    parent = state.parent
    now = timezone.now()
    user = state.user
    page_type = ContentType.objects.get_for_model(PolicyPage)
    base_type = ContentType.objects.get_for_model(Page)
    if state.slugs is None:
        state.slugs = set(parent.get_children().values_list("slug", flat=True))
    last = parent.get_last_child()
    step = Page._str2int(last.path[-Page.steplen :]) if last else 0
    depth = parent.depth + 1

    child_relations = [r.get_accessor_name() for r in get_all_child_relations(PolicyPage)]
    pages = []
    tag_names = {name for item in items for name in item.values["tags"]}
    _load_tags(tag_names, state)
    for offset, item in enumerate(items, start=1):
        values = dict(item.values)
        tags = values.pop("tags")
        body_text = values.pop("body")
        values["interpretation"] = _interpretation_html(values["interpretation"])
        slug = _free_slug(state.slugs, values["external_id"])
        page = PolicyPage(
            **values,
            body=_body_blocks(body_text),
            slug=slug,
            path=Page._get_path(parent.path, depth, step + offset),
            depth=depth,
            numchild=0,
            url_path=f"{parent.url_path}{slug}/",
            content_type=page_type,
            locale_id=parent.locale_id,
            translation_key=uuid.uuid4(),
            owner=user,
            draft_title=values["title"],
            live=False,
            has_unpublished_changes=True,
            latest_revision_created_at=now,
        )
        page.tagged_items = [PolicyPageTag(tag=state.tags[name]) for name in tags]
        # A new page has no other child rows (attachments, programmes, comments): said here,
        # the revision's snapshot reads none from the database.
        for relation in child_relations:
            if relation != "tagged_items":
                setattr(page, relation, [])
        pages.append(page)

    _reserve_page_ids(pages)
    revisions = [
        Revision(
            content_type=page_type,
            base_content_type=base_type,
            object_id=str(page.pk),
            created_at=now,
            user=user,
            object_str=page.title,
            content=page.serializable_data(),  # as save_revision takes it: a draft
        )
        for page in pages
    ]
    _reserve_ids(Revision, revisions)
    for page, revision in zip(pages, revisions, strict=True):
        page.latest_revision_id = revision.pk
        if state.publish:
            page.live = True
            page.has_unpublished_changes = False
            page.first_published_at = page.last_published_at = now
            page.live_revision_id = revision.pk
    _insert_pages(pages)
    _insert(Revision, revisions)
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))
    parent.numchild += len(pages)

    _bulk_create(
        PolicyPageTag,
        [
            PolicyPageTag(tag=tagged.tag, content_object_id=page.pk)
            for page in pages
            for tagged in page.tagged_items.all()
        ],
    )
    actions = ["wagtail.create", "wagtail.edit"] + (["wagtail.publish"] if state.publish else [])
    _bulk_create(
        PageLogEntry,
        [
            PageLogEntry(
                content_type=page_type,
                label=page.title,
                action=action,
                data={},
                timestamp=now,
                user=user,
                revision=None if action == "wagtail.create" else revision,
                content_changed=True,
                page_id=page.pk,
            )
            for page, revision in zip(pages, revisions, strict=True)
            for action in actions
        ],
    )
    get_search_backend().add_bulk(PolicyPage, pages)
    return pages


def _reserve_page_ids(pages: list[PolicyPage]) -> None:
    """Give the new pages their ids (wagtailcore_page.id and the policy row's page_ptr_id)."""
    link = PolicyPage._meta.parents[Page]
    for page, pk in zip(pages, _next_ids(Page, len(pages)), strict=True):
        setattr(page, Page._meta.pk.attname, pk)
        setattr(page, link.attname, pk)


def _insert_pages(pages: list[PolicyPage]) -> None:
    """INSERT the pages' rows into wagtailcore_page, then policies_policypage.

    Django's bulk_create does not handle multi-table inheritance; this does what ``save()``
    does per table (``Model._save_table``), for a list at once.
    """
    _insert(Page, pages, fields=list(Page._meta.local_concrete_fields))
    _insert(PolicyPage, pages, fields=list(PolicyPage._meta.local_concrete_fields))
    for page in pages:
        page._state.adding = False
        page._state.db = _db(Page)


def _db(model) -> str:
    return router.db_for_write(model)


def _next_ids(model, count: int) -> list[int]:
    """``count`` new primary keys from the table's sequence.

    Elsewhere than on PostgreSQL (the SQLite demo database), the ids after the largest one: an
    import there is the only writer.
    """
    connection = connections[_db(model)]
    table, column = model._meta.db_table, model._meta.pk.column
    if count == 0:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [pk for (pk,) in cursor.fetchall()]
    start = (model._base_manager.aggregate(top=Max("pk"))["top"] or 0) + 1
    return list(range(start, start + count))


def _reserve_ids(model, objs) -> None:
    for obj, pk in zip(objs, _next_ids(model, len(objs)), strict=True):
        obj.pk = pk


def _insert(model, objs, fields=None) -> None:
    """INSERT ``objs`` (their primary keys already set) into ``model``'s own table.

    On PostgreSQL through COPY: Django 5.2's bulk INSERT sends the rows as arrays, which
    psycopg quotes character by character in Python (minutes for 20,000 revisions of JSON).
    """
    fields = fields or list(model._meta.concrete_fields)
    if not objs:
        return
    connection = connections[_db(model)]
    if connection.vendor != "postgresql":
        model._base_manager._insert(objs, fields=fields, using=_db(model))
        return
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for obj in objs:
            copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])


def _bulk_create(model, objs) -> None:
    _reserve_ids(model, objs)
    _insert(model, objs)


def _load_tags(names: set[str], state: _ImportState) -> None:
    missing = names - state.tags.keys()
    if not missing:
        return
    for tag in Tag.objects.filter(name__in=missing):
        state.tags[tag.name] = tag
    for name in sorted(missing - state.tags.keys()):
        state.tags[name] = Tag.objects.create(name=name)  # taggit picks a free slug


def _free_slug(taken: set[str], external_id: str) -> str:
    base = slugify(external_id)[:70] or "policy"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _validate(record, reference):
    """Check one record; return (values, [(field, message)])."""
    problems = []
    for key in REQUIRED:
        if record.get(key) in (None, ""):
            problems.append((key, _("is required")))
    for key in record:
        if key not in REQUIRED and key not in OPTIONAL:
            problems.append((key, _("unknown field")))
    for key in STRING_FIELDS:
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            problems.append((key, _("must be a string")))
        elif isinstance(value, str) and key in MAX_LENGTHS and len(value) > MAX_LENGTHS[key]:
            problems.append(
                (key, _("is longer than %(max)d characters") % {"max": MAX_LENGTHS[key]})
            )
    if problems:
        return {}, problems

    values = {
        "external_id": record["external_id"].strip(),
        "title": record["title"].strip(),
        "title_en": (record.get("title_en") or "").strip(),
        "department": record["department"].strip(),
        "document_number": record["document_number"].strip(),
        "summary": record["summary"].strip(),
        "summary_en": (record.get("summary_en") or "").strip(),
        "body": record["body"],
        "interpretation": record.get("interpretation") or "",
    }
    if record["policy_type"] not in PolicyType.values:
        problems.append(
            (
                "policy_type",
                _("must be one of %(values)s") % {"values": ", ".join(PolicyType.values)},
            )
        )
    else:
        values["policy_type"] = record["policy_type"]
    for key in ("effective_date", "expiry_date"):
        raw = record.get(key)
        if raw is None:
            values[key] = None
            continue
        try:
            values[key] = datetime.date.fromisoformat(raw) if isinstance(raw, str) else None
            if values[key] is None:
                raise ValueError
        except ValueError:
            problems.append((key, _("must be a date written YYYY-MM-DD")))
    if (
        values.get("effective_date")
        and values.get("expiry_date")
        and (values["expiry_date"] < values["effective_date"])
    ):
        problems.append(("expiry_date", _("is before effective_date")))
    apply_free = record.get("apply_free", False)
    if not isinstance(apply_free, bool):
        problems.append(("apply_free", _("must be true or false")))
    values["apply_free"] = apply_free is True
    amount = record.get("max_amount_wan")
    if amount is None:
        values["max_amount_wan"] = None
    else:
        number = to_decimal(amount) if not isinstance(amount, str) else None
        if number is None or number < 0 or number >= Decimal("10000000000"):
            problems.append(("max_amount_wan", _("must be a non-negative number")))
        else:
            values["max_amount_wan"] = number.quantize(Decimal("0.01"))
    tags = record.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        problems.append(("tags", _("must be a list of strings")))
    values["tags"] = [t.strip() for t in tags if isinstance(t, str) and t.strip()]
    try:
        values["criteria"] = Criteria.parse(record.get("criteria"), reference).to_dict()
    except CriteriaError as exc:
        for key, messages in exc.errors.items():
            problems.append((f"criteria.{key}", "; ".join(messages)))
    return values, problems


def _body_blocks(text: str) -> list[dict]:
    """Plain text with blank lines between paragraphs, as paragraph blocks."""
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return [
        {"type": "paragraph", "value": "<p>" + html.escape(p).replace("\n", "<br/>") + "</p>"}
        for p in paragraphs
    ]


def _interpretation_html(text: str) -> str:
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join("<p>" + html.escape(p).replace("\n", "<br/>") + "</p>" for p in paragraphs)


def _write(values, *, parent, publish, user) -> str:
    """Create or update the page of one valid record; return created/updated/unchanged."""
    tags = values.pop("tags")
    body_text = values.pop("body")
    values["interpretation"] = _interpretation_html(values["interpretation"])
    page = PolicyPage.objects.filter(external_id=values["external_id"]).first()
    if page is None:
        page = PolicyPage(
            **values,
            body=_body_blocks(body_text),
            slug=_unique_slug(parent, values["external_id"]),
            live=False,
        )
        parent.add_child(instance=page)
        page.tags.set(tags)
        revision = page.save_revision(user=user, log_action=True)
        if publish:
            revision.publish(user=user)
        return "created"

    draft = page.get_latest_revision_as_object()
    # Blocks an editor added by hand (headings, images) count as a difference: the file is the
    # source of an imported policy, so a changed record rewrites the body as the file says.
    current_body = [
        {
            "type": b.block_type,
            "value": b.value.source if b.block_type == "paragraph" else repr(b.value),
        }
        for b in draft.body
    ]
    changed = any(getattr(draft, key) != value for key, value in values.items())
    changed |= current_body != _body_blocks(body_text)
    changed |= sorted(t.name for t in draft.tags.all()) != sorted(tags)
    if not changed and (page.live or not publish) and not page.has_unpublished_changes:
        return "unchanged"
    for key, value in values.items():
        setattr(draft, key, value)
    draft.body = _body_blocks(body_text)
    draft.tags.set(tags)
    revision = draft.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user)
    return "updated"


def _unique_slug(parent, external_id: str) -> str:
    base = slugify(external_id)[:70] or "policy"
    slug, n = base, 2
    while parent.get_children().filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
