"""Text analysis in Python: normalisation, segmentation, pinyin, highlights."""

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search import analysis

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("研發費用加計扣除", "研发费用加计扣除"),  # Traditional → Simplified
        ("ＡＩ算力券　２０２５", "ai算力券 2025"),  # full-width → half-width, lower case
        ("  R&D   Subsidy ", "r&d subsidy"),
        ("", ""),
    ],
)
def test_normalise(raw, expected):
    assert analysis.normalise(raw) == expected


def test_the_zone_terms_are_words_and_search_mode_adds_their_parts():
    words = analysis.words("企业研发费用加计扣除政策指引")
    assert "研发费用加计扣除" in words
    assert {"研发", "费用", "加计", "扣除"} <= set(words)
    assert "瞪羚企业" in analysis.words("瞪羚企业培育奖励办法")
    assert "瞪羚" in analysis.words("瞪羚企业培育奖励办法")
    assert "天府国际生物城" in analysis.words("天府国际生物城创新药临床试验补贴")
    assert "小巨人" in analysis.words("专精特新“小巨人”企业")


def test_punctuation_is_dropped_and_english_plurals_are_folded():
    assert analysis.words("title:foo AND (") == ["title", "foo", "and"]
    assert analysis.words("Subsidies for enterprises; measures") == [
        "subsidy",
        "for",
        "enterprise",
        "measure",
    ]
    assert analysis.words("😀😀") == []


def test_the_segmented_copy_is_cut_to_a_bounded_length():
    text = "研发投入" * 10_000
    assert len(analysis.segmented(text).split()) < analysis.SEGMENT_MAX_CHARS


def test_clean_query_cuts_long_input_and_drops_control_characters():
    assert len(analysis.clean_query("研" * 10_000)) == analysis.MAX_QUERY_CHARS
    assert analysis.clean_query("a\x00b\x1fc\u200bd") == "abcd"
    assert analysis.clean_query(None) == ""


def test_searchable_text():
    assert analysis.has_searchable_text("研发")
    assert analysis.has_searchable_text("AI 😀")
    assert not analysis.has_searchable_text("😀🎉!!")
    assert not analysis.has_searchable_text("()*&^")


def test_document_number_key_unifies_brackets_and_widths():
    expected = "成高管发〔2024〕3号"
    for typed in (
        "成高管发〔2024〕3号",
        "成高管发[2024]3号",
        "成高管发（２０２４）３号",
        "成高管发【2024】3号",
    ):
        assert analysis.document_number_key(typed) == expected


def test_pinyin_and_initials():
    assert analysis.pinyin("瞪羚企业") == ("denglingqiye", "dlqy")
    assert analysis.pinyin("2024年度") == ("2024niandu", "2024nd")


def test_suggestion_inputs_include_title_pinyin_initials_tails_and_english():
    inputs = analysis.suggest_inputs(
        "国家级专精特新“小巨人”企业奖励", "Award for national little-giant enterprises"
    )
    assert inputs[0] == "国家级专精特新“小巨人”企业奖励"
    assert "guojiajizhuanjingtexinxiaojurenqiyejiangli" in inputs
    assert "gjjzjtxxjrqyjl" in inputs
    assert any(i.startswith("小巨人") for i in inputs)
    assert any(i.startswith("xiaojuren") for i in inputs)
    assert "award for national little-giant enterprises" in inputs
    assert not {"奖励", "jl"} & set(inputs)  # tails too short to mean anything


def test_suggest_prefixes_join_spaced_pinyin():
    assert analysis.suggest_prefixes("Deng Ling") == ["deng ling", "dengling"]
    assert analysis.suggest_prefixes("瞪羚") == ["瞪羚"]
    assert analysis.suggest_prefixes("") == []


def test_highlights_merge_adjacent_marks_and_escape_html():
    s, e = analysis.MARK_START, analysis.MARK_END
    fragment = f"支持{s}研{e}{s}发{e}{s}投{e}{s}入{e}，<b>{s}R{e}&{s}D{e}</b>"
    assert analysis.highlight_html(fragment) == (
        "支持<mark>研发投入</mark>，&lt;b&gt;<mark>R</mark>&amp;<mark>D</mark>&lt;/b&gt;"
    )
    # A fragment cut inside a run never leaves a tag open.
    assert analysis.highlight_html(f"{s}研发") == "研发"
    assert analysis.plain_text(fragment).startswith("支持研发投入")


def test_the_segmenter_loads_lazily_and_quietly():
    code = (
        "import sys; import search.analysis as a; "
        "print('rjieba' in sys.modules); a.words('瞪羚企业'); print('rjieba' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "True"]
    assert result.stderr == ""


def test_traditional_conversion_is_skipped_only_when_nothing_could_change():
    assert analysis.to_simplified("研发费用加计扣除") == "研发费用加计扣除"
    assert analysis.to_simplified("研發費用") == "研发费用"
    # Characters that t2s changes only inside phrases are caught too.
    assert analysis.to_simplified("請答覆") == "请答复"
    assert analysis.to_simplified("答覆") == "答复"


# --- pinyin ---------------------------------------------------------------------------------


def test_pinyin_syllables_follow_the_words():
    assert analysis.pinyin_syllables("瞪羚企业") == "deng ling qi ye"
    assert analysis.pinyin_syllables("银行行业") == "yin hang hang ye"
    assert analysis.pinyin_syllables("AI算力券2025") == "ai suan li quan 2025"
    assert analysis.pinyin_initials("deng ling qi ye 2025") == "d l q y"


def test_split_pinyin_reads_pinyin_and_refuses_the_rest():
    assert analysis.split_pinyin("denglingqiye") == ["deng", "ling", "qi", "ye"]
    assert analysis.split_pinyin("Deng Ling qiye") == ["deng", "ling", "qi", "ye"]
    for not_pinyin in ("dlqy", "tax", "R&D", "2025", "研发", ""):
        assert analysis.split_pinyin(not_pinyin) is None, not_pinyin


@given(st.lists(st.sampled_from(sorted(analysis._syllables())), min_size=1, max_size=8))
def test_any_run_of_syllables_is_read_back_letter_for_letter(syllables):
    typed = "".join(syllables)
    read = analysis.split_pinyin(typed)
    assert read is not None and "".join(read) == typed
    assert len(read) <= len(syllables)  # the fewest syllables that spell it


@given(st.text(alphabet="瞪羚企业研发投入补贴人才安居专精特新算力券", min_size=1, max_size=12))
def test_chinese_read_aloud_is_pinyin_again(text):
    syllables = analysis.pinyin_syllables(text)
    assert len(syllables.split()) == len(text)
    assert analysis.split_pinyin(syllables) is not None
