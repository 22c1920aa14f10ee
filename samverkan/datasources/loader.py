"""The shared loader: every import is checked first (a dry run that
writes nothing but the kept original), then applied all at once or not at
all. Importing the same content again adds nothing. What a file means is
its format's business (samverkan.datasources.formats); nothing here knows
one format from another."""

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from samverkan.accounts.models import User
from samverkan.core import file_texts
from samverkan.core.i18n import remembered as _  # messages kept in reports are shown in the reader's language
from samverkan.core.i18n import stored_message
from samverkan.core.personal_data import (
    holds_identity_number,
    refuse_identity_number_in_name,
    scrubbed,
)
from samverkan.datasources import formats
from samverkan.datasources.importers import ImportPlan, UnreadableFile, write_rows
from samverkan.datasources.models import ImportBatch
from samverkan.datasources.signals import batch_imported
from samverkan.organisations.models import Municipality

MAX_ERRORS_SHOWN = 200
log = logging.getLogger(__name__)


def batch_receive(
    *,
    municipality: Municipality,
    kind: str,
    filename: str,
    data: bytes,
    user: User | None,
    check: bool = True,
    options: dict[str, Any] | None = None,
    example: bool = False,
) -> ImportBatch:
    """Keep the original file and check it (or leave the check to the worker
    with check=False): nothing else is written. `options` say how to read
    it, as the format allows (such as which field holds the names); `example`
    marks generated example data."""
    refuse_identity_number_in_name(filename)
    fmt = formats.get(kind)
    batch = ImportBatch(
        municipality=municipality,
        kind=kind,
        filename=filename[:255],
        sha256=ImportBatch.checksum(data),
        size=len(data),
        uploaded_by=user,
        organisation=getattr(user, "organisation", None),
        options=_allowed(fmt, options or {}),
        is_example=example,
    )
    batch.original.save(filename, ContentFile(data), save=False)
    batch.status = ImportBatch.Status.QUEUED
    batch.save()
    if check:
        batch_check(batch, data=data)
    return batch


def _allowed(fmt: formats.Format, options: dict[str, Any]) -> dict[str, Any]:
    unknown = set(options) - set(fmt.options)
    if unknown:
        raise ValidationError(
            _("%(format)s has no option %(names)s.")
            % {"format": fmt.label, "names": ", ".join(sorted(unknown))}
        )
    return dict(options)


def batch_options_choose(batch: ImportBatch, options: dict[str, str], *, check: bool = True) -> ImportBatch:
    """Read a checked file again with the fields a person chose (among those
    its check found), replacing the check's report (with check=False the
    caller leaves the check to the worker)."""
    if batch.in_progress or batch.status == ImportBatch.Status.IMPORTED:
        raise ValidationError(_("Only a checked file that has not been imported can be read again."))
    if not batch.original:
        raise ValidationError(_("The file was refused and not kept; upload it again."))
    fmt = formats.get(batch.kind)
    fields = {f["name"] for f in batch.report.get("fields", [])}
    for value in options.values():
        if value and value not in fields:
            raise ValidationError(_("The file has no field '%(field)s'.") % {"field": value})
    batch.options = {**batch.options, **_allowed(fmt, options)}
    batch.save(update_fields=["options"])
    if check:
        batch_check(batch)
    else:
        _progress(batch, ImportBatch.Status.QUEUED, 0)
    return batch


def _progress(batch: ImportBatch, status: str, percent: int) -> None:
    """Committed at once (outside any import transaction) so the page can show it."""
    ImportBatch.objects.filter(pk=batch.pk).update(status=status, progress=percent)
    batch.status, batch.progress = status, percent


