import pytest

from applications import services
from tests.factories import make_application, make_reviewer

pytestmark = pytest.mark.django_db


def test_happy_path(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    application = make_application(submit=True)
    assert application.state == "submitted"
    assert application.reference.startswith("CDHT-")
    reviewer = make_reviewer()
    out = services.transition(application, "accept", by=reviewer)
    assert out.application.due_date
    out = services.transition(application, "approve", by=reviewer, amount="200000")
    assert out.application.state == "approved"
