"""Series for pages, charts and CSV files, and figures copied into documents."""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from samverkan.audit.stamps import kept
from samverkan.datasources.models import ImportBatch
from samverkan.indicators.models import Denominator, Indicator, IndicatorValue, PeriodKind
from samverkan.indicators.periods import same_period_year_before
from samverkan.organisations.models import Area, Municipality

PERIOD_KINDS = [PeriodKind.YEAR, PeriodKind.TERTIAL, PeriodKind.MONTH, PeriodKind.WEEK]


@dataclass
class SeriesRow:
    label: str
    area: IndicatorValue
    municipality: IndicatorValue | None
    year_before: IndicatorValue | None = None

    @property
    def against_preliminary(self) -> bool:
        """The change against a year before compares with, or is, a preliminary figure."""
        return self.area.preliminary or bool(self.year_before and self.year_before.preliminary)


def unit_of(indicator: Indicator) -> str:
    """What an indicator's values count, for axes and legends."""
    if indicator.is_share:
        return _("per cent of respondents")
    return _("per 1,000 inhabitants") if indicator.denominator == Denominator.POPULATION else _("count")


@dataclass
class Panel:
    indicator: Indicator
    series: Callable[[], dict[int, list[SeriesRow]]]
    """Every indicator's rows, read when first asked for: a page whose tables are kept
    rendered (samverkan.audit.templatetags.kept) never reads them."""
    sources: list[ImportBatch] = field(default_factory=list)

    @cached_property
    def rows(self) -> list[SeriesRow]:
        return self.series().get(self.indicator.pk, [])

    @property
    def chart_id(self) -> str:
        return f"chart-data-{self.indicator.code}"

    @property
    def is_rate(self) -> bool:
        return self.indicator.denominator == Denominator.POPULATION

    @property
    def is_share(self) -> bool:
        return self.indicator.is_share

    @property
    def unit(self) -> str:
        return unit_of(self.indicator)

    @property
    def has_incomplete(self) -> bool:
        return any(r.area.incomplete for r in self.rows)

    @property
    def has_suppressed(self) -> bool:
        return any(r.area.suppressed for r in self.rows)

    @property
    def all_hidden(self) -> bool:
        """Every value hidden (a district's weekly counts, often): said once, not row by row."""
        return bool(self.rows) and all(r.area.suppressed for r in self.rows)

    @property
    def compares(self) -> bool:
        """Rates and shares compare with the whole municipality; raw counts do not."""
        return self.is_rate or self.is_share

    def chart(self) -> dict[str, Any]:
        def point(v: IndicatorValue | None) -> float | None:
            return None if v is None or v.value is None else round(v.value, 3)

        def bound(v: IndicatorValue | None, name: str) -> float | None:
            edge = None if v is None else getattr(v, name)
            return None if edge is None else round(edge, 3)

        return {
            "labels": [chart_label(r.area) for r in self.rows],
            "preliminary": [r.area.preliminary for r in self.rows],
            # A part period (not ended, or months missing) is drawn apart: an open marker
            # with no line into it, as it cannot be read against whole ones.
            "incomplete": [r.area.incomplete for r in self.rows],
            # A hidden value ("..") is marked on the axis rather than left out, so that
            # a series of mostly small counts does not look higher than it is.
            "hidden": [r.area.suppressed for r in self.rows],
            "area": [point(r.area) for r in self.rows],
            # The band stops before a part period (its interval is in the table).
            "low": [None if r.area.incomplete else bound(r.area, "low") for r in self.rows],
            "high": [None if r.area.incomplete else bound(r.area, "high") for r in self.rows],
            "municipality": [point(r.municipality) for r in self.rows] if self.compares else [],
            "municipality_incomplete": (
                [bool(r.municipality and r.municipality.incomplete) for r in self.rows]
                if self.compares
                else []
            ),
            "unit": self.unit,
            "band": _("95 % interval"),
            "incomplete_label": _("part period (not comparable)"),
            "hidden_label": _("not shown (..)"),
        }


def chart_label(value: IndicatorValue) -> str:
    """A period's label on a chart's axis: "2026 prel. (delperiod)" for a part period."""
    label = value.shown_label
    return f"{label} ({_('part period')})" if value.incomplete else label


def _rows(own: dict[dt.date, IndicatorValue], whole: dict[dt.date, IndicatorValue]) -> list[SeriesRow]:
    return [
        SeriesRow(
            own[start].label,
            own[start],
            whole.get(start),
            own.get(same_period_year_before(own[start].period_kind, start)),
        )
        for start in sorted(own)
    ]


def indicator_series(indicator: Indicator, area: Area, kind: str) -> list[SeriesRow]:
    values = IndicatorValue.objects.filter(indicator=indicator, period_kind=kind).select_related("indicator")
    own = {v.period_start: v for v in values.filter(area=area)}
    whole = {v.period_start: v for v in values.filter(area__isnull=True)}
    return _rows(own, whole)


def imported_sources(municipality: Municipality, user: Any) -> dict[str, list[ImportBatch]]:
    """The imported files per source the user may see, newest first: what the
    series are made of, with example data marked as such."""
    batches = (
        ImportBatch.objects.visible_to(user)
        .filter(municipality=municipality, status=ImportBatch.Status.IMPORTED)
        .only("pk", "kind", "filename", "is_example", "imported_at")
        .order_by("-imported_at")
    )
    by_kind: dict[str, list[ImportBatch]] = defaultdict(list)
    for batch in batches:
        by_kind[batch.kind].append(batch)
    return by_kind


