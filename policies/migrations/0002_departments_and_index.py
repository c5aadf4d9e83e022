"""Seed the issuing departments and create the policy index under the home page."""

from django.db import migrations

DEPARTMENTS = [
    ("成都高新区科技创新局", "Science and Technology Innovation Bureau", "科创局"),
    ("成都高新区经济运行局", "Economic Operation Bureau", "经运局"),
    ("成都高新区新经济发展局", "New Economy Development Bureau", "新经济局"),
    ("成都高新区财政金融局", "Finance Bureau", "财金局"),
    ("成都高新区生物产业发展局", "Bio-industry Development Bureau", "生物局"),
    ("成都高新区党群工作部（人才工作办公室）", "Talent Work Office", "人才办"),
    ("成都高新区投资服务局", "Investment Service Bureau", "投服局"),
]


def _child_path(parent_path, number):
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if number == 0:
            break
    return parent_path + out.rjust(4, "0")


def seed(apps, schema_editor):
    Department = apps.get_model("policies", "Department")
    for order, (name, name_en, short) in enumerate(DEPARTMENTS):
        Department.objects.update_or_create(
            name=name, defaults={"name_en": name_en, "short_name": short, "sort_order": order}
        )

    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    PolicyIndexPage = apps.get_model("policies", "PolicyIndexPage")
    home = Page.objects.filter(depth=2).order_by("path").first()
    if home is None or PolicyIndexPage.objects.exists():
        return
    last = Page.objects.filter(depth=3, path__startswith=home.path).order_by("-path").first()
    number = int(last.path[-4:], 36) + 1 if last else 1
    PolicyIndexPage.objects.create(
        title="惠企政策", draft_title="惠企政策", title_en="Policies", slug="policies",
        content_type=ContentType.objects.get_or_create(
            app_label="policies", model="policyindexpage")[0],
        path=_child_path(home.path, number), depth=3, numchild=0,
        url_path=f"{home.url_path}policies/", live=True, locale_id=home.locale_id,
        show_in_menus=True,
        intro="成都高新区现行有效的惠企政策，可按部门、类型和状态筛选。",
        intro_en="The zone's policies for enterprises, by department, type and status.",
    )
    Page.objects.filter(pk=home.pk).update(numchild=home.numchild + 1)


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0001_initial"),
        ("cms", "0002_site_tree"),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
