"""Replace Wagtail's welcome page with the portal's home page, news and guide indexes."""

from django.db import migrations

HOME_PATH = "00010001"


def create_tree(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    HomePage = apps.get_model("cms", "HomePage")
    NewsIndexPage = apps.get_model("cms", "NewsIndexPage")
    ServiceGuideIndexPage = apps.get_model("cms", "ServiceGuideIndexPage")

    if HomePage.objects.exists():
        return
    locale = Locale.objects.order_by("pk").first()
    Site.objects.all().delete()
    # The welcome page of wagtailcore's initial data, and anything under it.
    Page.objects.filter(depth__gte=2, path__startswith=HOME_PATH).delete()

    def content_type(model):
        return ContentType.objects.get_or_create(app_label="cms", model=model)[0]

    home = HomePage.objects.create(
        title="首页", draft_title="首页", title_en="Home", slug="home",
        content_type=content_type("homepage"), path=HOME_PATH, depth=2, numchild=2,
        url_path="/home/", live=True, locale=locale,
        intro="一站汇集惠企政策、政策匹配、项目申报与证书核验。",
        intro_en="Policies, eligibility matching, applications and certificate checks in one place.",
    )
    NewsIndexPage.objects.create(
        title="新闻公告", draft_title="新闻公告", title_en="News and notices", slug="news",
        content_type=content_type("newsindexpage"), path=HOME_PATH + "0001", depth=3,
        numchild=0, url_path="/home/news/", live=True, locale=locale, show_in_menus=True,
    )
    ServiceGuideIndexPage.objects.create(
        title="办事指南", draft_title="办事指南", title_en="Service guides", slug="guides",
        content_type=content_type("serviceguideindexpage"), path=HOME_PATH + "0002", depth=3,
        numchild=0, url_path="/home/guides/", live=True, locale=locale, show_in_menus=True,
    )
    Page.objects.filter(depth=1).update(numchild=1)
    Site.objects.create(
        hostname="localhost", port=80, root_page_id=home.pk, is_default_site=True,
        site_name="成都高新区企业服务门户",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]
    operations = [migrations.RunPython(create_tree, migrations.RunPython.noop)]
