"""Measures and follow-up values as CSV or XLSX, and back again with the
same columns (samverkan.plans.importers), so the city can feed its
goal-management and BI systems and return what they changed. Columns that
name what is set in the plan itself (the plan, the kind, the goal, the
responsible organisations) are exported for reading only."""

import io
from typing import Any

from samverkan.core.cells import FormulaSafeWriter, strings_stay_strings
from samverkan.plans.models import ActionPlan, FollowUpReport, Measure

Column = tuple[str, str, str]  # (key, Swedish header, English header)

MEASURE_COLUMNS: list[Column] = [
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

PROGRESS_COLUMNS: list[Column] = [
    ("report", "uppföljning", "follow-up"),
    ("measure_id", "åtgärds-id", "measure id"),
    ("measure", "åtgärd", "measure"),
    ("status", "status", "status"),
    ("percent", "framsteg (%)", "progress (%)"),
    ("comment", "kommentar", "comment"),
]


def measure_rows(plans: list[ActionPlan]) -> list[dict[str, Any]]:
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
                    "kind": m.kind.name if m.kind else "",
                    "goal": m.goal.text if m.goal else "",
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


def owners_text(measure: Measure) -> str:
    return "; ".join(sorted(o.short_name or o.name for o in measure.owners.all()))


def progress_rows(report: FollowUpReport) -> list[dict[str, Any]]:
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


def to_csv(columns: list[Column], rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = FormulaSafeWriter(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([sv for _key, sv, _en in columns])
    for row in rows:
        writer.writerow([row[key] for key, _sv, _en in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # Excel opens UTF-8 with a BOM


def to_xlsx(columns: list[Column], rows: list[dict[str, Any]], title: str) -> bytes:
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
