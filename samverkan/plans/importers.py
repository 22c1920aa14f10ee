"""The measures and follow-up exports of samverkan.plans.roundtrip, changed
elsewhere and imported back through Dataimport. Importing a file that
changes nothing changes nothing. A changed value in a column that is set in
the plan itself (the plan, the kind, the goal, the responsible
organisations) is an error on its line, never silently dropped; changes are
written through the plans' services, with their rules."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy

from samverkan.core.i18n import remembered as _  # messages kept in reports are shown in the reader's language
from samverkan.datasources.formats import Format, register
from samverkan.datasources.importers import ImportPlan, ParseResult, Row
from samverkan.datasources.importers.tables import read_table, records
from samverkan.datasources.models import ImportBatch
from samverkan.plans import services
from samverkan.plans.models import ExpectedEffect, Measure, MeasureProgress, MeasureStatus, progress_percent
from samverkan.plans.permissions import can_edit_plan, can_edit_report
from samverkan.plans.roundtrip import (
    MEASURE_COLUMNS,
    MEASURE_READ_ONLY,
    PROGRESS_COLUMNS,
    Column,
    owners_text,
)

MEASURE_FIELDS = (
    "order",
    "title",
    "description",
    "status",
    "start",
    "end",
    "place",
    "expected_effect",
    "weight",
)


def _aliases(columns: list[Column]) -> dict[str, str]:
    return {name.lower(): key for key, sv, en in columns for name in (sv, en)}


def _choice(value: str, choices: type[TextChoices]) -> str | None:
    """A status or effect by its code or its label in either language."""
    wanted = value.strip().casefold()
    for code, label in choices.choices:
        if wanted in {code.casefold(), str(label).casefold()}:
            return code
    return None


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def parse_measures(data: bytes, filename: str = "", options: dict[str, Any] | None = None) -> ParseResult:
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


def parse_progress(data: bytes, filename: str = "", options: dict[str, Any] | None = None) -> ParseResult:
    rows, read_as = read_table(data, filename)
    result = ParseResult(encoding=read_as)
    wrong = _("The first line must name the columns of a follow-up export: %(columns)s.") % {
        "columns": ", ".join(sv for _k, sv, _e in PROGRESS_COLUMNS)
    }
    fits: Callable[[set[str]], bool] = lambda names: {"report", "measure_id", "status", "percent"} <= names  # noqa: E731
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
                    "percent": percent,
                    "comment": record.get("comment", ""),
                },
            )
        )
    return result


def plan_measures(batch: ImportBatch, parsed: ParseResult, remember: bool) -> ImportPlan:
    """Changes to existing measures of plans the uploader may edit, each
    checked against the plan's rules."""
    result = ImportPlan()
    ids = [r.data["id"] for r in parsed.rows]
    measures = {
        m.pk: m
        for m in Measure.objects.filter(pk__in=ids, plan__agreement__municipality=batch.municipality)
        .select_related("plan__agreement", "kind", "goal")
        .prefetch_related("owners")
    }
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
            "kind": measure.kind.name if measure.kind else "",
            "goal": measure.goal.text if measure.goal else "",
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
        changes = {k: d[k] for k in MEASURE_FIELDS if getattr(measure, k) != d[k]}
        if not changes:
            result.unchanged += 1
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
            result.changed.append((measure, changes))
    return result


def plan_progress(batch: ImportBatch, parsed: ParseResult, remember: bool) -> ImportPlan:
    """Changes to the progress lines of draft reports the uploader may edit;
    a submitted report is frozen."""
    result = ImportPlan()
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
        wanted = {**d, "percent": progress_percent(d["status"], d["percent"])}
        changes = {
            k: wanted[k] for k in ("status", "percent", "comment") if getattr(progress, k) != wanted[k]
        }
        if not changes:
            result.unchanged += 1
        elif not progress.report.is_draft:
            parsed.error(
                row.line, _("Follow-up %(report)s is submitted and is not changed.") % {"report": d["report"]}
            )
        elif batch.uploaded_by is None or not can_edit_report(batch.uploaded_by, progress.report):
            parsed.error(row.line, _("You may not change follow-up %(report)s.") % {"report": d["report"]})
        else:
            result.changed.append((progress, changes))
    return result


def apply_measures(batch: ImportBatch, planned: ImportPlan) -> None:
    for measure, changes in planned.changed:
        services.measure_change(measure=measure, **changes)


def apply_progress(batch: ImportBatch, planned: ImportPlan) -> None:
    for progress, changes in planned.changed:
        fields = {k: changes.get(k, getattr(progress, k)) for k in ("status", "percent", "comment")}
        services.progress_set(progress=progress, **fields)


MEASURES = register(
    Format(
        kind="measures",
        label=gettext_lazy("Measures of action plans (export, changed)"),
        parse=parse_measures,
        plan=plan_measures,
        apply=apply_measures,
        order=60,
    )
)
FOLLOW_UP = register(
    Format(
        kind="follow_up",
        label=gettext_lazy("Follow-up values (export, changed)"),
        parse=parse_progress,
        plan=plan_progress,
        apply=apply_progress,
        order=70,
    )
)
