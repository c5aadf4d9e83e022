"""The certificate's own fonts: Noto Serif CJK SC cut down to the characters certificates print.

WeasyPrint subsets every embedded font to the glyphs used, and with the full Noto Serif CJK SC
(65,535 glyphs per face, glyph ids kept while subsetting) that subsetting and the compression of
the result are most of a certificate's rendering time. Cut once to GB2312 (the 6,763 common
hanzi and its symbols), ASCII, Latin-1 and the punctuation, capital numerals and signs a
certificate prints, each face has about 7,600 glyphs and a rendering is much cheaper.

The cut fonts are built once (``python -m certificates.fonts``, run by the Makefile's
``test`` and ``demo`` targets and by the Dockerfile) into ``CERTIFICATE_FONT_DIR`` (environment
or settings; default ``$ZP_CACHE_DIR/fonts``, else ``.cache/fonts`` in the source tree). The
certificate's stylesheet names them first and the full system font after them, so a character
outside the cut (a rare name such as 堃, 燊 or 𠀀) is still drawn, from the full font, and
embedded; without the cut fonts everything is drawn from the full font, only more slowly.

This module imports nothing of Django at module level, so it can build the fonts before the
project is configured (the Dockerfile builds them with no settings at all).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

LOGGER = logging.getLogger(__name__)

# The family the cut fonts are registered under (in the stylesheet's @font-face rules); a name
# of its own, so that fontconfig never confuses them with the system's Noto Serif CJK SC.
FAMILY = "ZP Certificate Serif CJK SC"
SOURCE_FAMILY = "Noto Serif CJK SC"
# Bump when the character set or the options change: the file names carry it, so a stale cut is
# rebuilt rather than used.
VERSION = 1
FACES = {"regular": "Regular", "bold": "Bold"}  # weight -> Noto's style name

# What a certificate prints beyond GB2312: typographic punctuation, the yuan sign, the
# ideographic space, full-width forms; and, whatever GB2312's coverage, the capital numerals
# and units of amounts in words.
EXTRA = (
    "“”‘’—–…·•、。，；：？！（）《》〈〉〔〕【】「」『』￥¥×÷°№‰"
    "零壹贰叁肆伍陆柒捌玖拾佰仟万亿元圆角分整正"
    "\u3000"
)
EXTRA_RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 supplement (names and words in the English text)
    (0x2010, 0x2027),  # general punctuation: dashes, quotes, ellipsis
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0xFF01, 0xFF5E),  # full-width forms
)


def gb2312_characters() -> set[str]:
    """Every character of GB2312 (rows 1–9 symbols, 16–87 hanzi), decoded from its code table."""
    characters = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                characters.add(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return characters


def character_set() -> set[str]:
    """The characters the cut fonts keep."""
    characters = gb2312_characters() | set(EXTRA)
    for first, last in EXTRA_RANGES:
        characters.update(chr(code) for code in range(first, last + 1))
    return characters


def font_dir() -> Path:
    """Where the cut fonts are: ``CERTIFICATE_FONT_DIR`` (settings, then environment), else
    ``$ZP_CACHE_DIR/fonts``, else ``.cache/fonts`` in the source tree."""
    configured = None
    try:
        from django.conf import settings

        if settings.configured:
            configured = getattr(settings, "CERTIFICATE_FONT_DIR", None)
    except ImportError:  # pragma: no cover — Django is always installed with the project
        pass
    configured = configured or os.environ.get("CERTIFICATE_FONT_DIR")
    if configured:
        return Path(configured)
    cache = os.environ.get("ZP_CACHE_DIR")
    if cache:
        return Path(cache) / "fonts"
    return Path(__file__).resolve().parents[1] / ".cache" / "fonts"


def font_path(weight: str, directory: Path | None = None) -> Path:
    return (directory or font_dir()) / f"certificate-serif-{weight}-v{VERSION}.otf"


def available(directory: Path | None = None) -> dict[str, Path]:
    """The cut fonts that exist, by weight ("regular", "bold"); empty if they were never built."""
    paths = {weight: font_path(weight, directory) for weight in FACES}
    return {weight: path for weight, path in paths.items() if path.is_file()}


FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))


def _fc_match(style: str) -> tuple[Path, int] | None:
    """Fontconfig's answer, when its command-line tools are installed."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    result = subprocess.run(  # noqa: S603 — fixed arguments, no shell
        [fc_match, "--format=%{file}\n%{index}\n%{family}", f"{SOURCE_FAMILY}:style={style}"],
        capture_output=True,
        text=True,
        check=False,
    )
    file, index, family = (result.stdout.split("\n") + ["", "", ""])[:3]
    if result.returncode != 0 or SOURCE_FAMILY not in family.split(","):
        return None
    return Path(file), int(index or 0)


