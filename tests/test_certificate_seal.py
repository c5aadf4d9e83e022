"""The seal's text fits inside the seal: measured with the certificate font's own glyph boxes.

Each character of the department's name is drawn as an SVG ``<text>`` rotated about the seal's
centre (``certificates.artwork.seal_svg``). Here every glyph's ink box is read from the cut font
(fontTools: the glyph's bounds and advance), placed as the SVG places it, rotated, and checked:
every corner inside the inner ring, no two neighbours overlapping, nothing on the star or the
legend — for the demo's departments and for names of any length (hypothesis).
"""

import functools
import itertools
import math
import re

import pytest
from fontTools.ttLib import TTFont
from hypothesis import given, settings
from hypothesis import strategies as st

from certificates import fonts
from certificates.artwork import seal_svg

CENTRE = (100.0, 100.0)
INNER_RING = 87 - 1.2 / 2  # the inner edge of the thin ring
STAR = ((100.0, 98.0), 26.0)
LEGEND_BASELINE, LEGEND_SIZE = 152.0, 17.0

TEXT = re.compile(
    r'<text x="(?P<x>[\d.]+)" y="(?P<y>[\d.]+)" text-anchor="middle"'
    r'(?: transform="rotate\((?P<angle>-?[\d.]+) 100 100\)")? font-size="(?P<size>[\d.]+)"'
    r"[^>]*>(?P<char>[^<]+)</text>"
)


@functools.cache
def bold_font():
    path = fonts.available().get("bold")
    if path is None:
        pytest.skip("the certificate fonts are not cut (python -m certificates.fonts)")
    font = TTFont(path)
    return font, font.getBestCmap(), font["hmtx"], font.get("glyf") or font["CFF "], font["head"]


def ink_box(char: str, size: float) -> tuple[float, float, float, float, float]:
    """``(advance, x_min, y_min, x_max, y_max)`` of ``char`` at ``size``, from the font."""
    font, cmap, hmtx, _outlines, head = bold_font()
    name = cmap.get(ord(char))
    assert name is not None, f"{char!r} is not in the certificate font"
    scale = size / head.unitsPerEm
    advance = hmtx[name][0] * scale
    glyph_set = font.getGlyphSet()
    from fontTools.pens.boundsPen import BoundsPen

    pen = BoundsPen(glyph_set)
    glyph_set[name].draw(pen)
    if pen.bounds is None:  # a space
        return advance, 0, 0, 0, 0
    x_min, y_min, x_max, y_max = (v * scale for v in pen.bounds)
    return advance, x_min, y_min, x_max, y_max


def text_box(text: str, size: float) -> tuple[float, float, float, float, float]:
    """The same for a run of characters set side by side (the legend)."""
    boxes = [ink_box(char, size) for char in text]
    advance = sum(b[0] for b in boxes)
    x_max = advance - boxes[-1][0] + boxes[-1][3]
    return advance, boxes[0][1], min(b[2] for b in boxes), x_max, max(b[4] for b in boxes)


def rotate(point, degrees):
    (x, y), (cx, cy) = point, CENTRE
    a = math.radians(degrees)
    dx, dy = x - cx, y - cy
    return cx + dx * math.cos(a) - dy * math.sin(a), cy + dx * math.sin(a) + dy * math.cos(a)


def glyph_corners(match) -> list[tuple[float, float]]:
    """The four corners of one drawn character's ink box, in the seal's coordinates."""
    x, y, size = float(match["x"]), float(match["y"]), float(match["size"])
    advance, x_min, y_min, x_max, y_max = text_box(match["char"], size)
    left = x - advance / 2  # text-anchor="middle" centres the advance
    corners = [
        (left + x_min, y - y_max),
        (left + x_max, y - y_max),
        (left + x_max, y - y_min),
        (left + x_min, y - y_min),
    ]
    return [rotate(c, float(match["angle"] or 0)) for c in corners]


def distance(point, centre=CENTRE):
    return math.hypot(point[0] - centre[0], point[1] - centre[1])


def check_seal(department: str) -> None:
    svg = str(seal_svg(department))
    matches = list(TEXT.finditer(svg))
    arc, legend = matches[:-1], matches[-1]
    assert len(arc) == len(department.strip())
    legend_corners = glyph_corners(legend)  # unrotated: a plain box
    lx0 = min(c[0] for c in legend_corners) - 1
    lx1 = max(c[0] for c in legend_corners) + 1
    ly0 = min(c[1] for c in legend_corners) - 1
    intervals = []
    for match in arc:
        corners = glyph_corners(match)
        for corner in corners:
            assert distance(corner) < INNER_RING, (department, match["char"], corner)
            assert distance(corner, STAR[0]) > STAR[1], (department, match["char"], "on the star")
            assert not (lx0 <= corner[0] <= lx1 and corner[1] >= ly0), (department, "on the legend")
        # the angles (clockwise from the top) the character covers
        angles = [math.degrees(math.atan2(c[0] - 100, 100 - c[1])) for c in corners]
        intervals.append((min(angles), max(angles)))
    for (_, end), (start, _) in itertools.pairwise(intervals):
        assert end <= start, (department, "neighbouring characters overlap")
    for corner in legend_corners:
        assert distance(corner) < INNER_RING, (department, "the legend leaves the seal")


@pytest.mark.parametrize(
    "department",
    [
        "成都高新区科技创新局",
        "成都高新区管理委员会",
        "成都高新区经济运行与安全生产监管局",
        "成都高新技术产业开发区管理委员会",
        "成都高新区新经济发展局",
        "成都高新技术产业开发区科技创新和新经济发展局（知识产权局）",
    ],
)
def test_the_demo_departments_fit_inside_the_seal(department):
    check_seal(department)


CHARACTERS = "成都高新区科技创新局管理委员会经济运行安全生产监督发展改革财政金融人才（）"


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=CHARACTERS, min_size=1, max_size=60))
def test_a_name_of_any_length_fits_inside_the_seal(department):
    check_seal(department)


def test_short_names_keep_large_characters_and_long_ones_shrink():
    sizes = {}
    for name in ("科技局", "成都高新区科技创新局", "成都高新技术产业开发区科技创新和新经济发展局"):
        size = float(next(TEXT.finditer(str(seal_svg(name))))["size"])
        sizes[len(name)] = size
    assert sizes[3] == sizes[10] >= 20  # a usual name is drawn at full size
    assert sizes[22] < sizes[10]
