"""The kinds of index the portal keeps, so that rebuild and status work over all of them.

Each kind says how to build its documents from the database (the truth). ``search_index
rebuild`` streams ``queryset()`` in batches through ``to_document`` into a new index and swaps
the alias; ``search_index status`` compares ``queryset().count()`` with the index.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from elasticsearch.dsl import Document


@dataclass(frozen=True)
class IndexKind:
    name: str  # "policies", "enterprises": the alias is f"{SEARCH_INDEX_PREFIX}-{name}"
    document: type[Document]  # its mapping
    queryset: Callable[[], QuerySet]  # every row that belongs in the index
    to_document: Callable[[object], dict]  # a row as the document's source
    version: Callable[[object], int]  # monotonically increasing per row (external versioning)


KINDS: dict[str, IndexKind] = {}


def register(kind: IndexKind) -> IndexKind:
    KINDS[kind.name] = kind
    return kind
