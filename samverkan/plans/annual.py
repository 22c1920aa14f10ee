"""The yearly compilation (årssammanställning): results per priority area
and district, completed measures, indicator trends with honest
significance, and the plan for the coming year; as plain data, then as the
PDF, Word and Excel documents the city files."""

import datetime as dt
import io
from collections import Counter, defaultdict
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from samverkan.agreements.models import Agreement, Scope
from samverkan.core.cells import strings_stay_strings
from samverkan.core.http import render_pdf
from samverkan.indicators.models import IndicatorValue, PeriodKind, preliminary_label
from samverkan.organisations.models import Area, AreaKind
from samverkan.plans import figures
from samverkan.plans.models import (
    ActionPlan,
    FollowUpReport,
    Measure,
    MeasureStatus,
    PlanStatus,
    ReportStatus,
)
from samverkan.situations import diagrams
from samverkan.situations.presentation import chart_from, safe_svg


def _central_names(plan) -> list[str]:
    """The overarching areas a local plan's area addresses (its own name for a
    local priority)."""
    if plan.priority_area is None:
        return [_("City-wide action plan")]
    names = [a.name for a in plan.priority_area.addresses.all()]
    return names or [plan.priority_area.name]


def _trend(link, year: int) -> dict:
    """This year against last year for one indicator and area: a change is
    called significant only when the stored test says so and both years are
    complete."""
    values = {
        v.period_start.year: v
        for v in IndicatorValue.objects.filter(
            indicator=link.indicator,
            area=link.area,
            period_kind=PeriodKind.YEAR,
            period_start__in=[dt.date(year - 1, 1, 1), dt.date(year, 1, 1)],
        ).select_related("indicator")
    }

    def shown(v: IndicatorValue | None) -> dict[str, Any] | None:
        if v is None or v.value is None or v.suppressed:
            return None
        return {
            "value": v.value,
            "low": v.low,
            "high": v.high,
            "count": v.count,
            "population": v.population,
            "incomplete": v.incomplete,
            "preliminary": v.preliminary,
        }

    now, before = shown(values.get(year)), shown(values.get(year - 1))
    current = values.get(year)
    comparable = (
        current is not None
        and now is not None
        and before is not None
        and not now["incomplete"]
        and not before["incomplete"]
    )
    significant = bool(comparable and current is not None and current.significant_change)
    if not comparable:
        reading = _("Not comparable with the year before (a year is missing, incomplete or hidden)")
    else:
        assert current is not None
        reading = current.change_reading or _("Not compared with the year before")
    if comparable and now and before and (now["preliminary"] or before["preliminary"]):
        reading = f"{reading} – {_('compared with a preliminary figure')}"
    latest = now if now and not now["incomplete"] else None
    code, label = figures.verdict(
        latest, link.baseline, link.target, link.direction, figures.measured_baseline(link)
    )
    return {
        "indicator": link.indicator.name,
        "area": link.area.name,
        "unit": figures.unit(link.indicator),
        "this_year": now,
        "last_year": before,
        "significant": significant,
        "p": current.change_p if comparable and current is not None else None,
        "reading": reading,
        "baseline": link.baseline,
        "target": link.target,
        "baseline_note": _baseline_note(link),
        "verdict": code,
        "verdict_label": label,
    }


def _baseline_note(link) -> str:
    """What the verdict is measured against: "utgångsvärde 5,2 (2024), mål 4,0"."""
    if link.baseline is None:
        return ""
    baseline = number_format(link.baseline, 1)
    if link.baseline_period:
        baseline = f"{baseline} ({link.baseline_period})"
    note = _("baseline %(value)s") % {"value": baseline}
    if link.target is not None:
        note += ", " + _("target %(value)s") % {"value": number_format(link.target, 1)}
    return note


def _last_submitted(plan, year: int) -> FollowUpReport | None:
    reports = [r for r in plan.reports.all() if r.status == ReportStatus.SUBMITTED and r.year == year]
    return max(reports, key=lambda r: r.as_of) if reports else None


