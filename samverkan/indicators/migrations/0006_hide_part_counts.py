"""Values stored before the disclosure rule (samverkan/indicators/disclosure.py) kept the
counts of their parts even where the value or a part was small. Until `manage.py
refresh_indicators` recomputes them under the rule, no stored part shows a count."""

from django.db import migrations


def hide_part_counts(apps, schema_editor):
    IndicatorValue = apps.get_model("indicators", "IndicatorValue")
    changed = []
    for value in IndicatorValue.objects.exclude(parts=[]).only("pk", "parts").iterator():
        if any(part.get("count") is not None for part in value.parts):
            value.parts = [{**part, "count": None} for part in value.parts]
            changed.append(value)
        if len(changed) >= 1000:
            IndicatorValue.objects.bulk_update(changed, ["parts"])
            changed = []
    IndicatorValue.objects.bulk_update(changed, ["parts"])


class Migration(migrations.Migration):
    dependencies = [("indicators", "0005_source_from_formats")]
    operations = [migrations.RunPython(hide_part_counts, migrations.RunPython.noop)]
