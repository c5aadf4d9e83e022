"""Index management for every registered kind: aliases, rebuilds, single-document writes.

Layout. Every kind is read and written through an alias, ``<prefix>-<kind>``
(``search.documents.index_name``), pointing at one concrete index
``<prefix>-<kind>-<timestamp>-<random>``. Nothing ever writes to a concrete name except a
rebuild filling its new index, and every write passes ``require_alias=True``, so a write can
never auto-create an index with a guessed mapping.

Rebuild without downtime (``rebuild``):

1. create a new concrete index with the kind's mapping (refresh switched off while filling);
2. point the alias ``<prefix>-<kind>-next`` at it: while the rebuild runs, single-document
   writes (tasks) go to the live index *and* to the new one, so nothing changed during the
   rebuild is lost;
3. stream ``kind.queryset()`` from the database in batches (``iterator(chunk_size=…)``) and
   bulk-index it, retrying a batch on connection errors and timeouts; every document carries
   its external version, so a row the stream read before a task wrote a newer version of it
   is rejected by the version check (counted as "newer in index", not an error);
4. refresh, then swap in **one** ``update_aliases`` call: remove the alias from the old index,
   add it to the new one, drop the ``-next`` alias;
5. delete the old index.

Searches read the alias, which always points at a complete index: they keep answering
throughout. If anything fails before the swap, the new index is deleted and the old one stays.

Versions. Writes use ``version_type="external_gte"``: a document is replaced only by a version
equal to or newer than the one indexed (equal lets an unchanged row be written again, e.g.
after a move). Deletes leave a tombstone with their version (kept for ``index.gc_deletes``),
so an older write arriving after a delete does not bring the document back. What a version is
comes from the kind (``IndexKind.version``).
"""

from __future__ import annotations

import datetime
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, TransportError
from elasticsearch import ApiError, ConflictError, NotFoundError, helpers

from .client import get_client
from .documents import index_name
from .registry import KINDS, IndexKind

logger = logging.getLogger(__name__)

# Errors after which a write is worth trying again later: the node is down, hung or busy.
RETRYABLE = (TransportConnectionError, ConnectionTimeout)
BATCH_SIZE = 500
BULK_TIMEOUT = 120  # seconds for one bulk request of a rebuild
BULK_ATTEMPTS = 5

INDEXED, DELETED, STALE, MISSING = "indexed", "deleted", "stale", "missing"


class RebuildError(RuntimeError):
    """A rebuild could not finish; the live index was left as it was."""


def get_kind(kind: IndexKind | str) -> IndexKind:
    if isinstance(kind, IndexKind):
        return kind
    try:
        return KINDS[kind]
    except KeyError:
        known = ", ".join(sorted(KINDS)) or "none"
        raise KeyError(f"unknown index kind {kind!r} (registered: {known})") from None


def alias_of(kind: IndexKind | str) -> str:
    return index_name(get_kind(kind).name)


def next_alias_of(kind: IndexKind | str) -> str:
    """The alias of an index being rebuilt (absent when no rebuild runs)."""
    return alias_of(kind) + "-next"


def _refresh_setting():
    """``refresh`` for single-document writes: off in production, immediate in tests."""
    value = str(getattr(settings, "SEARCH_WRITE_REFRESH", "false")).lower()
    return {"true": True, "wait_for": "wait_for"}.get(value, False)


def _new_index_name(kind: IndexKind) -> str:
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d%H%M%S")
    return f"{alias_of(kind)}-{stamp}-{uuid.uuid4().hex[:6]}"


def concrete_indices(kind: IndexKind | str, client=None) -> list[str]:
    """The concrete indices the kind's alias points at (normally exactly one)."""
    client = client or get_client()
    try:
        return sorted(client.indices.get_alias(name=alias_of(kind)).body)
    except NotFoundError:
        return []


def create_index(kind: IndexKind | str, name: str, *, client=None, aliases=None, **extra):
    """Create the concrete index ``name`` with the kind's settings and mapping."""
    kind = get_kind(kind)
    client = client or get_client()
    body = kind.document._index.to_dict()
    index_settings = dict(body.get("settings", {}))
    index_settings.update(extra)
    client.indices.create(
        index=name,
        settings=index_settings,
        mappings=body.get("mappings", {}),
        aliases=aliases,
    )


def ensure_index(kind: IndexKind | str, client=None) -> str:
    """The kind's alias, creating a first index behind it when there is none. Idempotent."""
    kind = get_kind(kind)
    client = client or get_client()
    alias = alias_of(kind)
    if client.indices.exists_alias(name=alias) or client.indices.exists(index=alias):
        return alias
    try:
        create_index(kind, _new_index_name(kind), client=client, aliases={alias: {}})
    except ApiError:
        # Created by someone else at the same moment: fine, as long as it is there now.
        if not client.indices.exists_alias(name=alias):
            raise
    return alias


