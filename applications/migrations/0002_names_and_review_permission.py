"""After the move from policies: the new app's index names, the content types, and the review
permission that recognises reviewers (given to the reviewers' group)."""

from django.db import migrations

from zoneportal.migration_helpers import move_content_types

REVIEWERS = "项目评审 Application reviewers"  # policies.roles.APPLICATION_REVIEWERS, as created


def forwards(apps, schema_editor):
    move_content_types(
        apps,
        "policies",
        "applications",
        ["programme", "application", "applicationdocument", "applicationevent", "referencecounter"],
    )
    content_type = apps.get_model("contenttypes", "ContentType")
    permission = apps.get_model("auth", "Permission")
    group = apps.get_model("auth", "Group")
    application_type, _ = content_type.objects.get_or_create(
        app_label="applications", model="application"
    )
    review, _ = permission.objects.get_or_create(
        content_type=application_type,
        codename="review_application",
        defaults={"name": "Can review applications and decide them"},
    )
    reviewers, _ = group.objects.get_or_create(name=REVIEWERS)
    reviewers.permissions.add(review)


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('policies', '0003_groups_and_workflow'),
    ]

    operations = [
        migrations.RenameIndex(
            model_name='application',
            new_name='application_state_a45952_idx',
            old_name='policies_ap_state_4450ff_idx',
        ),
        migrations.RenameIndex(
            model_name='application',
            new_name='application_enterpr_cd489c_idx',
            old_name='policies_ap_enterpr_e1c09c_idx',
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
