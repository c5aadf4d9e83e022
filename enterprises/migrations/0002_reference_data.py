"""Seed the reference lists (GB/T 4754 divisions, areas, qualification types)."""

from django.db import migrations

from enterprises.reference import AREAS, INDUSTRIES, QUALIFICATIONS


def seed(apps, schema_editor):
    Industry = apps.get_model("enterprises", "Industry")
    Area = apps.get_model("enterprises", "Area")
    QualificationType = apps.get_model("enterprises", "QualificationType")
    for code, zh, en in INDUSTRIES:
        Industry.objects.update_or_create(
            code=code, defaults={"name_zh": zh, "name_en": en, "section": code[0]}
        )
    for order, (code, zh, en) in enumerate(AREAS):
        Area.objects.update_or_create(
            code=code, defaults={"name_zh": zh, "name_en": en, "sort_order": order}
        )
    for order, (code, zh, en, description) in enumerate(QUALIFICATIONS):
        QualificationType.objects.update_or_create(
            code=code,
            defaults={"name_zh": zh, "name_en": en, "description": description,
                      "sort_order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