def _write_targets(kind: IndexKind, client) -> list[str]:
    targets = [alias_of(kind)]
    if client.indices.exists_alias(name=next_alias_of(kind)):
        targets.append(next_alias_of(kind))
    return targets


def _write(kind: IndexKind, client, operation: Callable[[str], str]) -> str:
    """Run ``operation(alias)`` on the live alias and, during a rebuild, on the new index too.

    The live alias decides the result. A missing live alias is created once and the write is
    tried again; a ``-next`` alias that vanished meanwhile (the rebuild just swapped) is fine.
    """
    client = client.options(request_timeout=getattr(settings, "SEARCH_WRITE_TIMEOUT_SECONDS", 10.0))
    targets = _write_targets(kind, client)
    try:
        result = operation(targets[0])
    except NotFoundError as exc:
        if not _is_missing_index(exc):
            raise
        ensure_index(kind, client)
        result = operation(targets[0])
    for target in targets[1:]:
        try:
            operation(target)
        except NotFoundError as exc:
            if not _is_missing_index(exc):
                raise
    return result


def _is_missing_index(exc: NotFoundError) -> bool:
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    return error.get("type") == "index_not_found_exception"


def upsert_source(
    kind: IndexKind | str, object_id, source: dict, version: int, *, client=None
) -> str:
    """Write one document unless a newer version is indexed. Returns ``indexed`` or ``stale``."""
    kind = get_kind(kind)
    client = client or get_client()
    refresh = _refresh_setting()

    def operation(target: str) -> str:
        try:
            client.index(
                index=target,
                id=str(object_id),
                document=source,
                version=version,
                version_type="external_gte",
                require_alias=True,
                refresh=refresh,
            )
        except ConflictError:
            return STALE
        return INDEXED

    return _write(kind, client, operation)


def upsert(kind: IndexKind | str, row, *, client=None) -> str:
    """Index one database row of ``kind`` (its ``to_document`` at its ``version``)."""
    kind = get_kind(kind)
    return upsert_source(kind, row.pk, kind.to_document(row), kind.version(row), client=client)


def delete(kind: IndexKind | str, object_id, version: int, *, client=None) -> str:
    """Delete one document unless a newer version is indexed.

    Returns ``deleted``, ``missing`` (there was none; a tombstone still guards against older
    writes) or ``stale`` (a newer version is indexed and stays).
    """
    kind = get_kind(kind)
    client = client or get_client()
    refresh = _refresh_setting()

    def operation(target: str) -> str:
        try:
            client.delete(
                index=target,
                id=str(object_id),
                version=version,
                version_type="external_gte",
                refresh=refresh,
            )
        except ConflictError:
            return STALE
        except NotFoundError as exc:
            if _is_missing_index(exc):
                raise
            return MISSING
        return DELETED

    return _write(kind, client, operation)


# --- rebuild ----------------------------------------------------------------------------


@dataclass
class RebuildReport:
    kind: str
    index: str
    total: int = 0
    indexed: int = 0
    newer_in_index: int = 0  # rows a task had already written in a newer version meanwhile
    seconds: float = 0.0
    deleted_indices: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.indexed / self.seconds if self.seconds else 0.0


def _bulk_with_retries(client, operations: list[dict]) -> dict:
    """One bulk request, tried again with backoff on connection errors, timeouts and 429."""
    delay = 1.0
    for attempt in range(1, BULK_ATTEMPTS + 1):
        try:
            response = client.options(request_timeout=BULK_TIMEOUT).bulk(operations=operations)
        except RETRYABLE:
            if attempt == BULK_ATTEMPTS:
                raise
        except ApiError as exc:
            if exc.meta.status != 429 or attempt == BULK_ATTEMPTS:
                raise
        else:
            throttled = [
                i for i in response["items"] if next(iter(i.values())).get("status") == 429
            ]
            if not throttled or attempt == BULK_ATTEMPTS:
                return response
        logger.warning("bulk request failed (attempt %d), retrying in %.0f s", attempt, delay)
        time.sleep(delay)
        delay = min(delay * 2, 30)
    raise AssertionError("unreachable")


