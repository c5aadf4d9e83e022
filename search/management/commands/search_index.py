"""``manage.py search_index rebuild | status``: the indices, rebuilt from the database.

``rebuild`` builds a new index for each kind (or ``--kind``) from the database in batches and
swaps the alias in one call, so search keeps answering throughout (``search.indexing``).
``status`` prints, per kind, the database count, the index count and the drift (ids missing
from the index, ids in the index that should not be); with ``--check`` it exits non-zero when
there is drift (for monitoring and CI).
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from elastic_transport import TransportError
from elasticsearch import ApiError

from search import indexing
from search.registry import KINDS

BAR_WIDTH = 30


class ProgressBar:
    """``[#########      ] 52% 10400/20000`` on one line (a line per tenth when not a terminal)."""

    def __init__(self, stream, label: str):
        self.stream = stream
        self.label = label
        self.interactive = hasattr(stream, "isatty") and stream.isatty()
        self.last_tenth = -1

    def __call__(self, done: int, total: int) -> None:
        share = done / total if total else 1.0
        filled = int(BAR_WIDTH * share)
        line = (
            f"{self.label} [{'#' * filled}{' ' * (BAR_WIDTH - filled)}] "
            f"{int(share * 100):3d}% {done}/{total}"
        )
        if self.interactive:
            self.stream.write("\r" + line)
            if done >= total:
                self.stream.write("\n")
            self.stream.flush()
            return
        tenth = int(share * 10)
        if tenth != self.last_tenth:
            self.last_tenth = tenth
            self.stream.write(line + "\n")
            self.stream.flush()


class Command(BaseCommand):
    help = "Rebuild the search indices from the database without downtime, or show their status."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "status"])
        parser.add_argument(
            "--kind",
            action="append",
            dest="kinds",
            help="Only this kind of index (repeatable). Default: every registered kind.",
        )
        parser.add_argument("--batch-size", type=int, default=indexing.BATCH_SIZE)
        parser.add_argument(
            "--force",
            action="store_true",
            help="rebuild: take over from a rebuild that died and left its new index behind",
        )
        parser.add_argument(
            "--check", action="store_true", help="status: exit with status 1 on any drift"
        )

    def handle(self, *args, action, kinds, batch_size, force, check, **options):
        names = kinds or sorted(KINDS)
        unknown = [name for name in names if name not in KINDS]
        if unknown:
            raise CommandError(
                f"unknown kind(s): {', '.join(unknown)}; registered: {', '.join(sorted(KINDS))}"
            )
        try:
            if action == "rebuild":
                self.rebuild(names, batch_size, force)
            else:
                self.status(names, check)
        except (ApiError, TransportError) as exc:
            raise CommandError(f"Elasticsearch: {exc}") from exc

    def rebuild(self, names, batch_size, force):
        for name in names:
            self.stdout.write(f"Rebuilding {name} …")
            try:
                report = indexing.rebuild(
                    name,
                    batch_size=max(1, batch_size),
                    force=force,
                    progress=ProgressBar(self.stdout, name),
                )
            except indexing.RebuildError as exc:
                raise CommandError(str(exc)) from exc
            message = (
                f"{name}: {report.indexed} documents in {report.seconds:.1f} s "
                f"({report.rate:.0f}/s) into {report.index}"
            )
            if report.newer_in_index:
                message += f"; {report.newer_in_index} already newer (written during the rebuild)"
            if report.deleted_indices:
                message += f"; removed {', '.join(report.deleted_indices)}"
            self.stdout.write(self.style.SUCCESS(message))

    def status(self, names, check):
        drift = False
        header = f"{'kind':<14}{'database':>10}{'index':>10}{'missing':>10}{'extra':>10}  index"
        self.stdout.write(header)
        details = []
        for name in names:
            state = indexing.status(name)
            drift |= state.drift
            count = "absent" if state.index_count is None else str(state.index_count)
            behind = ", ".join(state.indices) or "-"
            if state.rebuilding:
                behind += " (rebuild running)"
            self.stdout.write(
                f"{name:<14}{state.database_count:>10}{count:>10}"
                f"{len(state.missing):>10}{len(state.extra):>10}  {behind}"
            )
            if state.missing:
                details.append(f"{name}: missing from the index: {_ids(state.missing)}")
            if state.extra:
                details.append(f"{name}: in the index but not in the database: {_ids(state.extra)}")
        for line in details:
            self.stdout.write(line)
        if drift:
            self.stdout.write(
                self.style.WARNING("Drift found: `manage.py search_index rebuild` repairs it.")
            )
            if check:
                sys.exit(1)
        else:
            self.stdout.write(self.style.SUCCESS("No drift."))


def _ids(ids: list[str], limit: int = 20) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" … (+{len(ids) - limit})" if len(ids) > limit else "")
