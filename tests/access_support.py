"""What the access-matrix tests share: the methods a page answers and the names of a URL
namespace (every pattern must be named, so that a new page cannot slip past its matrix)."""

from django.urls import get_resolver

GET, GET_POST, POST = ("GET",), ("GET", "POST"), ("POST",)


def names_in(namespace: str) -> list[str]:
    """The URL names of ``namespace``, in the URLconf's order."""
    _prefix, resolver = get_resolver().namespace_dict[namespace]
    names = []
    for pattern in resolver.url_patterns:
        assert pattern.name, f"unnamed URL pattern {pattern.pattern} in {namespace}"
        names.append(pattern.name)
    return names
