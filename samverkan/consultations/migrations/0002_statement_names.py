# The glossary's names: the official statement (tjänsteutlåtande) a recipient
# sends back is a Statement (it was Response); a deputy's or special statement
# entered in the minutes is a MinutesStatement (it was Statement). Tables,
# columns and rows are renamed in place; nothing is copied.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="documentreference", name="document_reference_once"),
        migrations.RemoveConstraint(model_name="response", name="submitted_response_has_date"),
        migrations.RenameModel(old_name="Statement", new_name="MinutesStatement"),
        migrations.RenameModel(old_name="Response", new_name="Statement"),
        migrations.RenameField(model_name="documentreference", old_name="response", new_name="statement"),
        migrations.RenameField(model_name="attachment", old_name="response", new_name="statement"),
        migrations.RenameField(model_name="amendmentproposal", old_name="response", new_name="statement"),
        migrations.RenameField(model_name="minutesitem", old_name="response", new_name="statement"),
        migrations.AlterField(
            model_name="statement",
            name="recipient",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="statement",
                to="consultations.recipient",
            ),
        ),
        migrations.AlterField(
            model_name="minutesstatement",
            name="item",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="minutes_statements",
                to="consultations.minutesitem",
            ),
        ),
        migrations.AlterField(
            model_name="minutesstatement",
            name="supports",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="minutes_statements",
                to="consultations.minutesproposal",
                verbose_name="in favour of",
            ),
        ),
        migrations.AlterModelOptions(
            name="amendmentproposal",
            options={
                "ordering": ["statement", "order", "pk"],
                "verbose_name": "amendment proposal",
                "verbose_name_plural": "amendment proposals",
            },
        ),
        migrations.AlterModelOptions(
            name="attachment",
            options={
                "ordering": ["statement", "uploaded_at"],
                "verbose_name": "attachment",
                "verbose_name_plural": "attachments",
            },
        ),
        migrations.AlterModelOptions(
            name="documentreference",
            options={
                "ordering": ["statement", "reference"],
                "verbose_name": "document reference",
                "verbose_name_plural": "document references",
            },
        ),
        migrations.AlterModelOptions(
            name="minutesitem",
            options={
                "ordering": ["statement", "recorded_at", "pk"],
                "verbose_name": "minutes item",
                "verbose_name_plural": "minutes items",
            },
        ),
        migrations.AddConstraint(
            model_name="documentreference",
            constraint=models.UniqueConstraint(fields=("statement", "reference"), name="document_reference_once"),
        ),
        migrations.AddConstraint(
            model_name="statement",
            constraint=models.CheckConstraint(
                condition=models.Q(("status", "draft"), ("submitted_on__isnull", False), _connector="OR"),
                name="submitted_statement_has_date",
                violation_error_message="A submitted response has the date it was answered.",
            ),
        ),
    ]