def compile_year(municipality, year: int) -> dict:
    plans = list(
        ActionPlan.objects.filter(agreement__municipality=municipality, year=year)
        .select_related("agreement__area", "priority_area")
        .prefetch_related(
            "priority_area__addresses",
            "reports",
            Prefetch(
                "measures",
                queryset=Measure.objects.select_related("kind").prefetch_related(
                    "owners", "indicators__indicator", "indicators__area"
                ),
            ),
        )
    )
    by_agreement: defaultdict[int, list[ActionPlan]] = defaultdict(list)
    for plan in plans:
        by_agreement[plan.agreement_id].append(plan)
    districts: list[dict[str, Any]] = []
    central: dict[str, Any] | None = None
    per_area: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    agreements = (
        Agreement.objects.filter(municipality=municipality).select_related("area").order_by("area__name")
    )
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)

    def existed(area: Area) -> bool:
        return (area.valid_from is None or area.valid_from <= last) and (
            area.valid_to is None or area.valid_to >= first
        )

    covered: set[int] = set()
    for agreement in agreements:
        district = agreement.area
        if agreement.scope == Scope.LOCAL and (
            district is None or not (existed(district) or by_agreement.get(agreement.pk))
        ):
            continue  # a district that had ceased before the year, with no plan for it
        entries: list[dict[str, Any]] = []
        trends: dict[tuple[Any, ...], dict[str, Any]] = {}
        for plan in by_agreement.get(agreement.pk, []):
            report = _last_submitted(plan, year)
            measures = list(plan.measures.all())
            statuses = Counter(m.status for m in measures)
            progress = figures.plan_progress(report.content.get("rollup", [])) if report else None
            entry: dict[str, Any] = {
                "plan": plan.title,
                "plan_id": plan.pk,
                "priority_area": plan.priority_area.name if plan.priority_area else _("All priority areas"),
                "central_areas": _central_names(plan),
                "adopted": plan.status == PlanStatus.ADOPTED,
                "measures": len(measures),
                "by_status": {str(MeasureStatus(s).label): statuses.get(s, 0) for s in MeasureStatus.values},
                "completed": [m.title for m in measures if m.status == MeasureStatus.COMPLETED],
                "progress": progress,
                "report": str(report) if report else "",
                "reports": sum(
                    1 for r in plan.reports.all() if r.status == ReportStatus.SUBMITTED and r.year == year
                ),
            }
            for m in measures:
                for link in m.indicators.all():
                    # One row per indicator, area, baseline and target in a district,
                    # however many measures rely on it.
                    key = (link.indicator_id, link.area_id, link.baseline, link.target, link.direction)
                    if key not in trends:
                        trends[key] = {**_trend(link, year), "measures": []}
                    trends[key]["measures"].append(m.title)
            entries.append(entry)
            if agreement.scope == Scope.LOCAL and district is not None:
                for name in entry["central_areas"]:
                    per_area[name].append(
                        {
                            "district": district.name,
                            "progress": progress,
                            "measures": entry["measures"],
                            "completed": len(entry["completed"]),
                        }
                    )
        if agreement.scope == Scope.CENTRAL or district is None:
            if entries:
                central = {"agreement": agreement.title, "plans": entries, "trends": list(trends.values())}
            continue
        covered.add(district.pk)
        districts.append(
            {
                "district": district.name,
                "agreement": agreement.title,
                "plans": entries,
                "trends": list(trends.values()),
            }
        )
    # Districts of the year without a local agreement are part of the picture too.
    without = (
        Area.objects.overlapping(first, last)
        .filter(municipality=municipality, kind=AreaKind.DISTRICT)
        .exclude(pk__in=covered)
    )
    districts += [{"district": a.name, "agreement": "", "plans": [], "trends": []} for a in without]
    districts.sort(key=lambda d: d["district"])
    completed = sum(len(p["completed"]) for d in districts for p in d["plans"])
    return {
        "year": year,
        "municipality": municipality.name,
        "compiled_at": timezone.localtime().isoformat(),  # the day as the municipality reads it
        # Compiled before the year has ended: the figures can still change.
        "preliminary": timezone.localdate() <= dt.date(year, 12, 31),
        "districts": districts,
        "central": central,
        "priority_areas": [{"name": name, "districts": rows} for name, rows in sorted(per_area.items())],
        "totals": {
            "districts": len(districts),
            "with_plans": sum(1 for d in districts if d["plans"]),
            "measures": sum(p["measures"] for d in districts for p in d["plans"]),
            "completed": completed,
        },
    }


# --- documents -----------------------------------------------------------------


