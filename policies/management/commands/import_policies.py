"""``manage.py import_policies FILE [--dry-run] [--publish] [--create-departments]``.

Options ``--no-progress`` (no progress bar; there is none either when stderr is not a
terminal) and ``--no-index`` (queue no search indexing per policy; run ``manage.py search_index
rebuild`` afterwards).
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from policies.importing import ImportFileError, import_policies


class Command(BaseCommand):
    help = "Import policies from a JSON file (format: docs/policy-import.md)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the UTF-8 JSON file")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report, write nothing"
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="publish imported policies (default: save as drafts)",
        )
        parser.add_argument(
            "--create-departments",
            action="store_true",
            help="add unknown departments instead of rejecting the record",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="show no progress bar on stderr"
        )
        parser.add_argument(
            "--no-index",
            action="store_true",
            help="queue no search indexing for published policies (run search_index rebuild)",
        )

    def handle(self, *args, **options):
        path = options["file"]
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except FileNotFoundError as exc:
            raise CommandError(_("%(path)s: no such file") % {"path": path}) from exc
        except UnicodeDecodeError as exc:
            raise CommandError(
                _("%(path)s: not UTF-8 text (%(reason)s)") % {"path": path, "reason": exc.reason}
            ) from exc
        except json.JSONDecodeError as exc:
            raise CommandError(
                _("%(path)s: not valid JSON: %(msg)s at line %(line)d column %(column)d")
                % {"path": path, "msg": exc.msg, "line": exc.lineno, "column": exc.colno}
            ) from exc
        records = data.get("policies") if isinstance(data, dict) else None
        bar = self._progress_bar(
            len(records) if isinstance(records, list) else 0, options["no_progress"]
        )
        try:
            report = import_policies(
                data,
                publish=options["publish"],
                dry_run=options["dry_run"],
                create_departments=options["create_departments"],
                progress=bar.update,
                index=not options["no_index"],
            )
        except ImportFileError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        finally:
            bar.close()

        for error in report.errors:
            self.stderr.write(self.style.ERROR(str(error)))
        prefix = _("dry run, nothing written: ") if options["dry_run"] else ""
        summary = prefix + _(
            "%(created)d created, %(updated)d updated, %(unchanged)d unchanged, %(errors)d errors"
        ) % {
            "created": len(report.created),
            "updated": len(report.updated),
            "unchanged": len(report.unchanged),
            "errors": len(report.errors),
        }
        if report.departments_created:
            summary += _("; departments added: %(names)s") % {
                "names": ", ".join(report.departments_created)
            }
        if report.errors:
            self.stdout.write(summary)
            failed = len({(e.index) for e in report.errors})
            raise CommandError(_("%(count)d record(s) failed") % {"count": failed}, returncode=1)
        self.stdout.write(self.style.SUCCESS(summary))

    def _progress_bar(self, total: int, off: bool):
        """A tqdm bar on the real stderr, only when it is a terminal (never in captured output)."""
        from tqdm import tqdm

        stream = getattr(self.stderr, "_out", None)
        disable = off or stream is not sys.stderr or not sys.stderr.isatty()
        return tqdm(
            total=total,
            file=sys.stderr,
            disable=disable,
            unit=_("policies"),
            desc=_("Importing"),
            mininterval=0.5,
        )
