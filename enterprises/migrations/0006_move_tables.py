"""The message centre moves to the notifications app (rows kept): its tables are renamed here."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0005_notifications'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name='notification', table='notifications_notification'),
                migrations.AlterModelTable(
                    name='notificationpreference', table='notifications_notificationpreference'
                ),
            ],
        ),
    ]
