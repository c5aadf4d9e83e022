"""Programmes and applications, certificates and pushes move to apps of their own (rows kept).

The tables are renamed here; the new apps take the models over in their first migrations
(state only), and 0010 drops them from this app's state. No row is copied or lost.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('policies', '0008_certificates'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
            migrations.AlterModelTable(name='programme', table='applications_programme'),
            migrations.AlterModelTable(name='application', table='applications_application'),
            migrations.AlterModelTable(name='applicationdocument', table='applications_applicationdocument'),
            migrations.AlterModelTable(name='applicationevent', table='applications_applicationevent'),
            migrations.AlterModelTable(name='referencecounter', table='applications_referencecounter'),
            migrations.AlterModelTable(name='certificate', table='certificates_certificate'),
            migrations.AlterModelTable(name='certificatedownload', table='certificates_certificatedownload'),
            migrations.AlterModelTable(name='policymatchnotice', table='notifications_policymatchnotice'),
            ],
        ),
    ]
