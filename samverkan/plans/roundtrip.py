"""Measures and follow-up values as CSV or XLSX, and back again with the
same columns, so the city can feed its goal-management and BI systems and
return what they changed. Importing a file that changes nothing changes
nothing. Columns that name what is set in the plan itself (the plan, the
kind, the goal, the responsible organisations) are exported for reading;
a changed value there is an error on its line, never silently dropped.

The parsers follow the shared importer contract (samverkan.datasources.
importers); the shared loader keeps the original file, previews and
applies atomically."""

import csv
import datetime as dt
import io

from django.utils.translation import gettext as _

from samverkan.core.cells import csv_text, strings_stay_strings
from samverkan.datasources.importers import ParseResult, Row
from samverkan.datasources.importers.tables import read_table, records
from samverkan.plans.models import ExpectedEffect, MeasureStatus

# (key, Swedish header, English header)
MEASURE_COLUMNS = [
    ("id", "id", "id"),
    ("plan", "åtgärdsplan", "action plan"),
    ("order", "ordning", "order"),
    ("title", "åtgärd", "measure"),
    ("description", "beskrivning", "description"),
    ("kind", "form", "kind"),
    ("goal", "mål", "goal"),
    ("owners", "ansvariga", "responsible"),
    ("status", "status", "status"),
    ("start", "start", "start"),
    ("end", "slut", "end"),
    ("place", "plats", "place"),
    ("expected_effect", "förväntad effekt", "expected effect"),
    ("weight", "vikt", "weight"),
]
MEASURE_READ_ONLY = ("plan", "kind", "goal", "owners")

PROGRESS_COLUMNS = [
    ("report", "uppföljning", "follow-up"),
    ("measure_id", "åtgärds-id", "measure id"),
    ("measure", "åtgärd", "measure"),
    ("status", "status", "status"),
    ("percent", "framsteg (%)", "progress (%)"),
    ("comment", "kommentar", "comment"),
]


def _aliases(columns) -> dict[str, str]:
    return {name.lower(): key for key, sv, en in columns for name in (sv, en)}


def _choice(value: str, choices) -> str | None:
    """A status or effect by its code or its label in either language."""
    wanted = value.strip().casefold()
    for code, label in choices.choices:
        if wanted in {code.casefold(), str(label).casefold()}:
            return code
    return None


def measure_rows(plans) -> list[dict]:
    rows = []
    for plan in plans:
        for m in plan.measures.select_related("kind", "goal").prefetch_related("owners"):
            rows.append(
                {
                    "id": m.pk,
                    "plan": str(plan),
                    "order": m.order,
                    "title": m.title,
                    "description": m.description,
                    "kind": m.kind.name if m.kind_id else "",
                    "goal": m.goal.text if m.goal_id else "",
                    "owners": owners_text(m),
                    "status": m.status,
                    "start": m.start.isoformat() if m.start else "",
                    "end": m.end.isoformat() if m.end else "",
                    "place": m.place,
                    "expected_effect": m.expected_effect,
                    "weight": m.weight,
                }
            )
    return rows


def owners_text(measure) -> str:
    return "; ".join(sorted(o.short_name or o.name for o in measure.owners.all()))


def progress_rows(report) -> list[dict]:
    return [
        {
            "report": report.pk,
            "measure_id": p.measure_id,
            "measure": p.measure.title,
            "status": p.status,
            "percent": p.percent,
            "comment": p.comment,
        }
        for p in report.progress.select_related("measure")
    ]