def charts(content: dict) -> list[diagrams.Diagram]:
    """One bar chart of progress per district for each priority area."""
    return [
        diagrams.progress_bars(
            [(row["district"], row["progress"]) for row in area["districts"]],
            title=_("Progress: %(area)s") % {"area": area["name"]},
            none_label=_("not followed up"),
        )
        for area in content["priority_areas"]
    ]


def _trend_chart(trend: dict) -> diagrams.Diagram | None:
    rows = []
    for key in ("last_year", "this_year"):
        value = trend[key]
        if value is not None:
            label = preliminary_label(str(trend_year(trend, key)), value.get("preliminary", False))
            rows.append(
                {
                    "label": label,
                    "value": value["value"],
                    "low": value["low"],
                    "high": value["high"],
                    "suppressed": False,
                    "incomplete": value.get("incomplete", False),
                }
            )
    if not rows:
        return None
    return chart_from(
        {"rows": rows, "indicator": trend["indicator"], "area": trend["area"], "unit": trend["unit"]}
    )


def trend_year(trend: dict, key: str) -> int:
    return trend["year"] - (key == "last_year")


def _with_years(content: dict) -> dict:
    for district in [*content["districts"], *([content["central"]] if content.get("central") else [])]:
        for trend in district.get("trends", []):
            trend["year"] = content["year"]
    return content


def annual_pdf(report) -> bytes:
    content = _with_years(report.content)
    context = {
        "report": report,
        "content": content,
        "areas": list(zip(content["priority_areas"], [safe_svg(c) for c in charts(content)], strict=True)),
        "printed": timezone.localtime(),
    }
    return render_pdf("plans/annual_export.html", context)


def preliminary_note(content: dict) -> str:
    return _("Preliminary: compiled on %(day)s, before the year %(year)s had ended.") % {
        "day": content["compiled_at"][:10],
        "year": content["year"],
    }


def annual_docx(report) -> bytes:
    from docx import Document
    from docx.shared import Cm

    content = _with_years(report.content)
    document = Document()
    document.core_properties.title = str(report)
    document.add_heading(_("Yearly compilation %(year)s") % {"year": content["year"]}, level=0)
    document.add_paragraph(content["municipality"])
    if content.get("preliminary"):
        document.add_paragraph(preliminary_note(content))
    if report.is_example:
        document.add_paragraph(_("Example content, not taken from the municipality's documents."))
    totals = content["totals"]
    document.add_paragraph(
        _(
            "%(with)s of %(districts)s districts have action plans; %(measures)s measures, %(completed)s completed."
        )
        % {
            "with": totals["with_plans"],
            "districts": totals["districts"],
            "measures": totals["measures"],
            "completed": totals["completed"],
        }
    )
    document.add_heading(_("Results per priority area and district"), level=1)
    for area, chart in zip(content["priority_areas"], charts(content), strict=True):
        document.add_heading(area["name"], level=2)
        document.add_picture(io.BytesIO(diagrams.to_png(chart)), width=Cm(16))
        table = document.add_table(rows=1, cols=4)
        table.style = "Light List"
        for cell, text in zip(
            table.rows[0].cells, [_("District"), _("Progress"), _("Measures"), _("Completed")], strict=True
        ):
            cell.text = text
        for row in area["districts"]:
            cells = table.add_row().cells
            cells[0].text = row["district"]
            cells[1].text = figures.percent_text(row["progress"])
            cells[2].text, cells[3].text = str(row["measures"]), str(row["completed"])
    parts = [(district["district"], district) for district in content["districts"]]
    if content.get("central"):
        document.add_heading(_("The whole municipality"), level=1)
        _docx_part(document, content["central"]["agreement"], content["central"])
    if parts or not content.get("central"):
        document.add_heading(_("Districts"), level=1)
    for title, district in parts:
        _docx_part(document, title, district)
    document.add_heading(_("Plan for the coming year"), level=1)
    document.add_paragraph(report.next_year_plan or "–")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_part(document: Any, title: str, district: dict) -> None:
    """A district's part of the Word compilation, or the whole municipality's."""
    from docx.shared import Cm

    document.add_heading(title, level=2)
    if not district["plans"]:
        document.add_paragraph(
            _("No action plan for the year.") if district["agreement"] else _("No local agreement registered")
        )
    for plan in district["plans"]:
        document.add_heading(plan["plan"], level=3)
        document.add_paragraph(
            _("Measures: %(n)s. Progress: %(p)s. Latest follow-up: %(r)s.")
            % {
                "n": plan["measures"],
                "p": figures.percent_text(plan["progress"]),
                "r": plan["report"] or _("none submitted"),
            }
        )
        for done in plan["completed"]:
            document.add_paragraph(_("Completed: %(t)s") % {"t": done}, style="List Bullet")
    if district["trends"]:
        document.add_heading(_("Indicator trends"), level=3)
    for trend in district["trends"]:
        document.add_paragraph(
            f"{trend['indicator']}, {trend['area']}: {trend['reading']}. {trend['verdict_label']}"
            + (f" ({trend['baseline_note']}). " if trend.get("baseline_note") else ". ")
            + _("Measures: %(titles)s") % {"titles": "; ".join(trend["measures"])},
            style="List Bullet",
        )
        trend_chart = _trend_chart(trend)
        if trend_chart:
            document.add_picture(io.BytesIO(diagrams.to_png(trend_chart)), width=Cm(12))


