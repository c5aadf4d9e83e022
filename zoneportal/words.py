"""Joining words as the active language writes them (docs/copy.md).

Chinese lists are joined with 、 and Chinese sentences follow one another without a space (each
ends with 。); English uses ", " and a space. Never join Chinese with ASCII ", " or "; ".
"""

from __future__ import annotations

from django.utils.translation import get_language


def _english() -> bool:
    return (get_language() or "").startswith("en")


def join_names(names) -> str:
    """南部园区、西部园区 / South Park, West Park."""
    return (", " if _english() else "、").join(str(name) for name in names)


def join_sentences(sentences) -> str:
    """Whole sentences, one after the other."""
    return (" " if _english() else "").join(str(s).strip() for s in sentences if str(s).strip())
