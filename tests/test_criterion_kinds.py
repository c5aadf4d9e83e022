"""The registry of criterion kinds: each kind is wired everywhere a criterion is used."""

import datetime
from decimal import Decimal

from policies.criteria import ALL_KEYS, KINDS, Criteria
from policies.criteria.kinds import DESCRIPTION_ORDER
from policies.forms import CRITERIA_FIELD_PREFIX, PolicyPageForm
from policies.matching import Facts, HeldQualification
from search.documents import PolicyDocument, criteria_fields
from search.enterprise_index import EnterpriseDocument, facts_document

EVERY_KEY = Criteria(
    industries=("I65",),
    areas=("south",),
    sizes=("small",),
    qualifications_all=("hnte",),
    qualifications_any=("tsme", "srdi"),
    min_years_established=2,
    min_employees=10,
    min_rd_ratio=Decimal("3.5"),
    min_revenue_wan=Decimal("500"),
    max_revenue_wan=Decimal("20000"),
    requires_good_credit=True,
)
EVERY_FACT = Facts(
    industry="I6513",
    area="south",
    established=datetime.date(2020, 5, 1),
    employees=40,
    revenue_wan=Decimal("1200.5"),
    rd_expense_wan=Decimal("80"),
    qualifications=(HeldQualification("hnte", datetime.date(2027, 1, 1)),),
    good_credit=True,
)


def mapped(document) -> set[str]:
    return set(document._doc_type.mapping.to_dict()["properties"])


def test_every_key_is_one_kind_in_one_order():
    assert tuple(kind.key for kind in KINDS) == ALL_KEYS
    assert len(set(ALL_KEYS)) == len(KINDS)
    assert sorted(DESCRIPTION_ORDER) == sorted(ALL_KEYS)
    assert EVERY_KEY.restricted_keys() == list(ALL_KEYS)


def test_what_the_kinds_write_is_in_the_index_mappings():
    # The mappings are strict: a field a kind writes but the mapping lacks fails every write.
    assert set(criteria_fields(EVERY_KEY)) <= mapped(PolicyDocument)
    assert set(facts_document(EVERY_FACT)) <= mapped(EnterpriseDocument)


def test_the_editor_has_a_field_per_kind():
    for key in ALL_KEYS:
        assert CRITERIA_FIELD_PREFIX + key in PolicyPageForm.base_fields
