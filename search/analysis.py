"""Text analysis done in Python, so the index needs only Elasticsearch's core analysers.

The node the portal runs against has no ``analysis-common`` (no CJK bigrams, no n-grams, no
ICU), so Chinese is segmented here with jieba and a dictionary of the zone's own terms
(``search/data/zone_terms.txt``). Every text field of a document is indexed twice:

- the original text with the ``standard`` analyser (one token per Han character, English words
  lower-cased): recall, exact phrases (``match_phrase`` over consecutive characters) and the
  highlights people see;
- a ``*_seg`` copy: the normalised text cut into words by jieba (search-engine mode, so a long
  term also yields its parts: 研发费用加计扣除 → 研发 费用 加计 扣除 研发费用加计扣除), joined
  with spaces and indexed with the ``whitespace`` analyser: precision, words weigh more than
  scattered characters.

Normalisation (applied to queries and ``*_seg`` copies, never to the stored original): Unicode
NFKC (full-width Latin letters, digits and punctuation become half-width), Traditional →
Simplified Chinese (OpenCC tables, pure Python), Latin letters lower-cased.

Title suggestions come from a ``completion`` field whose inputs are the title, its pinyin
without tones (``denglingqiye…``), its pinyin initials (``dlqy…``) and the English title, plus
the same for the title's tail from each word on, so typing a word in the middle also helps.
"""

from __future__ import annotations

import html
import logging
import re
import threading
import unicodedata
from functools import cache
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

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"\w", re.UNICODE)
_LATIN_ONLY = re.compile(r"^[a-z0-9 '\-]+$")
_SPACES = re.compile(r"\s+")
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
def _tokenizer():
    """jieba, initialised once, quietly, with the zone's dictionary (about 1 s the first time)."""
    import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)
    with _lock:
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        tokenizer.load_userdict(str(TERMS_FILE))
    return tokenizer


def to_simplified(text: str) -> str:
    return _converter().convert(text) if _HAN.search(text) else text


def normalise(text: str) -> str:
    """NFKC (full-width → half-width), Traditional → Simplified, lower case, single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = to_simplified(text)
    return _SPACES.sub(" ", text.lower()).strip()


def is_word(token: str) -> bool:
    return bool(_WORD.search(token))


def words(text: str, *, limit: int | None = None) -> list[str]:
    """The normalised text cut into words (search-engine mode), punctuation dropped."""
    text = normalise(text if limit is None else text[:limit])
    if not text:
        return []
    return [
        _light_stem(t) for t in _tokenizer().cut_for_search(text) if not t.isspace() and is_word(t)
    ]


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


def suggest_inputs(title: str, title_en: str = "", *, tails: int = 5) -> list[str]:
    """The inputs of a title's ``completion`` field (see the module docstring)."""
    title_norm = normalise(title)
    inputs: list[str] = []
    if title_norm:
        starts = [0]
        position = 0
        for token in _tokenizer().cut(title_norm):
            if position and is_word(token):
                starts.append(position)
            position += len(token)
        for start in starts[: tails + 1]:
            tail = title_norm[start:]
            if start and len(tail) < 4:  # "办法", "奖励": too generic to suggest a title by
                continue
            inputs.append(tail)
            full, initials = pinyin(tail)
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
