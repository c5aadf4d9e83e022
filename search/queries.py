"""The policy search query, built in one place.

``PolicyQuery(params, today).to_dict()`` is the whole request body. For ``q="研发投入"``, the
filter ``type=subsidy`` and relevance order it produces (abridged)::

    {
      "query": {"function_score": {
        "query": {"bool": {
          "filter": [{"bool": {"minimum_should_match": 1, "should": [          # recall gate
            {"multi_match": {"query": "研发 投入 研发投入", "type": "cross_fields",
                             "fields": ["title_seg", "summary_seg", …],
                             "minimum_should_match": "2<75%"}},                   # words
            {"multi_match": {"query": "研发投入", "type": "phrase",
                             "fields": ["title", "summary", "body", …]}},         # exact phrase
            {"multi_match": {"query": "研发投入", "fields": ["title", "summary"],
                             "operator": "and"}}]}}],                             # every character
          "should": [                                                            # relevance
            {"match_phrase": {"title": {"query": "研发投入", "boost": 10}}},
            {"match": {"title_seg": {"query": "研发 投入 研发投入", "boost": 6}}},
            {"match_phrase": {"summary": {"query": "研发投入", "boost": 4}}}, …]}},
        "functions": [{"filter": <in force today>, "weight": 1.25}],
        "boost_mode": "multiply"}},
      "post_filter": {"bool": {"filter": [{"terms": {"policy_type": ["subsidy"]}}]}},
      "aggs": {"facets": {"filters": {"filters": {"all": match_all}, "other_bucket_key": …},
        "aggs": {                                                          # one pass over the hits
        "type": {"filter": <every active filter but type>,
                 "aggs": {"values": {"terms": {"field": "policy_type"}}}},
        "industry": {"filter": <every active filter but industry>,
                     "aggs": {"values": {"terms": {"field": "crit_divisions",
                                                   "include": ["A01", …, "I65", …]}},
                              "unrestricted": {"filter": <no industry criterion>}}},
        …}}},
      "highlight": {"pre_tags": [""], "post_tags": [""],
                    "fields": {"title": {"number_of_fragments": 0,
                                         "highlight_query": <the query's phrase and words>},
                               "summary": {…}, "body": {…}}},
      "suggest": {"titles": {"prefix": "研发投入", "completion": {"field": "suggest", …}}},
      "sort": ["_score", {"effective_date": "desc"}],
      "from": 0, "size": 10, "track_total_hits": true
    }

Relevance for policy text: the title and the document number weigh most; words (the
segmented ``*_seg`` fields) weigh more than scattered characters; ``match_phrase`` on the
per-character standard fields rewards an exact phrase over the same characters apart; English
fields use the standard analyser (plus plural folding in the word fields); policies in force
weigh a little more than expired ones. The filters sit in ``post_filter`` and each facet's
aggregation applies every filter but its own, so a facet's counts respect the other filters
and tell what choosing another value would give. Query text only ever goes into
``match``/``multi_match``/``match_phrase``/``term``/``prefix`` queries — never
``query_string`` — so Lucene syntax in it is just text.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.utils import timezone

from policies.in_force import STATUSES, UPCOMING, in_force_clause, status_clause
from policies.windows import open_clause

from . import analysis

# --- boosts -----------------------------------------------------------------------------
TITLE_PHRASE = 10.0
TITLE_WORDS = 6.0
TITLE_CHARS = 1.0
TITLE_EN = 5.0
DOCUMENT_NUMBER_EXACT = 40.0
DOCUMENT_NUMBER_PREFIX = 20.0
DOCUMENT_NUMBER_PHRASE = 15.0
TAG_EXACT = 6.0
TAG_WORDS = 3.0
SUMMARY_PHRASE = 4.0
SUMMARY_WORDS = 3.0
SUMMARY_EN = 2.0
INTERPRETATION_PHRASE = 1.5
INTERPRETATION_WORDS = 1.0
FAQ_PHRASE = 1.5
FAQ_WORDS = 1.0
BODY_PHRASE = 1.5
BODY_WORDS = 1.0
IN_FORCE_WEIGHT = 1.25
# Pinyin, initials, homophones and one-character slips: found, but below exact matches.
PINYIN_TITLE = 3.0
PINYIN_SUMMARY = 1.0
INITIALS_TITLE = 2.0
TYPO_TITLE = 0.5
# A document containing every word of the query ranks above any that misses one.
ALL_TERMS_WEIGHT = 100.0
# Queries of at least this many Han characters tolerate one wrong character in the title.
TYPO_MIN_CHARS = 4
# Share of the query's words a document must contain (below 3 words: all of them).
WORDS_MINIMUM_MATCH = "2<75%"

SEG_FIELDS = ["title_seg", "summary_seg", "interpretation_seg", "body_seg", "tags.seg", "faq_seg"]
PHRASE_FIELDS = [
    "title",
    "summary",
    "interpretation",
    "body",
    "title_en",
    "summary_en",
    "faq_questions",
    "faq_answers",
]
CHARACTER_FIELDS = ["title", "summary", "title_en", "summary_en"]

# --- public filter names ----------------------------------------------------------------
STATUS_VALUES = STATUSES  # in force, expired, upcoming: the rule is policies.in_force
YES = "1"
SORTS = ("relevance", "newest", "expiring")
PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
MAX_WINDOW = 10_000  # Elasticsearch's index.max_result_window

_INDUSTRY = re.compile(r"^[A-T][0-9]{0,4}$")
_AREA = re.compile(r"^[a-z][a-z0-9_-]{0,19}$")


def _admits(restriction_key: str, field_name: str, values) -> dict:
    """Policies that do not restrict ``restriction_key`` or list one of ``values``."""
    return {
        "bool": {
            "should": [
                {"bool": {"must_not": [{"term": {"crit_keys": restriction_key}}]}},
                {"terms": {field_name: list(values)}},
            ],
            "minimum_should_match": 1,
        }
    }


def industry_admits(code: str) -> dict:
    """Policies open to companies of industry ``code``: no industry criterion, a listed code
    that is a prefix of it (``I65`` admits ``I6513``), or a narrower listed code under it."""
    code = code.upper()
    prefixes = [code[:n] for n in range(1, len(code) + 1)]
    clause = _admits("industries", "crit_industries", prefixes)
    clause["bool"]["should"].append({"prefix": {"crit_industries": code}})
    return clause


def area_admits(code: str) -> dict:
    return _admits("areas", "crit_areas", [code])


@dataclass(frozen=True)
class Facet:
    """A public filter: its name in URLs, how a value filters, how its counts are computed."""

    name: str
    field: str | None = None  # a terms facet over this keyword field
    size: int = 20

    def clause(self, values: list[str], today: datetime.date, now: datetime.datetime) -> dict:
        if self.name == "industry":
            clauses = [industry_admits(v) for v in values]
        elif self.name == "area":
            clauses = [area_admits(v) for v in values]
        elif self.name == "status":
            clauses = [status_clause(v, today) for v in values]
        elif self.name == "open":
            clauses = [open_clause(self.field, now)]
        elif self.name == "apply_free":
            clauses = [{"term": {self.field: True}}]
        else:
            return {"terms": {self.field: values}}
        return clauses[0] if len(clauses) == 1 else {"bool": {"should": clauses}}


# Public filter name → how it maps onto the index.
FACETS: dict[str, Facet] = {
    "department": Facet("department", "department_id", size=40),
    "type": Facet("type", "policy_type"),
    "industry": Facet("industry", "crit_industries"),
    "area": Facet("area", "crit_areas"),
    "status": Facet("status", "expiry_date"),
    # A programme's window is open now (decided when the search runs: policies.windows).
    "open": Facet("open", "application_windows"),
    "apply_free": Facet("apply_free", "apply_free"),
}


def clean_filters(raw: dict[str, list[str]], *, policy_types=(), industries=()) -> dict:
    """Public filter values, validated: unknown names and malformed values are dropped."""
    cleaned: dict[str, list[str]] = {}
    for name, values in raw.items():
        if name not in FACETS:
            continue
        kept: list[str] = []
        for value in values:
            value = (value or "").strip()[:40]
            if not value:
                continue
            if name == "department":
                ok = value.isdigit() and len(value) < 10
            elif name == "type":
                ok = value in policy_types
            elif name == "industry":
                value = value.upper()
                ok = bool(_INDUSTRY.match(value))
            elif name == "area":
                ok = bool(_AREA.match(value))
            elif name == "status":
                ok = value in STATUS_VALUES
            else:  # open, apply_free: a yes/no switch
                ok = value.lower() in ("1", "true", "yes", "on")
                value = YES
            if ok and value not in kept:
                kept.append(value)
        if kept:
            cleaned[name] = kept[:10]
    return cleaned


@dataclass
class SearchParams:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = ""
    page: int = 1
    page_size: int = PAGE_SIZE

    def __post_init__(self):
        self.q = analysis.clean_query(self.q)
        if self.sort not in SORTS:
            self.sort = "relevance" if self.searchable else "newest"
        self.page_size = max(1, min(int(self.page_size), MAX_PAGE_SIZE))
        self.page = max(1, int(self.page))

    @property
    def searchable(self) -> bool:
        """True when the query has something to look for (not empty, not only symbols)."""
        return bool(self.q) and analysis.has_searchable_text(self.q)

    @property
    def max_page(self) -> int:
        """The last page Elasticsearch can page to (``from + size`` ≤ ``MAX_WINDOW``)."""
        return max(1, MAX_WINDOW // self.page_size)

    def window(self) -> tuple[int, int]:
        """(from, size) of the requested page, cut to what Elasticsearch can page to."""
        start = (self.page - 1) * self.page_size
        if start >= MAX_WINDOW:
            return 0, 0  # past the window: count only
        return start, min(self.page_size, MAX_WINDOW - start)


class PolicyQuery:
    """Builds the search request for ``params`` on ``today`` (Asia/Shanghai) at ``now`` (the
    moment application windows are judged at; the server's clock by default). See above."""

    def __init__(
        self,
        params: SearchParams,
        today: datetime.date,
        *,
        industry_codes=(),
        area_codes=(),
        suggest: bool = True,
        now: datetime.datetime | None = None,
    ):
        self.params = params
        self.today = today
        self.now = now or timezone.now()
        self.industry_codes = list(industry_codes)
        self.area_codes = list(area_codes)
        self.suggest = suggest
        self.text = analysis.normalise(params.q) if params.searchable else ""
        self.words = analysis.query_words(params.q) if params.searchable else []
        self.han = sum(1 for ch in self.text if analysis.is_han(ch))
        self.syllables = self._syllables()
        self.initials = self._initials()

    def _syllables(self) -> str:
        """The query as pinyin syllables: typed in pinyin, or Chinese read aloud (two or more
        characters: one character read aloud matches far too much)."""
        if not self.text:
            return ""
        if self.han >= 2:
            return analysis.pinyin_syllables(self.text)
        if self.han == 0:
            spelled = analysis.split_pinyin(self.text)
            if spelled and len(spelled) >= 2:
                return " ".join(spelled)
        return ""

    def _initials(self) -> str:
        """``dlqy`` → ``d l q y``: letters only, no spaces, 2–10 of them."""
        compact = self.text.replace(" ", "")
        if self.han or not compact.isascii() or not compact.isalpha() or " " in self.text:
            return ""
        return " ".join(compact) if 2 <= len(compact) <= 10 else ""

    def tolerant(self) -> list[dict]:
        """What finds a policy despite how the query was typed: its pinyin (full or initials),
        a homophone slip, or one wrong character in a title (long enough queries only)."""
        clauses: list[dict] = []
        if self.syllables:
            clauses += [
                {"match_phrase": {"title_py": {"query": self.syllables, "boost": PINYIN_TITLE}}},
                {
                    "match_phrase": {
                        "summary_py": {"query": self.syllables, "boost": PINYIN_SUMMARY}
                    }
                },
            ]
        if self.initials:
            clauses.append(
                {
                    "match_phrase": {
                        "title_py_initials": {"query": self.initials, "boost": INITIALS_TITLE}
                    }
                }
            )
        if self.han >= TYPO_MIN_CHARS and self.han == len(self.text.replace(" ", "")):
            clauses.append(
                {
                    "match": {
                        "title": {
                            "query": self.text,
                            "minimum_should_match": "-1",
                            "boost": TYPO_TITLE,
                        }
                    }
                }
            )
        return clauses

    def all_terms(self) -> dict | None:
        """Every word of the query is somewhere in the document (title, summary, body, tags,
        questions and answers), or, for one-word queries, every character in one field."""
        if len(self.words) >= 2:
            return {
                "multi_match": {
                    "query": " ".join(self.words),
                    "type": "cross_fields",
                    "fields": SEG_FIELDS,
                    "operator": "and",
                }
            }
        return None

    # --- text ---------------------------------------------------------------------------
    def recall(self) -> dict:
        """A document must match the words, the exact phrase, or every character of the query
        in one short field (or its document number)."""
        text, words = self.text, " ".join(self.words)
        should: list[dict] = [
            {"multi_match": {"query": text, "type": "phrase", "fields": PHRASE_FIELDS}},
            {
                "multi_match": {
                    "query": text,
                    "fields": CHARACTER_FIELDS,
                    "operator": "and",
                    "type": "best_fields",
                }
            },
        ]
        if words:
            should.append(
                {
                    "multi_match": {
                        "query": words,
                        "type": "cross_fields",
                        "fields": SEG_FIELDS,
                        "minimum_should_match": WORDS_MINIMUM_MATCH,
                    }
                }
            )
        should.extend(self.document_number_clauses(scoring=False))
        should.extend(self.tolerant())
        return {"bool": {"should": should, "minimum_should_match": 1}}

    def document_number_clauses(self, *, scoring: bool = True) -> list[dict]:
        """Exact, prefix and tail (``2024〕3号``) matches of a document number."""
        if not any(ch.isdigit() for ch in self.text):
            return []
        key = analysis.document_number_key(self.params.q)

        def boost(value):
            return {"boost": value} if scoring else {}

        return [
            {"term": {"document_number_key": {"value": key, **boost(DOCUMENT_NUMBER_EXACT)}}},
            {"prefix": {"document_number_key": {"value": key, **boost(DOCUMENT_NUMBER_PREFIX)}}},
            {
                "match_phrase": {
                    "document_number.text": {
                        "query": self.text,
                        **boost(DOCUMENT_NUMBER_PHRASE),
                    }
                }
            },
        ]

    def relevance(self) -> list[dict]:
        text, words = self.text, " ".join(self.words)
        should: list[dict] = [
            {"match_phrase": {"title": {"query": text, "boost": TITLE_PHRASE}}},
            {"match": {"title": {"query": text, "boost": TITLE_CHARS}}},
            {"match": {"title_en": {"query": text, "boost": TITLE_EN}}},
            {"match_phrase": {"summary": {"query": text, "boost": SUMMARY_PHRASE}}},
            {"match": {"summary_en": {"query": text, "boost": SUMMARY_EN}}},
            {"match_phrase": {"body": {"query": text, "boost": BODY_PHRASE}}},
            {"match_phrase": {"interpretation": {"query": text, "boost": INTERPRETATION_PHRASE}}},
            {"match_phrase": {"faq_questions": {"query": text, "boost": FAQ_PHRASE}}},
            {"match_phrase": {"faq_answers": {"query": text, "boost": FAQ_PHRASE}}},
            {"term": {"tags": {"value": self.params.q.strip(), "boost": TAG_EXACT}}},
        ]
        if words:
            should += [
                {"match": {"title_seg": {"query": words, "boost": TITLE_WORDS}}},
                {"match": {"summary_seg": {"query": words, "boost": SUMMARY_WORDS}}},
                {"match": {"tags.seg": {"query": words, "boost": TAG_WORDS}}},
                {"match": {"interpretation_seg": {"query": words, "boost": INTERPRETATION_WORDS}}},
                {"match": {"body_seg": {"query": words, "boost": BODY_WORDS}}},
                {"match": {"faq_seg": {"query": words, "boost": FAQ_WORDS}}},
            ]
        should.extend(self.document_number_clauses())
        should.extend(self.tolerant())
        return should

    def text_query(self) -> dict:
        if not self.text:
            return {"match_all": {}}
        return {"bool": {"filter": [self.recall()], "should": self.relevance()}}

    def in_force(self) -> dict:
        return in_force_clause(self.today)

    def scored_query(self) -> dict:
        query = self.text_query()
        if self.params.sort == "expiring":
            # In force first (score 3), then not yet in force (2), then expired (1); each group
            # by expiry date, soonest first.
            return {
                "function_score": {
                    "query": query,
                    "functions": [
                        {"filter": self.in_force(), "weight": 3},
                        {"filter": status_clause(UPCOMING, self.today), "weight": 2},
                    ],
                    "score_mode": "sum",
                    "boost_mode": "replace",
                }
            }
        if not self.text:
            return query
        functions = [{"filter": self.in_force(), "weight": IN_FORCE_WEIGHT}]
        all_terms = self.all_terms()
        if all_terms is not None:
            functions.append({"filter": all_terms, "weight": ALL_TERMS_WEIGHT})
        return {
            "function_score": {
                "query": query,
                "functions": functions,
                "score_mode": "multiply",
                "boost_mode": "multiply",
            }
        }

    # --- filters and facets -------------------------------------------------------------
    def filter_clauses(self, *, without: str | None = None) -> list[dict]:
        return [
            FACETS[name].clause(values, self.today, self.now)
            for name, values in self.params.filters.items()
            if name != without
        ]

    def facet_aggregation(self, facet: Facet) -> dict:
        inner: dict | None
        extra: dict = {}
        if facet.name == "industry":
            inner, extra = self._admits_counts(
                "industries", "crit_divisions", self.industry_codes, industry_admits
            )
        elif facet.name == "area":
            inner, extra = self._admits_counts("areas", "crit_areas", self.area_codes, area_admits)
        elif facet.name == "status":
            inner = {
                "filters": {"filters": {v: status_clause(v, self.today) for v in STATUS_VALUES}}
            }
        elif facet.name in ("open", "apply_free"):
            inner = {"filters": {"filters": {YES: facet.clause([YES], self.today, self.now)}}}
        else:
            inner = {"terms": {"field": facet.field, "size": facet.size}}
        others = self.filter_clauses(without=facet.name)
        aggregation: dict = {"filter": {"bool": {"filter": others}}}
        if inner:
            aggregation["aggs"] = {"values": inner, **extra}
        return aggregation

    @staticmethod
    def _admits_counts(key: str, field_name: str, codes: list[str], admits) -> tuple:
        """Counts per code of the policies that admit it, for industry and area.

        A policy admits a code when it does not restrict ``key`` or lists the code (industry:
        a code of that division, ``crit_divisions``). The two groups are disjoint, so the count
        of a code is the ``unrestricted`` count plus the code's ``terms`` bucket: one pass over
        the hits instead of one ``filters`` bucket (with ``prefix`` queries) per code. Codes that
        are not divisions (never offered by the portal) fall back to one filter each.
        """
        if not codes:
            return None, {}
        if field_name == "crit_divisions" and any(len(code) != 3 for code in codes):
            listed = {"listed": {"terms": {"field": "industries", "size": 500}}}
            return {"filters": {"filters": {code: admits(code) for code in codes}}}, listed
        inner = {"terms": {"field": field_name, "include": list(codes), "size": len(codes)}}
        unrestricted = {"filter": {"bool": {"must_not": [{"term": {"crit_keys": key}}]}}}
        return inner, {"unrestricted": unrestricted}

    def aggregations(self) -> dict:
        """Every facet's aggregation, under one ``filters`` bucket holding every hit.

        At the top level Elasticsearch runs a ``filter`` aggregation "filter by filter": the
        whole query again, intersected with the facet's filter, once per facet (eight times
        the query for seven facets). Under a parent bucket each facet is collected in the one
        pass over the hits. The ``other_bucket_key`` (always empty) is what keeps the parent
        itself from being run filter by filter. ``facet_results`` unwraps the response.
        """
        return {
            FACETS_AGGREGATION: {
                "filters": {
                    "filters": {"all": {"match_all": {}}},
                    "other_bucket_key": "_none",
                },
                "aggs": {name: self.facet_aggregation(facet) for name, facet in FACETS.items()},
            }
        }

    # --- highlights ---------------------------------------------------------------------
    def highlight(self) -> dict | None:
        """Highlights of the query's phrase and words; each field gets only its own clauses
        (what ``require_field_match`` would keep of one shared query), so the highlighter
        does not sort through the other fields' phrases for every hit."""
        if not self.text:
            return None
        phrases = [self.text] + [w for w in analysis.precise_words(self.params.q) if w]
        phrases = list(dict.fromkeys(phrases))

        def field(name: str, **options) -> dict:
            should = [{"match_phrase": {name: phrase}} for phrase in phrases]
            return {**options, "highlight_query": {"bool": {"should": should}}}

        return {
            "pre_tags": [analysis.MARK_START],
            "post_tags": [analysis.MARK_END],
            "encoder": "default",
            "fields": {
                "title": field("title", number_of_fragments=0),
                "title_en": field("title_en", number_of_fragments=0),
                "summary": field("summary", number_of_fragments=0),
                "summary_en": field("summary_en", number_of_fragments=0),
                "body": field("body", fragment_size=90, number_of_fragments=2),
                # A matching question is shown whole beside the 问答 badge; else an answer's part.
                "faq_questions": field("faq_questions", number_of_fragments=0),
                "faq_answers": field("faq_answers", fragment_size=90, number_of_fragments=1),
            },
        }

    # --- the request --------------------------------------------------------------------
    def sort(self) -> list:
        if self.params.sort == "newest":
            return [{"effective_date": "desc"}, "_score", {"title.raw": "asc"}]
        if self.params.sort == "expiring":
            return ["_score", {"expiry_date": "asc"}, {"effective_date": "desc"}]
        return ["_score", {"effective_date": "desc"}]

    def to_dict(self) -> dict:
        params = self.params
        body: dict = {
            "query": self.scored_query(),
            "aggs": self.aggregations(),
            "sort": self.sort(),
            "from": params.window()[0],
            "size": params.window()[1],
            "track_total_hits": True,
            "_source": ["title", "external_id", "url_path"],
        }
        filters = self.filter_clauses()
        if filters:
            body["post_filter"] = {"bool": {"filter": filters}}
        highlight = self.highlight()
        if highlight:
            body["highlight"] = highlight
        if self.suggest and params.q:
            body["suggest"] = suggestion_request(params.q)
        return body

    # --- the same search as two requests, run side by side (``_msearch``) ---------------
    def hits_request(self) -> dict:
        """The hits of ``to_dict()``: the scored query, the page, highlights and suggestions,
        without the aggregations and without counting every hit (``facets_request`` does)."""
        body = self.to_dict()
        del body["aggs"]
        body["track_total_hits"] = False
        return body

    def facets_request(self) -> dict:
        """The total and the facet counts of ``to_dict()``, without scoring.

        The documents are the same: the scored query's ``should`` clauses and its function
        score only order them, the recall gate alone decides which match. In filter context
        nothing is scored, so counting 20,000 hits costs what matching them costs.
        """
        query = {"bool": {"filter": [self.recall()]}} if self.text else {"match_all": {}}
        body: dict = {
            "query": {"constant_score": {"filter": query}},
            "aggs": self.aggregations(),
            "size": 0,
            "track_total_hits": True,
        }
        filters = self.filter_clauses()
        if filters:
            body["post_filter"] = {"bool": {"filter": filters}}
        return body

    def msearch(self, index: str) -> list[dict]:
        """The ``_msearch`` body: header and request of the hits, then of the facets.

        Both through the node's shard request cache: the facets request (``size`` 0) is
        cached by default, the hits only when asked. A cached answer is dropped as soon as the
        index changes (at its next refresh), so a repeated search costs the node only the fetch
        of the shown page's highlights, and a publish is never hidden."""
        return [
            {"index": index, "request_cache": True},
            self.hits_request(),
            {"index": index},
            self.facets_request(),
        ]


FACETS_AGGREGATION = "facets"


def facet_results(aggregations: dict) -> dict[str, dict]:
    """Each facet's aggregation result (name → result) from a response's ``aggregations``."""
    wrapper = aggregations.get(FACETS_AGGREGATION)
    if not wrapper:
        return {}
    return wrapper.get("buckets", {}).get("all", {})


def facet_counts(aggregation: dict, codes=()) -> list[tuple[str, int]]:
    """(value, count) pairs of one facet's result; ``codes`` are the values offered for the
    industry and area facets (their counts are ``unrestricted`` plus the code's bucket)."""
    raw = aggregation.get("values", {}).get("buckets", [])
    if isinstance(raw, dict):  # a filters aggregation: value → bucket
        return [(value, bucket["doc_count"]) for value, bucket in raw.items()]
    found = [(str(bucket["key"]), bucket["doc_count"]) for bucket in raw]
    if "unrestricted" not in aggregation:
        return found
    free = aggregation["unrestricted"]["doc_count"]
    listed = dict(found)
    return [(code, free + listed.get(code, 0)) for code in codes]


def listed_codes(aggregation: dict) -> set[str]:
    """The industry divisions that the policies found name (only those are offered)."""
    if "listed" in aggregation:  # the filters fallback
        return {str(b["key"])[:3] for b in aggregation["listed"].get("buckets", [])}
    return {str(b["key"]) for b in aggregation.get("values", {}).get("buckets", [])}


def suggestion_request(q: str, size: int = 5) -> dict:
    """Completion suggestions for ``q`` (as typed and, for spaced pinyin, joined)."""
    request = {}
    for n, prefix in enumerate(analysis.suggest_prefixes(q)):
        completion: dict = {"field": "suggest", "size": size, "skip_duplicates": True}
        if analysis.is_latin(prefix):
            # Typos in pinyin or English; not for Chinese, where one edit is another word.
            completion["fuzzy"] = {"fuzziness": "AUTO", "min_length": 4, "prefix_length": 2}
        request[f"titles{n}"] = {"prefix": prefix, "completion": completion}
    return request
