"""Text analysis done in Python, so the index needs only Elasticsearch's core analysers.

The node the portal runs against has no ``analysis-common`` (no CJK bigrams, no n-grams, no
ICU), so Chinese is segmented here, with jieba's algorithm and dictionary as implemented by
``rjieba`` (the maintained Rust binding of jieba-rs: the same words as the pure-Python jieba,
about 60 times faster — a 4,000-character policy takes well under a millisecond instead of
40 ms, which is what makes a rebuild of 20,000 policies fit in a minute), plus a dictionary of
the zone's own terms (``search/data/zone_terms.txt``). Every text field of a document is
indexed twice:

- the original text with the ``standard`` analyser (one token per Han character, English words
  lower-cased): recall, exact phrases (``match_phrase`` over consecutive characters) and the
  highlights people see;
- a ``*_seg`` copy: the normalised text cut into words (search-engine mode, so a long term also
  yields its parts: 研发费用加计扣除 → 研发 费用 加计 扣除 研发费用加计扣除), joined with spaces
  and indexed with the ``whitespace`` analyser: precision, words weigh more than scattered
  characters.

Normalisation (applied to queries and ``*_seg`` copies, never to the stored original): Unicode
NFKC (full-width Latin letters, digits and punctuation become half-width), Traditional →
Simplified Chinese (OpenCC's tables, pure Python; skipped for text with no Traditional-only
character, which is nearly all of it), Latin letters lower-cased.

Title suggestions come from a ``completion`` field whose inputs are the title, its pinyin
without tones (``denglingqiye…``), its pinyin initials (``dlqy…``) and the English title, plus
the same for the title's tail from each word on, so typing a word in the middle also helps.
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

TERMS_FILE = Path(__file__).resolve().parent / "data" / "zone_terms.txt"

# Highlight markers: private-use characters that never occur in policy text. Elasticsearch
# wraps matched tokens in them; ``highlight_html`` escapes the text and turns runs into <mark>.
MARK_START = "\ue000"
MARK_END = "\ue001"

# The body of a very long policy is segmented up to this many characters (the standard field
# still holds all of it): segmentation is the slowest step of a rebuild.
SEGMENT_MAX_CHARS = 6000
# Longest query text analysed; longer input is cut (never an error).
MAX_QUERY_CHARS = 200

_WORD = re.compile(r"\w", re.UNICODE)
_LATIN_ONLY = re.compile(r"^[a-z0-9 '\-]+$")
_SPACES = re.compile(r"\s+")
_LATIN_RUN = re.compile(r"[a-z0-9]+")
# Brackets people type in document numbers instead of 〔〕: (), [], 【】, （）, 〖〗, ［］, ﹝﹞.
_DOCNO_BRACKETS = str.maketrans(
    {
        "(": "〔",
        ")": "〕",
        "[": "〔",
        "]": "〕",
        "【": "〔",
        "】": "〕",
        "〖": "〔",
        "〗": "〕",
        "﹝": "〔",
        "﹞": "〕",
        "{": "〔",
        "}": "〕",
    }
)

_lock = threading.Lock()


@cache
def _converter():
    from opencc import OpenCC

    return OpenCC("t2s")


@cache
def _traditional_characters() -> frozenset[str]:
    """Characters whose presence means a text may need converting (from OpenCC's own tables:
    every character t2s changes, and those its phrases change, such as 覆 in 答覆)."""
    import opencc

    folder = Path(opencc.__file__).resolve().parent / "dictionary"
    found: set[str] = set()
    for name in ("TSCharacters.txt", "TSPhrases.txt"):
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            key, _tab, values = line.partition("\t")
            value = values.split(" ")[0]
            if key == value:
                continue
            if len(key) == len(value):
                found.update(k for k, v in zip(key, value, strict=True) if k != v)
            else:
                found.update(key)
    return frozenset(found)


@cache
def _tokenizer():
    """The segmenter, built once on first use, with the zone's terms added. Quiet and quick."""
    import rjieba

    with _lock:
        tokenizer = rjieba.Jieba()
        for line in TERMS_FILE.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if not parts or parts[0].startswith("#"):
                continue
            frequency = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
            tokenizer.add_word(parts[0], frequency, parts[2] if len(parts) > 2 else None)
    return tokenizer


