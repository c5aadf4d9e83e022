"""Give the enterprise verifiers the right to see and verify companies."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VERIFIERS = "企业核验 Enterprise verifiers"
RIGHTS = [("enterprises", "view_enterprise"), ("enterprises", "verify_enterprise"),
          ("enterprises", "view_qualification"), ("enterprises", "view_verificationevent")]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=VERIFIERS)
    for app_label, codename in RIGHTS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0003_enterprise_profiles"),
        ("policies", "0003_groups_and_workflow"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
