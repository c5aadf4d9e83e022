"""Index definitions (elasticsearch.dsl) with core Elasticsearch features only.

The same mapping must behave the same on the integration-test node used here (no
analysis-common, no percolator, no mapper-extras, no scripting), on the official image and on a
hosted cluster: standard and whitespace analysers, keyword, numeric, date, boolean fields.

A policy's criteria are indexed as fields so that an enterprise's facts can be compiled into an
ordinary query (see ``search.matching``). Each restriction is listed in ``crit_keys`` — the
explicit "this criterion restricts" marker; a key absent from it means "no restriction". The
``crit_*`` fields are written by the criterion kinds (``policies.criteria.kinds``); the mapping
below declares them. Money is stored in hundredths of 万元 and ratios in hundredths of a
percent, as integers, so that comparisons are exact (the criteria allow at most two decimal
places).
"""

from __future__ import annotations

from django.conf import settings
from elasticsearch.dsl import (
    Boolean,
    Completion,
    Date,
    DateRange,
    Document,
    Integer,
    Keyword,
    Long,
    MetaField,
    Text,
)

from policies.criteria import KINDS
from policies.in_force import OPEN_ENDED  # noqa: F401  (the expiry of an open-ended policy)


def index_name(kind: str) -> str:
    """The alias a kind of document is read and written through (``<prefix>-policies``)."""
    return f"{settings.SEARCH_INDEX_PREFIX}-{kind}"


class PolicyDocument(Document):
    """One published policy.

    Text fields come in pairs (see ``search.analysis``): the original text with the
    ``standard`` analyser (one token per Han character: recall, phrases, highlights) and a
    ``*_seg`` copy segmented into words in Python, with the ``whitespace`` analyser. English
    fields use the ``standard`` analyser. Facet fields are keywords; ``suggest`` feeds title
    suggestions (title, pinyin, pinyin initials, English title).
    """

    title = Text(analyzer="standard", fields={"raw": Keyword()})
    title_seg = Text(analyzer="whitespace")
    title_en = Text(analyzer="standard")
    summary = Text(analyzer="standard")
    summary_seg = Text(analyzer="whitespace")
    summary_en = Text(analyzer="standard")
    body = Text(analyzer="standard")
    body_seg = Text(analyzer="whitespace")
    interpretation = Text(analyzer="standard")
    interpretation_seg = Text(analyzer="whitespace")
    tags = Keyword(fields={"seg": Text(analyzer="whitespace")})
    # Pinyin of the title and summary, one toneless syllable per character, and the title's
    # initials (``analysis.pinyin_syllables``): queries typed in pinyin or initials, and Chinese
    # queries with a homophone slip, are matched on these.
    title_py = Text(analyzer="whitespace")
    title_py_initials = Text(analyzer="whitespace")
    summary_py = Text(analyzer="whitespace")
    # Questions and answers (问答) published on the policy page (``policy_index.register_faqs``):
    # one value per question and per answer, and all of them segmented into words.
    faq_questions = Text(analyzer="standard")
    faq_answers = Text(analyzer="standard")
    faq_seg = Text(analyzer="whitespace")
    external_id = Keyword()
    # As written (exact), normalised (brackets and widths unified: exact and prefix match), and
    # analysed per character so that a tail such as "2024〕3号" matches as a phrase.
    document_number = Keyword(fields={"text": Text(analyzer="standard")})
    document_number_key = Keyword()
    department = Keyword()
    department_en = Keyword(index=False)
    department_id = Integer()
    policy_type = Keyword()
    effective_date = Date()
    expiry_date = Date()  # OPEN_ENDED when the policy has no expiry
    apply_free = Boolean()
    # The application windows of the policy's programmes; "open now" is decided at query time.
    application_windows = DateRange()
    industries = Keyword()  # the criteria's industry codes, for facets
    areas = Keyword()  # the criteria's areas, for facets
    url_path = Keyword(index=False)
    # The page's id again, as doc values only: matching reads it without loading stored fields
    # (``_id`` lives beside the ~10 KB ``_source`` in compressed blocks).
    page_id = Long(index=False)
    suggest = Completion(analyzer="simple", max_input_length=50)
    # The page revision that was indexed (information; the write guard is the external version).
    revision = Long()

    crit_keys = Keyword()
    crit_industries = Keyword()
    # The GB/T 4754 divisions (first three characters) of ``crit_industries``, once each: the
    # industry facet counts them with one ``terms`` aggregation.
    crit_divisions = Keyword()
    crit_areas = Keyword()
    crit_sizes = Keyword()
    crit_quals_all = Keyword()
    crit_quals_all_count = Integer()
    crit_quals_any = Keyword()
    crit_min_years = Integer()
    crit_min_rd_bp = Long()
    crit_min_revenue_cents = Long()
    crit_max_revenue_cents = Long()
    crit_min_employees = Long()

    class Meta:
        dynamic = MetaField("strict")

    class Index:
        name = "policies"  # replaced per environment by ``index_name``
        # Deletes are remembered for 10 minutes (default 60 s) so that a rebuild streaming rows
        # read before a deletion cannot bring the document back (external versions, tombstones).
        # No query (filter) cache: on this small index a cached filter answers no faster than
        # the filter itself (search p95 49 ms either way over 20,000 policies), but the request
        # that fills the cache evaluates its filters over the whole index (p95 80 ms): every
        # query's second use paid that. Matching is as fast without it (docs/search.md).
        settings = {
            "number_of_shards": 1,
            "number_of_replicas": 0,
            "gc_deletes": "10m",
            "queries": {"cache": {"enabled": False}},
        }


def criteria_fields(criteria) -> dict:
    """The ``crit_*`` fields of a policy document for a ``policies.criteria.Criteria``: the
    restricting keys in ``crit_keys``, then the fields each criterion kind writes."""
    fields: dict = {"crit_keys": criteria.restricted_keys()}
    for kind in KINDS:
        fields.update(kind.policy_fields(getattr(criteria, kind.key)))
    return fields
