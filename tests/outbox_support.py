"""Running the outbox in tests as the relay and the workers would, over time."""

from notifications import outbox


def deliver(now=None) -> None:
    """Dispatch (and, with eager tasks, run) outbox rows until nothing is due."""
    while outbox.dispatch(now=now):
        pass
