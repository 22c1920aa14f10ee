"""The figures of plans and follow-up as plain data: what a report shows
when it is open, and what it keeps when it is submitted."""

import datetime as dt
import math

from django.utils.translation import gettext as _

from samverkan.indicators import statistics
from samverkan.indicators.models import Denominator, IndicatorValue
from samverkan.indicators.selectors import indicator_figures
from samverkan.plans.models import Direction, MeasureStatus, progress_percent
from samverkan.plans.rollup import roll_up


def percent_text(value: float | None) -> str:
    """Whole per cent rounded half up, as the pages' floatformat does."""
    return "–" if value is None else f"{math.floor(value + 0.5)} %"


def unit(indicator) -> str:
    if indicator.is_share:
        return "%"
    return _("per 1,000 inhabitants") if indicator.denominator == "population" else _("count")


def verdict(
    latest: dict | None, baseline: float, target: float, direction: str, measured: dict | None = None
) -> tuple[str, str]:
    """What the latest complete value says against the baseline and the
    target. Better or worse only when the change cannot be told from chance:
    where the baseline is a measured count (`measured`: its count and population),
    by the same test as the year before's (both are uncertain); else when the
    latest 95 % interval leaves out the baseline. A verdict on a preliminary
    figure says so."""
    if latest is None:
        return "no_data", _("No complete value yet")
    code, label = _verdict(latest, baseline, target, direction, measured)
    if latest.get("preliminary"):
        label = f"{label} – {_('compared with a preliminary figure')}"
    return code, label


def _verdict(
    latest: dict, baseline: float, target: float, direction: str, measured: dict | None
) -> tuple[str, str]:
    decrease = direction == Direction.DECREASE
    reached = latest["value"] <= target if decrease else latest["value"] >= target
    tested = _tested_against_measured(latest, measured)
    if tested is not None:
        below, above = tested and latest["value"] < baseline, tested and latest["value"] > baseline
    elif latest["low"] is not None and latest["high"] is not None:
        below, above = latest["high"] < baseline, latest["low"] > baseline
    else:
        below = above = False
    if reached and (below if decrease else above):
        return "reached", _("Target reached")
    if below or above:
        better = below if decrease else above
        return (
            ("better", _("Better than the baseline")) if better else ("worse", _("Worse than the baseline"))
        )
    if reached:
        return "reached_uncertain", _("At the target, but not clearly changed from the baseline")
    return "unchanged", _("Not clearly different from the baseline")


def _tested_against_measured(latest: dict, measured: dict | None) -> bool | None:
    """Whether the latest count differs from a measured baseline count beyond chance (the
    Poisson test of the year before's comparison), or None where either count, or a rate's
    population, is not known."""
    if measured is None or measured.get("count") is None or latest.get("count") is None:
        return None
    before = after = 1.0  # a count: the same exposure both years
    if measured.get("per_population"):
        if not (measured.get("population") and latest.get("population")):
            return None
        before, after = float(measured["population"]), float(latest["population"])
    p = statistics.poisson_change_p_value(measured["count"], latest["count"], before, after)
    return statistics.significant(p)


def measured_baseline(link) -> dict | None:
    """The baseline as measured, where it is a stored complete yearly count of the link's
    indicator and area for its baseline period."""
    if link.indicator.is_share:
        return None
    found = IndicatorValue.objects.filter(
        indicator=link.indicator, area=link.area, period_kind="year", label=link.baseline_period,
        incomplete=False, count__isnull=False,
    ).first()  # fmt: skip
    if found is None:
        return None
    return {
        "count": found.count,
        "population": found.population,
        "per_population": link.indicator.denominator == Denominator.POPULATION,
    }


def measure_indicator_figures(link, until: dt.date) -> dict:
    indicator = link.indicator
    data = indicator_figures(indicator, link.area, "year", until=until, count=4)
    complete = [
        r for r in data["rows"] if r["value"] is not None and not r["suppressed"] and not r["incomplete"]
    ]
    latest = None
    if complete:
        row = complete[-1]
        latest = {
            "label": row["label"],
            "preliminary": row.get("preliminary", False),
            "value": row["value"],
            "low": row["low"],
            "high": row["high"],
            "count": row["count"],
            "population": row.get("population"),
        }
    code, label = verdict(latest, link.baseline, link.target, link.direction, measured_baseline(link))
    return {
        "indicator": indicator.name,
        "area": link.area.name,
        "unit": unit(indicator),
        "baseline": link.baseline,
        "baseline_period": link.baseline_period,
        "target": link.target,
        "direction": link.direction,
        "latest": latest,
        "verdict": code,
        "verdict_label": label,
        "chart": {**data, "baseline": link.baseline, "target": link.target},
    }


def _counted_percent(status: str, percent: int) -> int | None:
    if status == MeasureStatus.CANCELLED:
        return None  # a cancelled measure no longer counts toward its goal
    return progress_percent(status, percent)


def _measure_row(measure, status: str, percent: int, comment: str) -> dict:
    area = measure.priority_area
    return {
        "id": measure.pk,
        "order": measure.order,
        "title": measure.title,
        "status": status,
        "status_label": str(MeasureStatus(status).label),
        "percent": percent,
        "counted": _counted_percent(status, percent),
        "comment": comment,
        "owners": [o.name for o in measure.owners.all()],
        "joint": len(measure.owners.all()) > 1,  # the prefetched owners, not a query per measure
        "kind": measure.kind.name if measure.kind_id else "",
        "goal_id": measure.goal_id,
        "goal": measure.goal.text if measure.goal_id else _("No goal named"),
        "area_id": area.pk if area else None,
        "area": area.name if area else _("No priority area"),
        "place": measure.place or (measure.area.name if measure.area_id else ""),
        "start": measure.start.isoformat() if measure.start else "",
        "end": measure.end.isoformat() if measure.end else "",
        "weight": measure.weight,
    }


