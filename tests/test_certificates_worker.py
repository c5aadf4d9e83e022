"""Issuing through a real Celery worker: approval → on_commit → Redis → worker → one certificate,
however often the task is delivered."""

from decimal import Decimal

import pytest

from applications import services
from certificates import tasks
from certificates.models import Certificate
from tests.factories import (
    make_application,
    make_policy,
    make_programme,
    make_reviewer,
    make_verified_enterprise,
)
from tests.matching_support import eventually
from tests.workers import celery_worker, tasks_sent_to_the_broker

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def worker(django_db_setup, django_db_blocker, tmp_path):
    with celery_worker(tmp_path, "certificates") as log_path, tasks_sent_to_the_broker():
        yield log_path


def approved_application(programme, reviewer):
    application = make_application(make_verified_enterprise(), programme, submit=True)
    services.transition(application, "accept", by=reviewer)
    return services.transition(
        application, "approve", by=reviewer, amount=Decimal("120000.00")
    ).application


def test_a_retried_task_never_makes_a_second_certificate(worker):
    reviewer = make_reviewer()
    programme = make_programme(make_policy(title="工人证书政策", criteria={}))
    first = approved_application(programme, reviewer)  # queued once by the approval itself
    # The same task delivered again and again (a retry, a duplicate delivery, a second hook).
    for _ in range(3):
        tasks.issue.delay(first.pk)
    # A later application's certificate proves the worker has taken every earlier task
    # (one solo worker, one queue, taken in order).
    sentinel = approved_application(programme, reviewer)
    eventually(lambda: Certificate.objects.filter(application=sentinel).exists(), timeout=90)

    certificates = list(Certificate.objects.filter(application=first))
    assert len(certificates) == 1
    certificate = certificates[0]
    assert certificate.printed().verify(certificate.signature)
    assert certificate.pdf.open("rb").read(5) == b"%PDF-"
    assert "certificates.issue" in worker.read_text()
