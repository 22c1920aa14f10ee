# The model moved here from plans with its rows: the state is created on the
# table plans made (0001), then the table takes this app's name (0002).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import samverkan.core.fields


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("plans", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("text", samverkan.core.fields.GuardedCharField(max_length=300, verbose_name="message")),
                        ("url", models.CharField(blank=True, max_length=300, verbose_name="link")),
                        (
                            "key",
                            models.CharField(
                                help_text="Sends each notice to a user at most once.",
                                max_length=200,
                                verbose_name="key",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="read")),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "notification",
                        "verbose_name_plural": "notifications",
                        "ordering": ["-created_at", "-pk"],
                        "db_table": "plans_notification",
                        "constraints": [
                            models.UniqueConstraint(fields=("user", "key"), name="notification_once")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
