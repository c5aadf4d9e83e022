"""Certificates for approved applications: content, rendering, issue and verification.

``content`` (what is printed and signed) and ``render`` (the PDF) are pure code; they know
nothing of the models.
"""


def on_approved(application) -> None:
    """The approval hook (``policies.applications.services``): issue once the approval commits."""
    from .issue import on_approved as queue_issue

    queue_issue(application)
