from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from samverkan.audit.context import acting_as
from samverkan.datasources import formats, loader
from samverkan.datasources.files import pack, with_siblings
from samverkan.datasources.models import ImportBatch
from samverkan.datasources.signals import command_imported
from samverkan.organisations.models import Municipality


class Command(BaseCommand):
    help = "Check a data file and, with --apply, import it (the same checks as the web page)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[f.kind for f in formats.all_formats()])
        parser.add_argument("path", type=Path)
        parser.add_argument("--apply", action="store_true", help="import when the check finds no errors")
        parser.add_argument(
            "--municipality", default=settings.SAMVERKAN_MUNICIPALITY, help="municipality code"
        )
        parser.add_argument("--name-field", help="the field that holds the areas' names (boundaries)")
        parser.add_argument("--code-field", help="the field that holds the areas' codes (boundaries)")

    def handle(self, kind, path, apply, municipality, name_field, code_field, **options):
        target = Municipality.objects.filter(code=municipality).first()
        if target is None:
            raise CommandError(f"No municipality with code {municipality}; load a configuration first.")
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        chosen = {"name_field": name_field, "code_field": code_field}
        # A .shp is read with the parts of the same shapefile that lie beside it.
        parts = with_siblings(path)
        if len(parts) > 1:
            self.stdout.write("Read together: " + ", ".join(p.name for p in parts))
        filename, data = pack([(p.name, p.read_bytes()) for p in parts])
        with acting_as(label="import_file"):
            try:
                batch = loader.batch_receive(
                    municipality=target,
                    kind=kind,
                    filename=filename,
                    data=data,
                    user=None,
                    options={k: v for k, v in chosen.items() if v is not None},
                )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            self._report(batch.report)
            self.stdout.write(f"{path.name}: {batch.get_status_display()} {batch.report.get('counts', {})}")
            if batch.status == ImportBatch.Status.REJECTED:
                raise CommandError("The file has errors; nothing was imported.")
            if apply and batch.status == ImportBatch.Status.PREVIEWED:
                loader.batch_apply(batch)
                command_imported.send(sender=ImportBatch, batch=batch)
                self.stdout.write(f"Imported: {batch.report['applied']}")

    def _report(self, report: dict[str, Any]) -> None:
        """What the import page shows, as lines of text."""
        for error in report["errors"][:20]:
            self.stderr.write(f"line {error['line'] or '-'}: {error['message']}")
        if report.get("error_count", 0) > 20:
            self.stderr.write(f"… {report['error_count'] - 20} more errors")
        for warning in report.get("warnings", []):
            self.stdout.write(f"warning, line {warning['line'] or '-'}: {warning['message']}")
        for note in report["notes"]:
            self.stdout.write(note)
        if report.get("fields"):
            self.stdout.write("Fields (--name-field/--code-field to choose others):")
            for field in report["fields"]:
                role = {"name": "  <- names", "code": "  <- codes"}.get(field["role"], "")
                kind = f" [{field['kind']}]" if field["kind"] else ""
                self.stdout.write(f"  {field['name']}{kind}: {', '.join(field['samples']) or '-'}{role}")
        for heading, key in (
            (
                "Regions outside the configured areas (kept, not counted)"
                if report.get("keeps_unmapped", True)
                else "Not configured (not imported)",
                "unmapped",
            ),
            ("Other municipalities", "elsewhere"),
            ("Events elsewhere", "outside"),
        ):
            if report.get(key):
                self.stdout.write(f"{heading}: " + "; ".join(f"{n} ({c})" for n, c in report[key].items()))
        for row in report.get("reconciliation", []):
            self.stdout.write(
                f"{row['crime']} {row['year']}: file {row['file']} = districts {row['districts']} + municipality "
                f"{row['municipality']} + other regions {row['elsewhere']} + not counted {row['not_counted']}"
                + ("" if row["ok"] else "  DOES NOT ADD UP")
            )
