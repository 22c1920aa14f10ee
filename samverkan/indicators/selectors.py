"""Series for pages, charts and CSV files."""

from dataclasses import dataclass

from django.db.models import Q

from samverkan.indicators.models import Denominator, Indicator, IndicatorSource, IndicatorValue, PeriodKind
from samverkan.organisations.models import Area

PERIOD_KINDS = [PeriodKind.YEAR, PeriodKind.TERTIAL, PeriodKind.MONTH, PeriodKind.WEEK]


@dataclass
class SeriesRow:
    label: str
    area: IndicatorValue | None
    municipality: IndicatorValue | None


@dataclass
class Panel:
    indicator: Indicator
    rows: list[SeriesRow]

    @property
    def chart_id(self) -> str:
        return f"chart-data-{self.indicator.code}"

    @property
    def is_rate(self) -> bool:
        return self.indicator.denominator == Denominator.POPULATION

    @property
    def is_share(self) -> bool:
        return self.indicator.source == IndicatorSource.SURVEY

    @property
    def compares(self) -> bool:
        """Rates and shares compare with the whole municipality; raw counts do not."""
        return self.is_rate or self.is_share

    def chart(self) -> dict:
        def point(v):
            return None if v is None or v.value is None else round(v.value, 3)

        def bound(v, name):
            return None if v is None or getattr(v, name) is None else round(getattr(v, name), 3)

        return {
            "labels": [r.label for r in self.rows],
            "area": [point(r.area) for r in self.rows],
            "low": [bound(r.area, "low") for r in self.rows],
            "high": [bound(r.area, "high") for r in self.rows],
            "municipality": [point(r.municipality) for r in self.rows] if self.compares else [],
        }


def _rows(own: dict, whole: dict) -> list[SeriesRow]:
    return [SeriesRow(own[start].label, own[start], whole.get(start)) for start in sorted(own)]


def indicator_series(indicator: Indicator, area: Area, kind: str) -> list[SeriesRow]:
    values = IndicatorValue.objects.filter(indicator=indicator, period_kind=kind)
    own = {v.period_start: v for v in values.filter(area=area)}
    whole = {v.period_start: v for v in values.filter(area__isnull=True)}
    return _rows(own, whole)


def area_panels(area: Area, kind: str) -> list[Panel]:
    """Every indicator's series for the district page, read in one query."""
    indicators = list(
        Indicator.objects.filter(municipality=area.municipality).prefetch_related("priority_areas")
    )
    own: dict[int, dict] = {i.pk: {} for i in indicators}
    whole: dict[int, dict] = {i.pk: {} for i in indicators}
    values = IndicatorValue.objects.filter(
        Q(area=area) | Q(area__isnull=True), indicator__in=indicators, period_kind=kind
    )
    for value in values:
        (whole if value.area_id is None else own)[value.indicator_id][value.period_start] = value
    return [Panel(i, _rows(own[i.pk], whole[i.pk])) for i in indicators]