def batch_check(batch: ImportBatch, *, data: bytes | None = None) -> ImportPlan | None:
    _progress(batch, ImportBatch.Status.CHECKING, 10)
    data = data if data is not None else batch.original.open("rb").read()
    report: dict[str, Any] = {"errors": [], "notes": [], "counts": {}}
    fmt = formats.get(batch.kind)
    previous = (
        ImportBatch.objects.filter(
            municipality=batch.municipality,
            kind=batch.kind,
            sha256=batch.sha256,
            status=ImportBatch.Status.IMPORTED,
        )
        .exclude(pk=batch.pk)
        .first()
    )
    plan = None
    personal_data = False
    try:
        parsed = fmt.parse(data, batch.filename, batch.options)
        _guard_rows(parsed)
        personal_data = parsed.personal_data
        batch.restricted = parsed.restricted > 0
        batch.read_as = parsed.encoding
        plan = fmt.plan(batch, parsed, False)  # may add errors only the database can see (unknown names)
    except UnreadableFile as error:
        report["errors"].append({"line": None, "message": str(error)})
        report["error_count"] = 1
    except Exception as error:  # noqa: BLE001 - whatever a file does, its batch ends with a reason
        log.exception("Checking import %s failed", batch.pk)
        report["errors"].append({"line": None, "message": _unexpected(error)})
        report["error_count"] = 1
    else:
        report.update(_report_of(fmt, parsed, plan))
    if previous is not None:
        again = _("This exact file was already imported on %(date)s; importing it again adds nothing.") % {
            "date": timezone.localtime(previous.imported_at).strftime("%Y-%m-%d %H:%M")
        }
        report["notes"].insert(0, str(again))
        report.setdefault("note_messages", [{"message": n} for n in report["notes"][1:]]).insert(
            0, stored_message(again)
        )
    if not personal_data and (not report["errors"] or report.get("fields")):
        # Only a file that is kept needs every part read (a refused one is deleted below).
        personal_data = _guard_file(batch, data, report)
    personal_data = personal_data or holds_identity_number(report)
    batch.report = scrubbed(report)
    batch.progress = 100
    if report["errors"]:
        batch.status = ImportBatch.Status.REJECTED
        if personal_data or not report.get("fields"):
            # A refused file is not kept (unless a person may still choose how to read it).
            batch.original.delete(save=False)
            batch.report["not_kept"] = True
    elif previous is not None:
        batch.status = ImportBatch.Status.DUPLICATE
    else:
        batch.status = ImportBatch.Status.PREVIEWED
    batch.save()
    return plan


def _report_of(fmt: formats.Format, parsed: Any, plan: ImportPlan) -> dict[str, Any]:
    """What the check found, for the batch's page."""
    for row in plan.reconciliation:
        if not row["ok"]:
            parsed.error(None, _reconciliation_error(row))
    # Messages keep their text (the checker's language) and how to translate them for a later reader.
    report: dict[str, Any] = {
        "notes": [str(n) for n in parsed.notes],
        "note_messages": [stored_message(n) for n in parsed.notes],
    }
    errors = sorted(parsed.errors, key=lambda e: e.line or 0)
    report["errors"] = [{"line": e.line, **stored_message(e.message)} for e in errors[:MAX_ERRORS_SHOWN]]
    report["error_count"] = len(parsed.errors)
    report["counts"] = {
        "rows": len(parsed.rows),
        "new": len(plan.new),
        "changed": len(plan.changed),
        "unchanged": plan.unchanged,
    }
    report["changed"] = [
        {
            "object": str(obj),
            "model": obj._meta.label,  # the page names the fields by their labels
            "changes": {k: [_shown(getattr(obj, k)), _shown(v)] for k, v in values.items()},
        }
        for obj, values in plan.changed[:MAX_ERRORS_SHOWN]
    ]
    report["unmapped"] = dict(plan.unmapped.most_common())
    report["elsewhere"] = dict(plan.elsewhere.most_common())
    report["outside"] = dict(plan.outside.most_common())
    report["warnings"] = [
        {"line": w.line, **stored_message(w.message)} for w in plan.warnings[:MAX_ERRORS_SHOWN]
    ]
    report["warning_count"] = len(plan.warnings)
    report["reconciliation"] = plan.reconciliation
    report["keeps_unmapped"] = fmt.keeps_unmapped
    if plan.fields:
        report["fields"] = plan.fields
        report["chosen"] = plan.chosen
    return report


def _guard_rows(parsed: Any) -> None:
    """The personal-data guard on every value of every row, whatever the
    format: a row that holds a number is an error on its line and goes no
    further (so no list of the report can carry it)."""
    kept = []
    for row in parsed.rows:
        if holds_identity_number(row.data):
            parsed.refuse_personal_data(row.line)
        else:
            kept.append(row)
    parsed.rows[:] = kept


