"""Running the outbox in tests as the commit, the relay and the workers would."""

from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client

from notifications import outbox


def deliver(now=None, rounds: int = 20) -> None:
    """Dispatch (and, with eager tasks, run) outbox rows until nothing is due.

    Bounded: a row that keeps failing (an index the test never made) is due again at ``now``
    when ``now`` lies in the future, and must not keep the test going round for ever.
    """
    for _round in range(rounds):
        if not outbox.dispatch(now=now):
            return


class CommittingClient(Client):
    """The test client, with what follows a commit: each request's on-commit work runs.

    Tests run inside a transaction that is never committed, so what a request asks to do on
    commit (dispatch its outbox rows) would never happen; here it does, right after the
    request, as it would once the request's transaction commits. Work that the test's own
    set-up queued is left alone, as before.
    """

    def request(self, **request):
        connection = connections[DEFAULT_DB_ALIAS]
        start = len(connection.run_on_commit)
        response = super().request(**request)
        while len(connection.run_on_commit) > start:
            callbacks = connection.run_on_commit[start:]
            del connection.run_on_commit[start:]
            for _savepoints, callback, robust in callbacks:
                try:
                    callback()
                except Exception:
                    if not robust:
                        raise
        return response
