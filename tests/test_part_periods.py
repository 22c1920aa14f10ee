"""A part period (a year not ended, months the source has not published) is drawn apart
and never read as a whole one; a hidden value is marked, not dropped (issue 34 §2)."""

import datetime as dt

from samverkan.indicators.models import Indicator, IndicatorValue
from samverkan.indicators.selectors import Panel, SeriesRow
from samverkan.situations import diagrams
from samverkan.situations.presentation import chart_from


def value(year: int, count: int | None, *, incomplete=False, suppressed=False, preliminary=False):
    return IndicatorValue(
        period_kind="year", period_start=dt.date(year, 1, 1), label=str(year), count=count,
        value=None if count is None else count / 10,
        low=None if count is None else count / 20, high=None if count is None else count / 5,
        incomplete=incomplete, suppressed=suppressed, preliminary=preliminary,
    )  # fmt: skip


def test_the_district_chart_marks_part_periods_and_hidden_values(stockholm):
    indicator = Indicator.objects.get(municipality=stockholm, code="misshandel")
    rows = [
        SeriesRow("2024", value(2024, 120), value(2024, 900)),
        SeriesRow("2025", value(2025, None, suppressed=True), value(2025, 950)),
        SeriesRow(
            "2026", value(2026, 60, incomplete=True, preliminary=True), value(2026, 500, incomplete=True)
        ),
    ]
    chart = Panel(indicator, lambda: {indicator.pk: rows}).chart()
    assert chart["labels"] == ["2024", "2025", "2026 prel. (delperiod)"]
    assert chart["incomplete"] == [False, False, True]
    assert chart["hidden"] == [False, True, False]
    assert chart["area"][1] is None  # a hidden value has no height, only its mark
    assert chart["low"][2] is None and chart["high"][2] is None  # no band into the part period
    if chart["municipality"]:
        assert chart["municipality_incomplete"] == [False, False, True]


def lines_into(diagram: diagrams.Diagram, x: float) -> list[diagrams.Line]:
    return [p for p in diagram.parts if isinstance(p, diagrams.Line) and p.dashed and abs(p.x2 - x) < 0.01]


def test_the_evidence_chart_draws_a_part_period_open_and_joins_no_line_to_it():
    figures = {
        "indicator": "Misshandel",
        "area": "Norra innerstaden",
        "per": "1000",
        "rows": [
            {"label": "2024", "value": 4.0, "low": 3.5, "high": 4.5, "suppressed": False, "municipality": 3.0},
            {"label": "2025", "value": None, "low": None, "high": None, "suppressed": True, "municipality": 3.2},
            {"label": "2026 prel.", "value": 2.0, "low": 1.5, "high": 2.5, "suppressed": False,
             "incomplete": True, "municipality": 1.6},
        ],
    }  # fmt: skip
    diagram = chart_from(figures)
    assert diagram is not None
    texts = [p.text for p in diagram.parts if isinstance(p, diagrams.Text)]
    assert "2026 prel. (delperiod)" in texts and "delperiod" in texts  # axis and legend
    assert ".." in texts  # the hidden 2025 is marked on the axis
    points = [p for p in diagram.parts if isinstance(p, diagrams.Box) and p.w == 8 and p.h == 8]
    fills = [p.fill for p in points if p.colour == "#1d4ed8"]
    assert "#ffffff" in fills  # the part period's open square
    part_x = next(p.x + 4 for p in points if p.fill == "#ffffff" and p.y < diagram.height - 40)
    assert lines_into(diagram, part_x) == []
    # Whole years are still joined: the municipality's 2024 → 2025.
    whole_x = [p.x + 4 for p in points if p.fill != "#ffffff"][0]
    assert any(
        abs(line.x1 - whole_x) < 0.01
        for line in diagram.parts
        if isinstance(line, diagrams.Line) and line.dashed
    )


def test_a_series_with_every_value_hidden_is_said_once(stockholm):
    indicator = Indicator.objects.get(municipality=stockholm, code="misshandel")
    hidden = [SeriesRow(str(y), value(y, None, suppressed=True), None) for y in (2024, 2025)]
    assert Panel(indicator, lambda: {indicator.pk: hidden}).all_hidden
    mixed = [*hidden, SeriesRow("2026", value(2026, 40), None)]
    assert not Panel(indicator, lambda: {indicator.pk: mixed}).all_hidden
    assert not Panel(indicator, lambda: {}).all_hidden
