"""HTTP helpers shared by the apps."""

from urllib.parse import quote


def content_disposition(disposition: str, filename: str, *, fallback: str | None = None) -> str:
    """``inline``/``attachment`` naming the file twice (RFC 6266, RFC 5987).

    Browsers use ``filename*`` (UTF-8, so Chinese names survive); the plain ``filename`` is an
    ASCII fallback for clients that cannot read it: ``fallback`` if given, else the name's ASCII
    part when that is the whole name, else ``document.<extension>``.
    """
    if fallback is None:
        ascii_part = filename.encode("ascii", "ignore").decode().replace('"', "").replace("\\", "")
        extension = filename.rsplit(".", 1)[-1] if "." in filename else ""
        if ascii_part.strip(". ") and ascii_part == filename:
            fallback = ascii_part
        else:
            fallback = f"document.{extension}" if extension.isascii() and extension else "document"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def absolute_url(path: str = "") -> str:
    """``path`` on the portal's public address (``WAGTAILADMIN_BASE_URL``), for e-mails and QR
    codes, which leave the request behind."""
    from django.conf import settings

    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path