def to_simplified(text: str) -> str:
    if _traditional_characters().isdisjoint(text):
        return text
    return _converter().convert(text)


def normalise(text: str) -> str:
    """NFKC (full-width → half-width), Traditional → Simplified, lower case, single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = to_simplified(text)
    return _SPACES.sub(" ", text.lower()).strip()


def is_word(token: str) -> bool:
    return bool(_WORD.search(token))


def is_han(ch: str) -> bool:
    """A CJK unified ideograph (the basic block and extension A)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def words(text: str, *, limit: int | None = None) -> list[str]:
    """The normalised text cut into words (search-engine mode), punctuation dropped."""
    text = normalise(text if limit is None else text[:limit])
    if not text:
        return []
    kept = (_index_token(t) for t in _tokenizer().cut_for_search(text))
    return [t for t in kept if t]


@lru_cache(maxsize=200_000)
def _index_token(token: str) -> str:
    """A token as indexed (plurals folded), or "" for spaces and punctuation. Tokens repeat a
    lot, so this is cached."""
    if token.isspace() or not is_word(token):
        return ""
    return _light_stem(token)


_LATIN_WORD = re.compile(r"^[a-z]+$")


def _light_stem(token: str) -> str:
    """English plurals folded (subsidies → subsidy, enterprises → enterprise): the node has no
    stemmer, and the ``*_seg`` copies and queries go through here alike."""
    if len(token) <= 3 or not _LATIN_WORD.match(token):
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith("sses"):
        return token[:-2]
    if token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def segmented(text: str, *, limit: int | None = SEGMENT_MAX_CHARS) -> str:
    """The ``*_seg`` copy of a text field: its words joined by single spaces."""
    return " ".join(words(text, limit=limit))


def query_words(text: str) -> list[str]:
    """A query's words in order without repeats (what the ``*_seg`` fields are searched for)."""
    return list(dict.fromkeys(words(text[:MAX_QUERY_CHARS])))


def precise_words(text: str) -> list[str]:
    """A query cut without the sub-words of search-engine mode (for phrase highlighting)."""
    text = normalise(text[:MAX_QUERY_CHARS])
    if not text:
        return []
    return [t for t in _tokenizer().cut(text) if not t.isspace() and is_word(t)]


def clean_query(text: str | None) -> str:
    """The query as searched: control characters removed, cut to ``MAX_QUERY_CHARS``."""
    if not text:
        return ""
    text = "".join(ch for ch in str(text) if unicodedata.category(ch)[0] != "C")
    return _SPACES.sub(" ", text).strip()[:MAX_QUERY_CHARS]


def has_searchable_text(text: str) -> bool:
    """False for queries of only punctuation, symbols or emoji: nothing to look for."""
    return any(is_word(ch) for ch in normalise(text))


def is_latin(text: str) -> bool:
    return bool(_LATIN_ONLY.match(normalise(text)))


def document_number_key(text: str) -> str:
    """A document number reduced for exact and prefix matching.

    Brackets and widths are unified: 成高管发[2024]3号 → 成高管发〔2024〕3号.
    """
    text = normalise(text).translate(_DOCNO_BRACKETS)
    return text.replace(" ", "")


# --- pinyin and suggestions -------------------------------------------------------------


def pinyin(text: str) -> tuple[str, str]:
    """(full pinyin without tones, initials) of ``text``; other characters kept if alphanumeric."""
    from pypinyin import Style, lazy_pinyin

    text = normalise(text)
    full = "".join(lazy_pinyin(text, errors="default"))
    initials = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default"))
    keep = re.compile(r"[^0-9a-z]")
    return keep.sub("", full.lower()), keep.sub("", initials.lower())


def pinyin_syllables(text: str) -> str:
    """The toneless pinyin of ``text``, one syllable per Han character, separated by spaces.

    Indexed beside titles and summaries so that a query typed in pinyin, or in Chinese with a
    homophone slip (瞪铃企业 for 瞪羚企业), is found: both become ``deng ling qi ye``. Readings
    follow the words (pypinyin's phrase dictionary: 银行 yin hang, 行业 hang ye). Latin letters
    and digits stay as lowercase words; everything else separates.
    """
    from pypinyin import lazy_pinyin

    words = []
    for item in lazy_pinyin(normalise(text), errors=lambda chunk: _LATIN_RUN.findall(chunk)):
        words.extend(_LATIN_RUN.findall(item.lower()))
    return " ".join(words)


