"""Simplified Chinese by default, English on request, every project string translated."""

import subprocess
from html import escape
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def path_in(page, language):
    with translation.override(language):
        return page.get_url()


@pytest.mark.django_db
def test_home_is_chinese_by_default_and_english_under_en(client, policy):
    zh = client.get("/").content.decode()
    assert '<html lang="zh-CN">' in zh
    assert "政策找企业" in zh and "最新政策" in zh
    assert policy.title in zh

    en = client.get("/en/").content.decode()
    assert '<html lang="en">' in en
    assert "Policies find enterprises" in en and "Newest policies" in en
    assert escape(policy.title_en) in en


@pytest.mark.django_db
def test_policy_page_in_both_languages(client, policy):
    zh = client.get(path_in(policy, "zh-hans")).content.decode()
    assert "发文部门" in zh and "成都高新区科技创新局" in zh and "支持对象与条件" in zh
    assert "研发费用占营业收入比例不低于 3%" in zh
    en = client.get(path_in(policy, "en")).content.decode()
    assert "Issuing department" in en and "Science and Technology Innovation Bureau" in en
    assert "R&amp;D expense at least 3% of revenue" in en
    assert escape(policy.title_en) in en


@pytest.mark.django_db
def test_the_language_switch_remembers_the_choice(client, policy):
    zh_path = path_in(policy, "zh-hans")
    response = client.post("/i18n/setlang/", {"language": "en", "next": zh_path})
    assert response.status_code == 302
    assert response.url == path_in(policy, "en")
    assert "Issuing department" in client.get(response.url).content.decode()


def test_every_project_string_has_a_chinese_translation():
    """No empty or fuzzy entry in the catalog (makemessages keeps it in step with the code)."""
    result = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(CATALOG)],
        capture_output=True,
        text=True,
        check=True,
    )
    untranslated = [line for line in result.stdout.splitlines() if line.startswith("msgid ")]
    assert untranslated in ([], ['msgid ""']), untranslated
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-obsolete", str(CATALOG)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "msgid " not in fuzzy.replace('msgid ""', "")