def area_panels(area: Area, kind: str, user: Any = None) -> list[Panel]:
    """Every indicator's series for the district page, with the imported
    files of its source (as far as `user` may see them). The indicators and
    the series are the same for everyone and kept until the figures or the
    areas change; the series are read only if a panel's rows are asked for."""
    apps = ("indicators", "organisations", "agreements")
    indicators = kept(
        f"area-indicators:{area.municipality_id}",
        apps,
        lambda: list(
            Indicator.objects.filter(municipality=area.municipality_id).prefetch_related("priority_areas")
        ),
    )
    series = cache(lambda: kept(f"area-series:{area.pk}:{kind}", apps, lambda: _area_series(area, kind)))
    sources = imported_sources(area.municipality, user) if user is not None else {}
    return [Panel(indicator, series, sources.get(indicator.source, [])) for indicator in indicators]


def _area_series(area: Area, kind: str) -> dict[int, list[SeriesRow]]:
    """Every indicator's rows, by indicator: the values in one query."""
    own: dict[int, dict[dt.date, IndicatorValue]] = defaultdict(dict)
    whole: dict[int, dict[dt.date, IndicatorValue]] = defaultdict(dict)
    values = IndicatorValue.objects.filter(
        Q(area=area) | Q(area__isnull=True), indicator__municipality=area.municipality_id, period_kind=kind
    ).select_related("indicator")
    for value in values:
        (whole if value.area_id is None else own)[value.indicator_id][value.period_start] = value
    return {pk: _rows(own[pk], whole[pk]) for pk in own}


def indicator_figures(
    indicator: Indicator, area: Area, period_kind: str, *, until: dt.date, count: int = 4
) -> dict[str, Any]:
    """The last `count` values of an indicator for an area up to a date,
    with the municipality beside them, copied as plain numbers."""
    values = IndicatorValue.objects.filter(
        indicator=indicator, period_kind=period_kind, period_start__lte=until
    ).order_by("-period_start")
    own = list(values.filter(area=area)[:count])[::-1]
    whole = {
        v.period_start: v
        for v in values.filter(area__isnull=True, period_start__in=[v.period_start for v in own])
    }

    def row(v: IndicatorValue) -> dict[str, Any]:
        m = whole.get(v.period_start)
        return {
            "label": v.shown_label,
            "preliminary": v.preliminary,
            "count": v.count,
            "population": v.population,
            "value": v.value,
            "low": v.low,
            "high": v.high,
            "suppressed": v.suppressed,
            "incomplete": v.incomplete,
            "significant_change": v.significant_change,
            "municipality": m.value if m else None,
        }

    return {
        "indicator": indicator.name,
        "area": area.name,
        "period_kind": period_kind,
        "per": "1000" if indicator.denominator == "population" else "",
        "is_share": indicator.is_share,
        "until": until.isoformat(),
        "rows": [row(v) for v in own],
    }


@dataclass
class CityFigure:
    """One indicator's latest complete yearly value for every current district."""

    indicator: Indicator
    unit: str
    year: int | None
    values: dict[int, IndicatorValue]  # district pk → value
    whole: IndicatorValue | None


def city_figures(municipality: Municipality, districts: list[Area], today: dt.date) -> list[CityFigure]:
    """The key figures of the city map: for each indicator, the last year that is
    complete for most districts (before this one), with the whole municipality.
    The same for everyone: kept until the figures or the areas change."""
    return kept(
        f"city-figures:{municipality.pk}:{today}:{','.join(str(a.pk) for a in districts)}",
        ("indicators", "organisations"),
        lambda: _city_figures(municipality, districts, today),
    )


def _city_figures(municipality: Municipality, districts: list[Area], today: dt.date) -> list[CityFigure]:
    indicators = list(Indicator.objects.filter(municipality=municipality).order_by("name"))
    values = (
        IndicatorValue.objects.filter(
            Q(area__in=districts) | Q(area__isnull=True),
            indicator__in=indicators,
            period_kind=PeriodKind.YEAR,
            period_start__lt=dt.date(today.year, 1, 1),
            incomplete=False,
            suppressed=False,
            value__isnull=False,
        )
        .select_related("indicator")
        .order_by("period_start")
    )
    latest: dict[int, dict[int | None, IndicatorValue]] = defaultdict(dict)
    for value in values:
        latest[value.indicator_id][value.area_id] = value  # later years overwrite earlier
    figures = []
    for indicator in indicators:
        found = latest.get(indicator.pk, {})
        own = {pk: v for pk, v in found.items() if pk is not None}
        if not own:
            continue
        years = [v.period_start.year for v in own.values()]
        year = max(set(years), key=lambda y: (years.count(y), y))
        figures.append(
            CityFigure(
                indicator,
                unit_of(indicator),
                year,
                {pk: v for pk, v in own.items() if v.period_start.year == year},
                found.get(None) if found.get(None) and found[None].period_start.year == year else None,
            )
        )
    return figures
