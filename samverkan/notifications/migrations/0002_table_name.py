from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("plans", "0002_notification_moved"),
    ]

    operations = [
        migrations.AlterModelTable(name="notification", table=None),
    ]
