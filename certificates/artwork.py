"""The certificate's drawings, as inline SVG: the zone's emblem, the round red seal, the QR code.

All three are our own drawings (the emblem is the portal's, ``static/img/emblem.svg``). They are
inlined into the certificate's HTML, so rendering fetches nothing.

WeasyPrint's SVG renderer lays out ``<textPath>`` as straight text, so the seal's arc of
characters is drawn one character per ``<text>``, each rotated about the seal's centre.
"""

from __future__ import annotations

import functools
import math
import re
from pathlib import Path

import segno
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SEAL_RED = "#c8161d"
# The certificate's one family: SVG text does not inherit the page's CSS font in WeasyPrint.
# The cut font first (certificates.fonts), the full one for any other character.
FONT = "ZP Certificate Serif CJK SC,Noto Serif CJK SC"


@functools.cache
def emblem_svg() -> SafeString:
    """The portal's emblem (``static/img/emblem.svg``), without its XML title for inlining."""
    path = Path(settings.BASE_DIR) / "static" / "img" / "emblem.svg"
    svg = path.read_text(encoding="utf-8")
    svg = re.sub(r"\s*<title[^>]*>.*?</title>", "", svg, flags=re.DOTALL)
    svg = svg.replace(' role="img" aria-labelledby="emblem-title"', ' aria-hidden="true"')
    return mark_safe(svg)  # noqa: S308 — our own file, read from the repository


def _star(cx: float, cy: float, outer: float, inner: float) -> str:
    """A five-pointed star's path, point up."""
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.radians(-90 + 36 * i)
        points.append(f"{cx + radius * math.cos(angle):.2f},{cy + radius * math.sin(angle):.2f}")
    return "M" + " L".join(points) + " Z"


# The seal's geometry, in its 200×200 box centred on (100, 100).
SEAL_TEXT_OUTER = 84.0  # the characters' outer edge: inside the inner ring (r 87, 1.2 wide)
SEAL_ASCENT = 0.88  # of the em above the baseline (Noto CJK's ideographic em box: 0.88/0.12)
SEAL_MAX_SPAN = 240.0  # degrees of arc the name may cover, over the top
SEAL_MAX_STEP = 30.0  # degrees between characters at most: a short name is not stretched thin
SEAL_MAX_FONT = 22.0
SEAL_GAP = 1.08  # each character's angle, plus 8 % between neighbours


def _step_for(font_size: float) -> float:
    """Degrees one character of ``font_size`` (one em wide) needs on the arc, gap included:
    measured at its inner edge, where the arc is shortest."""
    inner = SEAL_TEXT_OUTER - font_size
    return math.degrees(2 * math.atan((font_size / 2) / inner)) * SEAL_GAP


def seal_layout(count: int) -> tuple[float, float, float]:
    """``(font_size, step, baseline_radius)`` for a name of ``count`` characters.

    The font is the largest (at most ``SEAL_MAX_FONT``) whose characters, ``count`` of them side
    by side, fit in ``SEAL_MAX_SPAN`` degrees without touching at their inner edge (found by
    bisection: the needed angle grows with the size); the characters' outer edge sits at
    ``SEAL_TEXT_OUTER``, inside the inner ring, whatever the size. So a name of any length stays
    inside the seal: longer names get smaller characters, never overlapping ones.
    """
    count = max(1, count)
    low, high = 0.5, SEAL_MAX_FONT
    if count * _step_for(high) > SEAL_MAX_SPAN:
        for _ in range(40):
            middle = (low + high) / 2
            if count * _step_for(middle) <= SEAL_MAX_SPAN:
                low = middle
            else:
                high = middle
        high = low
    font_size = round(high, 2)
    while count * _step_for(font_size) > SEAL_MAX_SPAN:  # rounding up must not break the fit
        font_size = round(font_size - 0.01, 2)
    step = max(_step_for(font_size), min(SEAL_MAX_SPAN / count, SEAL_MAX_STEP))
    return font_size, step, SEAL_TEXT_OUTER - SEAL_ASCENT * font_size


@functools.lru_cache(maxsize=64)
def seal_svg(department: str, legend: str = "证书专用章") -> SafeString:
    """A round red seal: the department's name on an arc over a star, the legend beneath.

    The arc spans up to 240 degrees over the top; long names get smaller characters
    (``seal_layout``), so the name always stays inside the inner ring.
    """
    chars = list(department.strip()) or ["　"]
    count = len(chars)
    font_size, step, baseline = seal_layout(count)
    span = step * count
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" aria-hidden="true"'
        ' class="seal-svg">',
        f'<circle cx="100" cy="100" r="94" fill="none" stroke="{SEAL_RED}" stroke-width="6"/>',
        f'<circle cx="100" cy="100" r="87" fill="none" stroke="{SEAL_RED}" stroke-width="1.2"/>',
        f'<path d="{_star(100, 98, 26, 10.5)}" fill="{SEAL_RED}"/>',
    ]
    for index, char in enumerate(chars):
        angle = -span / 2 + step * (index + 0.5)  # degrees from the top, clockwise
        parts.append(
            f'<text x="100" y="{100 - baseline:.2f}" text-anchor="middle"'
            f' transform="rotate({angle:.2f} 100 100)" font-size="{font_size:.2f}"'
            f' font-family="{FONT}" font-weight="bold" fill="{SEAL_RED}">{escape(char)}</text>'
        )
    parts.append(
        f'<text x="100" y="152" text-anchor="middle" font-size="17" font-family="{FONT}"'
        f' font-weight="bold" fill="{SEAL_RED}">{escape(legend)}</text>'
    )
    # A few worn patches, as an inked stamp has (fixed, so every rendering is the same).
    for cx, cy, r in ((31, 60, 4), (168, 128, 3.5), (120, 187, 3), (62, 173, 2.5)):
        parts.append(f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="#fffdf7" fill-opacity="0.7"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text node is escaped above


def qr_svg(url: str) -> SafeString:
    """The QR code of ``url`` as inline SVG (error correction M, boosted when it fits).

    Drawn at one unit per module with the quiet zone of four modules; the CSS sets its size.
    """
    qr = segno.make_qr(url, error="m")
    svg = qr.svg_inline(scale=1, border=4, dark="#111", omitsize=True)
    return mark_safe(svg.replace("<svg ", '<svg class="qr-svg" aria-hidden="true" ', 1))  # noqa: S308