def _batches(iterable: Iterable, size: int):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def rebuild(
    kind: IndexKind | str,
    *,
    client=None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
    force: bool = False,
) -> RebuildReport:
    """Build a new index for ``kind`` from the database and swap the alias (module docstring).

    ``progress(done, total)`` is called after each batch. ``force`` takes over from a rebuild
    that died without cleaning up (its ``-next`` alias is still there).
    """
    kind = get_kind(kind)
    client = client or get_client()
    alias, next_alias = alias_of(kind), next_alias_of(kind)
    if client.indices.exists_alias(name=next_alias):
        if not force:
            raise RebuildError(
                f"a rebuild of {kind.name} seems to be running ({next_alias} exists); "
                "use --force if a previous one died"
            )
        stale = sorted(client.indices.get_alias(name=next_alias).body)
        client.indices.delete(index=",".join(stale), ignore_unavailable=True)

    started = time.monotonic()
    new = _new_index_name(kind)
    report = RebuildReport(kind=kind.name, index=new)
    create_index(kind, new, client=client, refresh_interval="-1")
    swapped = False
    try:
        client.indices.update_aliases(actions=[{"add": {"index": new, "alias": next_alias}}])
        queryset = kind.queryset()
        report.total = queryset.count()
        if progress:
            progress(0, report.total)
        done = 0
        for rows in _batches(queryset.iterator(chunk_size=batch_size), batch_size):
            operations: list[dict] = []
            for row in rows:
                operations.append(
                    {
                        "index": {
                            "_index": new,
                            "_id": str(row.pk),
                            "version": kind.version(row),
                            "version_type": "external_gte",
                        }
                    }
                )
                operations.append(kind.to_document(row))
            response = _bulk_with_retries(client, operations)
            for item in response["items"]:
                result = item["index"]
                if result.get("status") == 409:
                    report.newer_in_index += 1
                elif "error" in result:
                    raise RebuildError(f"document {result.get('_id')}: {result['error']}")
                else:
                    report.indexed += 1
            done += len(rows)
            if progress:
                progress(done, max(report.total, done))
        client.indices.put_settings(index=new, settings={"index": {"refresh_interval": None}})
        client.indices.refresh(index=new)

        old = concrete_indices(kind, client)
        actions: list[dict] = [{"remove": {"index": name, "alias": alias}} for name in old]
        if not old and client.indices.exists(index=alias):
            # A plain index with the alias's name (an older layout) is replaced atomically.
            actions.append({"remove_index": {"index": alias}})
        actions.append({"add": {"index": new, "alias": alias, "is_write_index": True}})
        actions.append({"remove": {"index": new, "alias": next_alias}})
        client.indices.update_aliases(actions=actions)
        swapped = True
        for name in old:
            try:
                client.indices.delete(index=name)
                report.deleted_indices.append(name)
            except NotFoundError:
                pass
    except BaseException:
        if not swapped:
            try:
                client.indices.delete(index=new, ignore_unavailable=True)
            except (ApiError, TransportError):
                logger.exception("could not delete the unfinished index %s", new)
        raise
    report.seconds = time.monotonic() - started
    return report


# --- status -----------------------------------------------------------------------------


@dataclass
class KindStatus:
    kind: str
    alias: str
    indices: list[str]
    database_count: int
    index_count: int | None  # None: the index does not exist
    missing: list[str]  # in the database, not in the index
    extra: list[str]  # in the index, not in the database
    rebuilding: bool = False

    @property
    def drift(self) -> bool:
        return self.index_count is None or bool(self.missing or self.extra)


def status(kind: IndexKind | str, client=None) -> KindStatus:
    """Database count, index count and the ids that differ between them."""
    kind = get_kind(kind)
    client = client or get_client()
    alias = alias_of(kind)
    database_ids = {str(pk) for pk in kind.queryset().values_list("pk", flat=True)}
    indices = concrete_indices(kind, client)
    if not indices and not client.indices.exists(index=alias):
        return KindStatus(
            kind.name, alias, [], len(database_ids), None, sorted(database_ids, key=_id_key), []
        )
    client.indices.refresh(index=alias)
    index_ids = {
        hit["_id"]
        for hit in helpers.scan(
            client,
            index=alias,
            query={"query": {"match_all": {}}},
            _source=False,
            size=2000,
            # scan's default (None) would switch the client's timeout off: a hung node would
            # hang the command.
            request_timeout=BULK_TIMEOUT,
        )
    }
    return KindStatus(
        kind=kind.name,
        alias=alias,
        indices=indices,
        database_count=len(database_ids),
        index_count=len(index_ids),
        missing=sorted(database_ids - index_ids, key=_id_key),
        extra=sorted(index_ids - database_ids, key=_id_key),
        rebuilding=bool(client.indices.exists_alias(name=next_alias_of(kind))),
    )


def _id_key(value: str):
    return (0, int(value), "") if value.isdigit() else (1, 0, value)


def delete_all(prefix: str | None = None, client=None) -> list[str]:
    """Delete every index whose name starts with ``<prefix>-`` (tests clean up with this)."""
    client = client or get_client()
    prefix = prefix or settings.SEARCH_INDEX_PREFIX
    names = sorted(client.indices.get(index=f"{prefix}-*", expand_wildcards="all").body)
    if names:
        client.indices.delete(index=",".join(names), ignore_unavailable=True)
    return names
