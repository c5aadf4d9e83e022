"""What the apps' services raise when a rule says no, and the first thing every staff right asks.

Each app names its own kind (``ApplicationError``, ``EnquiryError``, ``FulfilmentError``,
``CertificateError``) so that a view catches only its own; they behave alike."""


class Refusal(Exception):
    """Something asked cannot be done: ``message`` says why, for the person asking (in their
    language), ``code`` names the rule that said no (for callers and tests)."""

    def __init__(self, message, code="invalid"):
        super().__init__(message)
        self.message = str(message)
        self.code = code


def is_active_staff(user) -> bool:
    """Signed in, active and staff: what any staff right needs before its permission."""
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)
