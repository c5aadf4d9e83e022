"""After the move from policies: the content types of the certificate models."""

from django.db import migrations

from zoneportal.migration_helpers import move_content_types


def forwards(apps, schema_editor):
    move_content_types(apps, "policies", "certificates", ["certificate", "certificatedownload"])


class Migration(migrations.Migration):

    dependencies = [
        ('certificates', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