def _measures(plan):
    return plan.measures.select_related(
        "goal", "kind", "area", "plan__priority_area", "goal__priority_area"
    ).prefetch_related("owners", "indicators__indicator", "indicators__area")


def plan_snapshot(plan) -> dict:
    """The plan as adopted: its measures with the indicators' baselines and
    targets (the figures themselves belong to the follow-ups)."""
    return {
        "title": plan.title,
        "year": plan.year,
        "purpose": plan.purpose,
        "priority_area": plan.priority_area.name if plan.priority_area_id else "",
        "goals": [g.text for g in plan.goals.all()],
        "measures": [
            {
                **_measure_row(m, m.status, 0, ""),
                "causes": [c.text for c in m.causes.all()],
                "problem": m.problem.title if m.problem_id else "",
                "indicators": [
                    {
                        "indicator": link.indicator.name,
                        "area": link.area.name,
                        "baseline": link.baseline,
                        "target": link.target,
                        "direction": link.direction,
                    }
                    for link in m.indicators.all()
                ],
            }
            for m in _measures(plan)
        ],
    }


# How far behind the expected progress a measure, goal or area may be (in
# percentage points) and still count as on track, or as at risk.
ON_TRACK_MARGIN, AT_RISK_MARGIN = 10, 25


def expected_progress(report) -> float:
    """The progress expected by the report's tertial (or, on demand, its day)
    if the plan's work runs evenly over the plan's year."""
    if report.tertial:
        return round(100 * report.tertial / 3, 1)
    elapsed = (report.as_of - dt.date(report.year, 1, 1)).days / 365
    return round(100 * min(max(elapsed, 0.0), 1.0), 1)


def pace(percent: float | None, expected: float | None) -> str:
    """on_track, at_risk or behind against the expected progress ('' when either is unknown)."""
    if percent is None or expected is None:
        return ""
    if percent >= expected - ON_TRACK_MARGIN:
        return "on_track"
    return "at_risk" if percent >= expected - AT_RISK_MARGIN else "behind"


def _outcomes(measures: list[dict]) -> list[dict]:
    """What the indicators of these measures say: the outcome, apart from the activity."""
    seen: dict[tuple[str, str], dict] = {}
    for measure in measures:
        for link in measure.get("indicators", []):
            seen.setdefault(
                (link["indicator"], link["area"]),
                {"indicator": link["indicator"], "verdict": link["verdict"], "label": link["verdict_label"]},
            )
    return list(seen.values())


def _node(node, expected: float | None = None) -> dict:
    return {
        "name": node.name,
        "percent": node.percent,
        "computed": node.computed,
        "override": node.override,
        "pace": pace(node.percent, expected),
    }


def rollup_rows(measures: list[dict], overrides, expected: float | None = None) -> list[dict]:
    goal_overrides, area_overrides = {}, {}
    for o in overrides:  # later overrides win
        entry = {
            "percent": o.percent,
            "reason": o.reason,
            "by": o.recorded_by.get_full_name() or o.recorded_by.username,
            "at": o.recorded_at.isoformat(),
        }
        if o.goal_id:
            goal_overrides[o.goal_id] = entry
        else:
            area_overrides[o.priority_area_id] = entry
    rows = []
    for area in roll_up([{**m, "percent": m["counted"]} for m in measures], goal_overrides, area_overrides):
        goals = [
            {**_node(g, expected), "id": g.key, "outcomes": _outcomes(g.children)} for g in area.children
        ]
        rows.append({**_node(area, expected), "id": area.key, "goals": goals})
    return rows


def plan_progress(rollup: list[dict]) -> float | None:
    """A plan's progress: its priority area's, or for the city-wide plan the
    mean of its areas'."""
    values = [row["percent"] for row in rollup if row["percent"] is not None]
    return sum(values) / len(values) if values else None


def report_figures(report) -> dict:
    """Everything a follow-up report shows, as plain data."""
    progress = {p.measure_id: p for p in report.progress.all()}
    expected = expected_progress(report)
    measures = []
    for measure in _measures(report.plan):
        p = progress.get(measure.pk)
        if p is None:
            continue
        row = _measure_row(measure, p.status, p.percent, p.comment)
        measures.append(
            {
                **row,
                "pace": pace(row["counted"], expected),
                "indicators": [
                    measure_indicator_figures(link, report.as_of) for link in measure.indicators.all()
                ],
            }
        )
    overrides = report.overrides.select_related("recorded_by").order_by("recorded_at", "pk")
    return {
        "plan": report.plan.title,
        "year": report.year,
        "tertial": report.tertial,
        "as_of": report.as_of.isoformat(),
        "narrative": report.narrative,
        "measures": measures,
        "expected": expected,
        "on_track_margin": ON_TRACK_MARGIN,
        "at_risk_margin": AT_RISK_MARGIN,
        "rollup": rollup_rows(measures, overrides, expected),
        "recipients": [b.name for b in report.recipients.all()],
    }