def _guard_file(batch: ImportBatch, data: bytes, report: dict[str, Any]) -> bool:
    """The personal-data guard on every part of the file, not only the values
    its format reads (a column not mapped, a header, another sheet, the
    properties of a workbook): a number anywhere refuses the file, which is
    then not kept. True when one was found."""
    try:
        found = file_texts.first_identity_number(batch.filename, data)
    except Exception:  # noqa: BLE001 - a part the guard cannot read was read by the format, or refused
        log.warning("The guard could not read every part of import %s", batch.pk, exc_info=True)
        return False
    if found is None:
        return False
    message = _(
        "The file holds what looks like a Swedish personal identity number or coordination number "
        "(%(number)s) in %(part)s, a part that is not imported. Samverkan must not hold personal data "
        "about individuals: remove it from the file (or the file's properties) and upload it again; "
        "nothing was kept."
    ) % {"number": found.match.masked, "part": found.part}
    report["errors"].append({"line": found.line, **stored_message(message)})
    report["error_count"] = report.get("error_count", 0) + 1
    return True


def _unexpected(error: Exception) -> str:
    return _(
        "The file could not be checked (%(error)s). Nothing was imported; if the file is what the "
        "source exports, tell the administrators."
    ) % {"error": type(error).__name__}


def _reconciliation_error(row: dict[str, Any]) -> str:
    return _(
        "%(crime)s %(year)s: the file holds %(file)s, but districts, the municipality, other regions "
        "and rows not counted come to %(landed)s."
    ) % {"crime": row["crime"], "year": row["year"], "file": row["file"], "landed": row["landed"]}


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _shown(value: object) -> object:
    """A changed value for the report: numbers stay numbers (the page writes
    them the reader's way), anything else is shortened text."""
    return value if isinstance(value, int | float) and not isinstance(value, bool) else _short(value)


class ImportRefused(Exception):
    pass


def batch_apply(batch: ImportBatch, *, queued: bool = False) -> ImportBatch:
    """Write everything the check found, in one transaction. One apply, one
    effect: the batch is claimed first (a checked batch becomes "being
    imported" in one statement, so of two requests at once only one goes
    on); the other, and any apply of a batch already imported, returns it as
    it is. `queued`: the worker's apply of a batch the page already marked
    (the worker's advisory lock lets one worker at a time work on it)."""
    if queued:
        claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.IMPORTING).exists()
    else:
        claimed = (
            ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEWED).update(
                status=ImportBatch.Status.IMPORTING, progress=20
            )
            == 1
        )
    if not claimed:
        batch.refresh_from_db()
        if batch.status in (ImportBatch.Status.IMPORTED, ImportBatch.Status.IMPORTING):
            return batch  # imported by another request, or being imported
        raise ImportRefused(_("Only a checked file without errors can be imported."))
    _progress(batch, ImportBatch.Status.IMPORTING, 20)
    try:
        data = batch.original.open("rb").read()
        if ImportBatch.checksum(data) != batch.sha256:
            raise ImportRefused(_("The kept file no longer matches its checksum; upload it again."))
        fmt = formats.get(batch.kind)
        with transaction.atomic():
            parsed = fmt.parse(data, batch.filename, batch.options)
            plan = fmt.plan(batch, parsed, True)
            if parsed.errors:
                raise ImportRefused(_("The file has errors; nothing was imported."))
            try:
                (fmt.apply or write_rows)(batch, plan)
            except ValidationError as error:
                raise ImportRefused(" ".join(error.messages)) from error
            batch.status = ImportBatch.Status.IMPORTED
            batch.progress = 100
            batch.imported_at = timezone.now()
            batch.report = {
                **batch.report,
                "applied": {"new": len(plan.new), "changed": len(plan.changed), "unchanged": plan.unchanged},
            }
            batch.save()
            transaction.on_commit(lambda: batch_imported.send(sender=ImportBatch, batch=batch))
    except Exception:
        _progress(batch, ImportBatch.Status.PREVIEWED, 0)  # the transaction wrote nothing
        raise
    return batch


def batch_queue_apply(batch: ImportBatch) -> None:
    """Mark a checked file as being imported before the worker takes it."""
    _progress(batch, ImportBatch.Status.IMPORTING, 5)


def batch_refused(batch: ImportBatch, reason: str) -> None:
    """Keep why the worker did not import the file, for its page."""
    batch.report = {**batch.report, "refused": reason}
    ImportBatch.objects.filter(pk=batch.pk).update(report=batch.report)
