"""The staff groups of enquiries and their rights (recognised by permission, never by name)."""

from django.db import migrations

GROUPS = {
    "诉求办理 Enquiry handlers": ["handle_enquiry"],
    "诉求分派 Enquiry dispatchers": ["handle_enquiry", "dispatch_enquiry"],
    "督办 Enquiry supervisors": ["supervise_enquiry"],
}
NAMES = {
    "handle_enquiry": "Can handle enquiries of the departments one belongs to",
    "dispatch_enquiry": "Can triage enquiries and route them to departments",
    "supervise_enquiry": "Can supervise enquiries and approve extensions",
}


def forwards(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    permission = apps.get_model("auth", "Permission")
    group = apps.get_model("auth", "Group")
    enquiry_type, _ = content_type.objects.get_or_create(app_label="enquiries", model="enquiry")
    admin_type, _ = content_type.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access_admin, _ = permission.objects.get_or_create(
        content_type=admin_type, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
    )
    for name, codenames in GROUPS.items():
        staff, _ = group.objects.get_or_create(name=name)
        staff.permissions.add(access_admin)
        for codename in codenames:
            right, _ = permission.objects.get_or_create(
                content_type=enquiry_type, codename=codename, defaults={"name": NAMES[codename]}
            )
            staff.permissions.add(right)


class Migration(migrations.Migration):
    dependencies = [
        ("enquiries", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
