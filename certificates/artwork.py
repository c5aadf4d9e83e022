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


@functools.lru_cache(maxsize=64)
def seal_svg(department: str, legend: str = "证书专用章") -> SafeString:
    """A round red seal: the department's name on an arc over a star, the legend beneath.

    The arc spans up to 240 degrees over the top; long names get smaller characters.
    """
    chars = list(department.strip()) or ["　"]
    count = len(chars)
    span = min(240.0, 20.0 * count)  # degrees the arc of characters covers
    step = span / count
    font_size = 20 if count <= 12 else max(13, int(20 * 12 / count))
    radius = 67  # of the characters' baseline, in a 200×200 box
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
            f'<text x="100" y="{100 - radius + font_size * 0.8:.1f}" text-anchor="middle"'
            f' transform="rotate({angle:.2f} 100 100)" font-size="{font_size}"'
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