def _scan(style: str) -> tuple[Path, int] | None:
    """The face found by reading the font files' names (no fontconfig tools, e.g. in Docker)."""
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.ttCollection import TTCollection

    for directory in FONT_DIRS:
        for path in sorted(directory.rglob("NotoSerifCJK*")):
            if path.suffix.lower() not in (".ttc", ".otc", ".otf", ".ttf"):
                continue
            if path.suffix.lower() in (".ttc", ".otc"):
                faces = list(TTCollection(path, lazy=True).fonts)
            else:
                faces = [TTFont(path, lazy=True)]
            for index, face in enumerate(faces):
                name = face["name"]
                if name.getDebugName(1) == SOURCE_FAMILY and name.getDebugName(2) == style:
                    return path, index
    return None


def find_source(style: str) -> tuple[Path, int]:
    """The system's Noto Serif CJK SC file of ``style`` and the face's index in it (a .ttc)."""
    found = _fc_match(style) or _scan(style)
    if found is None:
        raise RuntimeError(
            f"{SOURCE_FAMILY} {style} is not installed; install fonts-noto-cjk"
            " (scripts/install-system.sh)"
        )
    return found


def build_face(source: Path, index: int, target: Path, characters: set[str]) -> None:
    """Cut one face to ``characters``, renamed to ``FAMILY``, written atomically to ``target``."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = ["*"]  # shaping (proportional punctuation, kerning) as before
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False  # WeasyPrint drops hinting from embedded fonts anyway
    options.desubroutinize = True  # as WeasyPrint embeds it; spares that work at each rendering
    font = TTFont(source, fontNumber=index, lazy=False, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(char) for char in characters])
    subsetter.subset(font)
    style = font["name"].getDebugName(2) or "Regular"
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID == 4:
            record.string = f"{FAMILY} {style}"
        elif record.nameID == 6:
            record.string = f"{FAMILY.replace(' ', '')}-{style}"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.part")
    font.save(partial)
    partial.replace(target)


def _build_one(weight: str, target: Path) -> tuple[str, Path, float]:
    style = FACES[weight]
    source, index = find_source(style)
    started = time.perf_counter()
    build_face(source, index, target, character_set())
    return f"{source}#{index}", target, time.perf_counter() - started


def build(directory: Path | None = None, *, force: bool = False) -> dict[str, Path]:
    """Build the cut faces that are missing (all of them with ``force``); returns their paths.

    About a minute of CPU per face (fontTools reads the whole 65,535-glyph face); the faces are
    built in parallel processes.
    """
    paths = {weight: font_path(weight, directory) for weight in FACES}
    missing = [weight for weight, path in paths.items() if force or not path.is_file()]
    if not missing:
        return paths
    with concurrent.futures.ProcessPoolExecutor(max_workers=len(missing)) as pool:
        jobs = [pool.submit(_build_one, weight, paths[weight]) for weight in missing]
        for job in jobs:
            source, target, seconds = job.result()
            LOGGER.warning(
                "built %s from %s in %.0f s (%d KiB)",
                target,
                source,
                seconds,
                target.stat().st_size // 1024,
            )
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Build the certificate's cut fonts (Noto Serif CJK SC → GB2312 and more)."
    )
    parser.add_argument("--dir", type=Path, help="where to write them (default: font_dir())")
    parser.add_argument("--force", action="store_true", help="rebuild even if they exist")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    directory = args.dir or font_dir()
    if not args.force and len(available(directory)) == len(FACES):
        print(f"certificate fonts: up to date in {directory}")
        return 0
    for path in build(directory, force=args.force).values():
        print(f"certificate fonts: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
