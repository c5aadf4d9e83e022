"""``seed_demo`` shows every state of every fulfilment machine (docs/fulfilment.md)."""

import io

import pytest
from django.core.management import call_command

from fulfilment.models import (
    AcceptanceReport,
    AcceptanceState,
    AccountState,
    Award,
    AwardState,
    BankAccount,
    BatchState,
    EntryState,
    Instalment,
    InstalmentState,
    PaymentBatch,
    Roster,
    RosterEntry,
    RosterState,
)


@pytest.mark.django_db
def test_the_demo_covers_every_state(monkeypatch, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    monkeypatch.setenv("DEMO_PASSWORD", "test-demo-password")
    call_command("seed_demo", stdout=io.StringIO())
    machines = [
        (BankAccount, AccountState),
        (Award, AwardState),
        (Instalment, InstalmentState),
        (PaymentBatch, BatchState),
        (AcceptanceReport, AcceptanceState),
        (Roster, RosterState),
        (RosterEntry, EntryState),
    ]
    for model, states in machines:
        seen = set(model.objects.values_list("state", flat=True))
        assert seen == set(states.values), (model.__name__, set(states.values) - seen)
    assert set(Award.objects.values_list("source", flat=True)) == {"application", "apply_free"}
    out = io.StringIO()
    call_command("seed_demo", stdout=out)  # a second run adds nothing
    assert Award.objects.count() == 7
