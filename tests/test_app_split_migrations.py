"""Moving applications, certificates and the message centre into apps of their own keeps every row.

The database is filled through the portal, taken back to the schema before the move (the rows
then sit in the old ``policies_*`` and ``enterprises_*`` tables, as on a server that ran the
previous release), and migrated forward again: every row is found through the new models, with
its ids and its relations, and the reviewers still hold the permission that lets them review.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from applications import services
from applications.models import Application, ApplicationEvent, Programme
from certificates.models import Certificate
from notifications.models import Notification, PolicyMatchNotice
from tests.factories import make_application, make_reviewer
from tests.outbox_support import deliver

BEFORE_THE_MOVE = [
    ("policies", "0008_certificates"),
    ("enterprises", "0005_notifications"),
    ("applications", None),
    ("certificates", None),
    ("notifications", None),
]
OLD_TABLES = {
    "policies_programme": Programme,
    "policies_application": Application,
    "policies_applicationevent": ApplicationEvent,
    "policies_certificate": Certificate,
    "policies_policymatchnotice": PolicyMatchNotice,
    "enterprises_notification": Notification,
}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


def count(table):
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 — names from the code
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rows_written_before_the_move_are_all_there_after_it(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    reviewer = make_reviewer()
    application = make_application(submit=True)
    services.transition(application, "accept", by=reviewer)
    services.transition(application, "approve", by=reviewer, amount="1000")
    deliver()  # the messages and the certificate, as after the commit
    PolicyMatchNotice.objects.create(
        policy_id=application.programme.page_id,
        enterprise=application.enterprise,
        criteria_fingerprint="f" * 64,
    )
    before = {
        model: sorted(model.objects.values_list("pk", flat=True)) for model in OLD_TABLES.values()
    }
    assert all(before.values()), before
    certificate = Certificate.objects.get()

    try:
        migrate(BEFORE_THE_MOVE)
        tables = connection.introspection.table_names()
        for table, model in OLD_TABLES.items():
            assert table in tables
            assert model._meta.db_table not in tables
            assert count(table) == len(before[model])
    finally:
        migrate(None)  # the current schema, for the next tests whatever happened

    for model, pks in before.items():
        assert sorted(model.objects.values_list("pk", flat=True)) == pks
    moved = Application.objects.get(pk=application.pk)
    assert moved.state == "approved" and moved.events.count() == 4
    assert moved.certificates.get().number == certificate.number
    assert services.is_reviewer(type(reviewer).objects.get(pk=reviewer.pk))
    # The schema the models describe is exactly the one the migrations made.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