def pinyin_initials(syllables: str) -> str:
    """``deng ling qi ye`` → ``d l q y``: what someone typing initials (``dlqy``) means."""
    return " ".join(word[0] for word in syllables.split() if word.isalpha())


@cache
def _syllables() -> frozenset[str]:
    """Every toneless syllable pypinyin knows with a vowel in it (``m``, ``ng``, ``hm`` are
    interjections, and would turn strings of initials into "syllables")."""
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict

    found = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            syllable = to_normal(reading).replace("ü", "v")
            if syllable.isascii() and any(vowel in syllable for vowel in "aeiouv"):
                found.add(syllable)
    return frozenset(found)


def split_pinyin(text: str) -> list[str] | None:
    """``denglingqiye`` (or ``deng ling qiye``) → ``["deng", "ling", "qi", "ye"]``; None when the
    text is not pinyin. Each space-separated part is split into the fewest syllables."""
    known = _syllables()
    result: list[str] = []
    for part in normalise(text).lower().split():
        if not part.isascii() or not part.isalpha() or len(part) > 60:
            return None
        # best[i]: the fewest syllables spelling part[:i] (None when it cannot be spelled).
        best: list[list[str] | None] = [[]] + [None] * len(part)
        for end in range(1, len(part) + 1):
            for start in range(max(0, end - 6), end):
                if best[start] is not None and part[start:end] in known:
                    candidate = best[start] + [part[start:end]]
                    if best[end] is None or len(candidate) < len(best[end]):
                        best[end] = candidate
        if best[-1] is None:
            return None
        result.extend(best[-1])
    return result or None


def suggest_inputs(title: str, title_en: str = "", *, tails: int = 5) -> list[str]:
    """The inputs of a title's ``completion`` field (see the module docstring)."""
    title_norm = normalise(title)
    inputs: list[str] = []
    if title_norm:
        # Pinyin per word (readings depend on the word: 银行 yinhang, 行业 hangye), once; the
        # tails join the words from their start.
        tokens = _tokenizer().cut(title_norm)
        spelled = [pinyin(token) for token in tokens]
        for index, token in enumerate(tokens[: tails + 1]):
            if index and not is_word(token):
                continue
            tail = "".join(tokens[index:])
            if index and len(tail) < 4:  # "办法", "奖励": too generic to suggest a title by
                continue
            inputs.append(tail)
            full = "".join(f for f, _i in spelled[index:])
            initials = "".join(i for _f, i in spelled[index:])
            inputs.extend(v for v in (full, initials) if len(v) >= 3)
    english = normalise(title_en)
    if english:
        inputs.append(english)
    return list(dict.fromkeys(inputs))


def suggest_prefixes(text: str) -> list[str]:
    """What to ask the completion suggester for: the normalised text and, for Latin text typed
    with spaces (``deng ling``), the same joined (pinyin inputs are indexed without spaces)."""
    text = normalise(clean_query(text))[:50]
    if not text:
        return []
    prefixes = [text]
    if is_latin(text) and " " in text:
        prefixes.append(text.replace(" ", ""))
    return prefixes


# --- highlights -------------------------------------------------------------------------


def highlight_html(fragment: str) -> str:
    """A highlighted fragment as safe HTML: text escaped, adjacent marks merged into one <mark>.

    Elasticsearch marks each Han character of the standard field separately
    (``⟨研⟩⟨发⟩⟨投⟩⟨入⟩``); people should see one run: ``<mark>研发投入</mark>``.
    """
    merged = fragment.replace(MARK_END + MARK_START, "")
    escaped = html.escape(merged, quote=False)
    escaped = escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    # An unbalanced marker (a fragment cut inside a run) must not leave markup open.
    if escaped.count("<mark>") != escaped.count("</mark>"):
        return html.escape(fragment.replace(MARK_START, "").replace(MARK_END, ""), quote=False)
    return escaped


def plain_text(fragment: str) -> str:
    return fragment.replace(MARK_START, "").replace(MARK_END, "")
