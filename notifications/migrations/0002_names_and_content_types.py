"""After the move from enterprises and policies: the index name and the content types."""

from django.db import migrations

from zoneportal.migration_helpers import move_content_types


def forwards(apps, schema_editor):
    move_content_types(
        apps, "enterprises", "notifications", ["notification", "notificationpreference"]
    )
    move_content_types(apps, "policies", "notifications", ["policymatchnotice"])


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.RenameIndex(
            model_name='notification',
            new_name='notificatio_user_id_47e85c_idx',
            old_name='enterprises_user_id_f31792_idx',
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
