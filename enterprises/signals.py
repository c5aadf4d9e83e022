"""What happens to companies, announced for the apps that tell people about it.

Enterprises sits below the message centre (``notifications`` reads companies and members), so it
does not call it: it sends these signals inside its transactions, and ``notifications.receivers``
turns them into messages and e-mails written to the outbox in the same transaction.
"""

from django.dispatch import Signal

#: A company's members should hear something. Arguments: ``enterprise``, ``key`` (what it is
#: about, so it is told once), ``subject``, ``body``, ``url``.
members_told = Signal()

#: Someone was invited to join a company. Arguments: ``invitation``, ``url`` (the link to accept).
invitation_created = Signal()