def annual_xlsx(report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    content = report.content
    book = Workbook()
    sheet = book.active
    sheet.title = _("Per area and district")[:31]
    sheet.append([_("Priority area"), _("District"), _("Progress (%)"), _("Measures"), _("Completed")])
    for area in content["priority_areas"]:
        for row in area["districts"]:
            sheet.append([area["name"], row["district"], row["progress"], row["measures"], row["completed"]])
    if sheet.max_row > 1:
        chart = BarChart()
        chart.type = "bar"
        chart.title = _("Progress per district and priority area")
        chart.add_data(Reference(sheet, min_col=3, min_row=1, max_row=sheet.max_row), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=2, min_row=2, max_row=sheet.max_row))
        sheet.add_chart(chart, "G2")
    if content.get("preliminary"):
        sheet.append([])
        sheet.append([preliminary_note(content)])
    measures = book.create_sheet(_("Plans")[:31])
    measures.append(
        [
            _("District"),
            _("Action plan"),
            _("Priority area"),
            _("Measures"),
            _("Completed"),
            _("Progress (%)"),
            _("Latest follow-up"),
        ]
    )
    for district in content["districts"]:
        for plan in district["plans"]:
            measures.append(
                [
                    district["district"],
                    plan["plan"],
                    plan["priority_area"],
                    plan["measures"],
                    len(plan["completed"]),
                    plan["progress"],
                    plan["report"],
                ]
            )
    completed = book.create_sheet(_("Completed measures")[:31])
    completed.append([_("District"), _("Action plan"), _("Measure")])
    for district in content["districts"]:
        for plan in district["plans"]:
            for title in plan["completed"]:
                completed.append([district["district"], plan["plan"], title])
    trends = book.create_sheet(_("Indicators")[:31])
    trends.append(
        [
            _("District"),
            _("Indicator"),
            _("Area"),
            _("Unit"),
            _("Last year"),
            _("This year"),
            _("Low"),
            _("High"),
            _("Significant"),
            _("p"),
            _("Against the year before"),
            _("Baseline"),
            _("Target"),
            _("Against the baseline"),
            _("Measures"),
            _("Preliminary"),
        ]
    )
    for district in content["districts"]:
        for t in district["trends"]:
            now = t["this_year"] or {}
            trends.append(
                [
                    district["district"],
                    t["indicator"],
                    t["area"],
                    t["unit"],
                    (t["last_year"] or {}).get("value"),
                    now.get("value"),
                    now.get("low"),
                    now.get("high"),
                    _("yes") if t["significant"] else _("no"),
                    t["p"],
                    t["reading"],
                    t["baseline"],
                    t["target"],
                    t["verdict_label"],
                    "; ".join(t["measures"]),
                    _("yes")
                    if now.get("preliminary") or (t["last_year"] or {}).get("preliminary")
                    else _("no"),
                ]
            )
    for ws in book.worksheets:
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    summary = book.create_sheet(_("Summary")[:31], 0)
    summary.append([_("Yearly compilation %(year)s") % {"year": content["year"]}])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([content["municipality"]])
    for key, label in [
        ("districts", _("Districts")),
        ("with_plans", _("Districts with action plans")),
        ("measures", _("Measures")),
        ("completed", _("Completed measures")),
    ]:
        summary.append([label, content["totals"][key]])
    summary.append([_("Plan for the coming year"), report.next_year_plan])
    strings_stay_strings(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
