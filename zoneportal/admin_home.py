"""The staff's work to do on the Wagtail admin home (待办事项).

Each app says what work it has for a member of staff by registering a *source*: a function of
the user that returns ``WorkItem``s — a label, a count and the admin page where the work is
done — for the work that user's permissions allow (nothing otherwise). ``cms`` shows them in
one panel of the admin home (``construct_homepage_panels``). The registry lives here, below
every app, so that each app registers its own work without importing another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class WorkItem:
    label: str
    count: int
    url: str
    # Lower first; apps use the order of their admin menu items.
    order: int = 0

    @property
    def waiting(self) -> bool:
        return self.count > 0


Source = Callable[[object], Iterable[WorkItem]]
_sources: list[Source] = []


def work_source(source: Source) -> Source:
    """Register ``source`` (a decorator; each registration once)."""
    if source not in _sources:
        _sources.append(source)
    return source


def work_for(user) -> list[WorkItem]:
    """Every work item for ``user``, in order (an empty list for someone with no staff role)."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return []
    items = [item for source in _sources for item in source(user)]
    return sorted(items, key=lambda item: item.order)
