"""The staff groups of fulfilment and their rights (recognised by permission, never by name)."""

from django.db import migrations

#: group → (model, codename) pairs
GROUPS = {
    "资金拨付 Finance": [
        ("paymentbatch", "prepare_payments"),
        ("bankaccount", "verify_accounts"),
    ],
    "政策兑现 Fulfilment officers": [
        ("roster", "manage_rosters"),
        ("award", "check_acceptance"),
        ("paymentplan", "add_paymentplan"),
        ("paymentplan", "change_paymentplan"),
        ("paymentplan", "view_paymentplan"),
    ],
}
NAMES = {
    "prepare_payments": "Can prepare payment batches and import results",
    "verify_accounts": "Can verify companies' bank accounts",
    "manage_rosters": "Can generate, review and publish apply-free rosters",
    "check_acceptance": "Can check acceptance reports and record recoveries",
    "add_paymentplan": "Can add payment plan",
    "change_paymentplan": "Can change payment plan",
    "view_paymentplan": "Can view payment plan",
}


def forwards(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    permission = apps.get_model("auth", "Permission")
    group = apps.get_model("auth", "Group")
    admin_type, _ = content_type.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access_admin, _ = permission.objects.get_or_create(
        content_type=admin_type, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
    )
    for name, rights in GROUPS.items():
        staff, _ = group.objects.get_or_create(name=name)
        staff.permissions.add(access_admin)
        for model, codename in rights:
            model_type, _ = content_type.objects.get_or_create(app_label="fulfilment", model=model)
            right, _ = permission.objects.get_or_create(
                content_type=model_type, codename=codename, defaults={"name": NAMES[codename]}
            )
            staff.permissions.add(right)


class Migration(migrations.Migration):
    dependencies = [
        ("fulfilment", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