def to_csv(columns, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([sv for _key, sv, _en in columns])
    for row in rows:
        writer.writerow([csv_text(row[key]) for key, _sv, _en in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # Excel opens UTF-8 with a BOM


def to_xlsx(columns, rows, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([sv for _key, sv, _en in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row[key] for key, _sv, _en in columns])
    sheet.freeze_panes = "A2"
    strings_stay_strings(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def parse_measures(data: bytes, filename: str = "") -> ParseResult:
    rows, read_as = read_table(data, filename)
    result = ParseResult(encoding=read_as)
    wrong = _("The first line must name the columns of a measures export: %(columns)s.") % {
        "columns": ", ".join(sv for _k, sv, _e in MEASURE_COLUMNS)
    }
    for line, record in records(
        rows, _aliases(MEASURE_COLUMNS), lambda names: {"id", "title"} <= names, wrong
    ):
        if not record.get("id", "").isdigit():
            result.error(
                line, _("Measures are added in the plan; a line needs the id of an exported measure.")
            )
            continue
        status = _choice(record.get("status", "planned") or "planned", MeasureStatus)
        effect = _choice(record.get("expected_effect", "short") or "short", ExpectedEffect)
        if status is None:
            result.error(line, _("'%(value)s' is not a status of a measure.") % {"value": record["status"]})
            continue
        if effect is None:
            result.error(
                line, _("'%(value)s' is not an expected effect.") % {"value": record["expected_effect"]}
            )
            continue
        try:
            start, end = _date(record.get("start", "")), _date(record.get("end", ""))
            order = int(record.get("order") or 0)
            weight = int(record.get("weight") or 1)
        except ValueError:
            result.error(line, _("Dates are written YYYY-MM-DD; order and weight are whole numbers."))
            continue
        if start and end and end < start:
            result.error(line, _("A measure cannot end before it starts."))
            continue
        if weight < 1 or order < 0:
            result.error(line, _("The weight must be at least 1 and the order not negative."))
            continue
        if not record["title"]:
            result.error(line, _("The measure needs a title."))
            continue
        if result.refuses_identity_numbers(line, *record.values()):
            continue
        result.rows.append(
            Row(
                line,
                {
                    "id": int(record["id"]),
                    "order": order,
                    "title": record["title"],
                    "description": record.get("description", ""),
                    "status": status,
                    "start": start,
                    "end": end,
                    "place": record.get("place", ""),
                    "expected_effect": effect,
                    "weight": weight,
                    "read_only": {k: record[k] for k in MEASURE_READ_ONLY if k in record},
                },
            )
        )
    return result


def parse_progress(data: bytes, filename: str = "") -> ParseResult:
    rows, read_as = read_table(data, filename)
    result = ParseResult(encoding=read_as)
    wrong = _("The first line must name the columns of a follow-up export: %(columns)s.") % {
        "columns": ", ".join(sv for _k, sv, _e in PROGRESS_COLUMNS)
    }
    fits = lambda names: {"report", "measure_id", "status", "percent"} <= names  # noqa: E731
    for line, record in records(rows, _aliases(PROGRESS_COLUMNS), fits, wrong):
        if not (record["report"].isdigit() and record["measure_id"].isdigit()):
            result.error(line, _("A line needs the follow-up's number and the measure's id from the export."))
            continue
        status = _choice(record["status"], MeasureStatus)
        if status is None:
            result.error(line, _("'%(value)s' is not a status of a measure.") % {"value": record["status"]})
            continue
        try:
            percent = int(record["percent"].replace("%", "").strip())
        except ValueError:
            percent = -1
        if not 0 <= percent <= 100:
            result.error(line, _("The progress must be a whole number from 0 to 100."))
            continue
        if result.refuses_identity_numbers(line, record.get("comment", "")):
            continue
        result.rows.append(
            Row(
                line,
                {
                    "report": int(record["report"]),
                    "measure": int(record["measure_id"]),
                    "status": status,
                    "percent": 100 if status == MeasureStatus.COMPLETED else percent,
                    "comment": record.get("comment", ""),
                },
            )
        )
    return result


def plan_measures(batch, parsed, plan_cls):
    """The loader's plan for a measures file: changes to existing measures
    of plans the uploader may edit, each checked against the plan's rules."""
    from samverkan.accounts.permissions import can_edit_plan
    from samverkan.plans.models import Measure

    plan = plan_cls()
    ids = [r.data["id"] for r in parsed.rows]
    measures = {
        m.pk: m
        for m in Measure.objects.filter(pk__in=ids, plan__agreement__municipality=batch.municipality)
        .select_related("plan__agreement", "kind", "goal")
        .prefetch_related("owners")
    }
    fields = ("order", "title", "description", "status", "start", "end", "place", "expected_effect", "weight")
    seen: dict[int, int] = {}
    for row in parsed.rows:
        d = row.data
        measure = measures.get(d["id"])
        if measure is None:
            parsed.error(row.line, _("There is no measure %(id)s in this municipality.") % {"id": d["id"]})
            continue
        if d["id"] in seen:
            parsed.error(
                row.line,
                _("Measure %(id)s is also on line %(line)s.") % {"id": d["id"], "line": seen[d["id"]]},
            )
            continue
        seen[d["id"]] = row.line
        current = {
            "plan": str(measure.plan),
            "kind": measure.kind.name if measure.kind_id else "",
            "goal": measure.goal.text if measure.goal_id else "",
            "owners": owners_text(measure),
        }
        fixed = [k for k, v in d["read_only"].items() if v != str(current[k])]
        if fixed:
            parsed.error(
                row.line,
                _("%(columns)s is set in the plan itself, not by import.")
                % {"columns": ", ".join(dict((k, sv) for k, sv, _e in MEASURE_COLUMNS)[k] for k in fixed)},
            )
            continue
        changes = {k: d[k] for k in fields if getattr(measure, k) != d[k]}
        if not changes:
            plan.unchanged += 1
            continue
        if batch.uploaded_by is None or not can_edit_plan(batch.uploaded_by, measure.plan):
            parsed.error(row.line, _("You may not change the measures of %(plan)s.") % {"plan": measure.plan})
        elif not measure.plan.is_draft:
            parsed.error(
                row.line,
                _("%(plan)s is adopted; reopen it as a draft to change its measures.")
                % {"plan": measure.plan},
            )
        else:
            plan.changed.append((measure, changes))
    return plan


def plan_progress(batch, parsed, plan_cls):
    """The loader's plan for a follow-up file: changes to the progress lines
    of draft reports the uploader may edit; a submitted report is frozen."""
    from samverkan.accounts.permissions import can_edit_report
    from samverkan.plans.models import MeasureProgress

    plan = plan_cls()
    lines = {
        (p.report_id, p.measure_id): p
        for p in MeasureProgress.objects.filter(
            report_id__in={r.data["report"] for r in parsed.rows},
            report__plan__agreement__municipality=batch.municipality,
        ).select_related("report__plan__agreement")
    }
    for row in parsed.rows:
        d = row.data
        progress = lines.get((d["report"], d["measure"]))
        if progress is None:
            parsed.error(
                row.line,
                _("Follow-up %(report)s has no line for measure %(measure)s.")
                % {"report": d["report"], "measure": d["measure"]},
            )
            continue
        changes = {k: d[k] for k in ("status", "percent", "comment") if getattr(progress, k) != d[k]}
        if not changes:
            plan.unchanged += 1
        elif not progress.report.is_draft:
            parsed.error(
                row.line, _("Follow-up %(report)s is submitted and is not changed.") % {"report": d["report"]}
            )
        elif batch.uploaded_by is None or not can_edit_report(batch.uploaded_by, progress.report):
            parsed.error(row.line, _("You may not change follow-up %(report)s.") % {"report": d["report"]})
        else:
            plan.changed.append((progress, changes))
    return plan
