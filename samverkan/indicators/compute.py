"""Computes indicator series from the imported source rows.

Values for an area include the areas that became it (Järva includes
Rinkeby-Kista and Spånga-Tensta before 2024), so series stay comparable
across reorganisations. Refreshing is incremental by year: an import only
recomputes the years it touched.
"""

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from samverkan.audit.recorder import record_bulk_change
from samverkan.datasources import formats
from samverkan.datasources.counts import MUNICIPALITY, SourceCount, year_span
from samverkan.indicators import disclosure, statistics
from samverkan.indicators.disclosure import ValueKey
from samverkan.indicators.models import Denominator, Indicator, IndicatorValue, Population
from samverkan.indicators.periods import (
    MONTHS_IN,
    label,
    mondays,
    period_end,
    period_start,
    same_period_year_before,
)
from samverkan.organisations.models import Area, AreaKind, Municipality, SuccessionKind


def area_families(municipality: Municipality) -> dict[int, set[int]]:
    """Each district area with the areas that merged or were renamed into it."""
    areas = list(
        Area.objects.filter(municipality=municipality, kind=AreaKind.DISTRICT).prefetch_related(
            "predecessions"
        )
    )
    parents = {
        a.pk: {
            p.predecessor_id
            for p in a.predecessions.all()
            if p.kind in (SuccessionKind.MERGER, SuccessionKind.RENAME)
        }
        for a in areas
    }
    families = {}
    for area in areas:
        family, frontier = {area.pk}, [area.pk]
        while frontier:
            for parent in parents.get(frontier.pop(), ()):
                if parent not in family:
                    family.add(parent)
                    frontier.append(parent)
        families[area.pk] = family
    return families


def source_counts(indicator: Indicator, years: set[int] | None) -> list[SourceCount]:
    """The counts the indicator's source gives for its filter (the format declares how)."""
    counts = formats.get(indicator.source).counts
    if counts is None:
        raise ValueError(f"{indicator.source!r} gives no counts")
    return counts(indicator.municipality, indicator.source_filter, years)


def in_years(kind: str, start: dt.date, years: set[int]) -> bool:
    """A week belongs to its ISO year (the year of its Thursday)."""
    return (start.isocalendar().year if kind == "week" else start.year) in years


def _kinds_for(granularity: str) -> list[str]:
    return {
        "day": ["week", "month", "tertial", "year"],
        "month": ["month", "tertial", "year"],
        "year": ["year"],
    }[granularity]


def _populations(municipality: Municipality) -> dict[tuple[int | None, int], int]:
    return {(p.area_id, p.year): p.count for p in Population.objects.filter(municipality=municipality)}


def _share_values(indicator: Indicator, years: set[int] | None) -> dict[ValueKey, IndicatorValue]:
    """Shares of respondents per area and year, with Wilson intervals, in per cent. A
    district's year pooled from the areas that merged into it names them with their
    answers and respondents, and is not tested against a year made up otherwise (two
    samples drawn differently)."""
    shares = formats.get(indicator.source).shares
    if shares is None:
        raise ValueError(f"{indicator.source!r} gives no shares")
    # Every year, not only `years`: a year's change is tested against the year before.
    results = shares(indicator.municipality, indicator.source_filter, None)
    members_of = _computed_areas_of(area_families(indicator.municipality))
    totals: dict[tuple[int | None, int], list[int]] = defaultdict(lambda: [0, 0])
    by_source: dict[tuple[int | None, int], dict[int | None, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0])
    )
    for result in results:
        targets = [MUNICIPALITY] if result.is_municipality else members_of.get(result.area_id, [])
        for target in targets:
            totals[(target, result.year)][0] += result.count
            totals[(target, result.year)][1] += result.respondents
            source = MUNICIPALITY if result.is_municipality else result.area_id
            by_source[(target, result.year)][source][0] += result.count
            by_source[(target, result.year)][source][1] += result.respondents
    names: dict[int | None, str] = dict(
        Area.objects.filter(municipality=indicator.municipality).values_list("pk", "name")
    )
    values = {}
    for (target, year), (count, respondents) in totals.items():
        if years and year not in years:
            continue
        start = dt.date(year, 1, 1)
        estimate = statistics.share_estimate(count, respondents)
        sources = by_source[(target, year)]
        value = IndicatorValue(
            indicator=indicator,
            area_id=target,
            period_kind="year",
            period_start=start,
            label=str(year),
            count=count,
            respondents=respondents,
            value=100 * estimate.value,
            low=100 * estimate.low,
            high=100 * estimate.high,
            parts=(
                [
                    {"area": names.get(pk, ""), "count": answers, "respondents": asked}
                    for pk, (answers, asked) in sorted(sources.items(), key=lambda i: names.get(i[0], ""))
                ]
                if set(sources) != {target}
                else []
            ),
        )
        before = totals.get((target, year - 1))
        same_make_up = set(by_source.get((target, year - 1), {})) == set(sources)
        if before is not None and same_make_up:
            value.change_p = statistics.share_change_p_value(before[0], before[1], count, respondents)
            value.significant_change = statistics.significant(value.change_p)
            value.change_rose = count / respondents > before[0] / before[1] if before[1] else None
        values[(target, "year", start)] = value
    return values


@transaction.atomic
def indicator_refresh(indicator: Indicator, *, years: set[int] | None = None, cause: str = "") -> int:
    """Recompute the indicator's values (for `years`, or all); returns how many were
    written. One audit event tells the refresh: `cause` (the import that asked for it),
    the years, and how many values were written and removed."""
    if indicator.is_share:
        values = _share_values(indicator, years)
        stale = IndicatorValue.objects.filter(indicator=indicator)
        if years:
            stale = stale.filter(period_start__year__in=years)
    else:
        values, years = _count_values(indicator, years)
        stale = _stale_count_values(indicator, years)
    removed, _by_model = stale.delete()
    IndicatorValue.objects.bulk_create(values.values(), batch_size=1000)
    _refreshed(indicator, years, written=len(values), removed=removed, cause=cause)
    return len(values)


def _stale_count_values(indicator: Indicator, years: set[int] | None) -> QuerySet[IndicatorValue]:
    """The stored values a refresh of `years` replaces: the periods of those years."""
    stale = IndicatorValue.objects.filter(indicator=indicator)
    if not years:
        return stale
    lo, hi = year_span(years)
    in_span = [
        v.pk
        for v in stale.filter(period_start__range=(lo, hi))
        if in_years(v.period_kind, v.period_start, years)
    ]
    return IndicatorValue.objects.filter(pk__in=in_span)


def _count_values(
    indicator: Indicator, years: set[int] | None
) -> tuple[dict[ValueKey, IndicatorValue], set[int] | None]:
    """The values of an indicator fed by counts, and the years they cover, in three steps:
    the source's counts summed per computed area, kind and period; each sum made a value
    (complete or not, hidden where the disclosure rule says so, estimated); each value
    tested against the same period a year before."""
    families = area_families(indicator.municipality)
    counts = source_counts(indicator, years)
    if years and any(item.granularity == "day" for item in counts):
        # Daily counts make weeks: the years on either side too, as a run of weeks and the
        # months it spans (a relation the disclosure rule keeps) may cross a year's end.
        years = years | {y - 1 for y in years} | {y + 1 for y in years}
        counts = source_counts(indicator, years)
    days = [item.day for item in counts if item.granularity == "day"]
    coverage = (min(days), max(days)) if days else None  # what the event archive covers
    values = _valued(indicator, years, _summed(counts, families), families, coverage)
    _tested_against_year_before(indicator, years, values)
    return values, years


def _computed_areas_of(families: dict[int, set[int]]) -> dict[int | None, list[int | None]]:
    """Source area → the computed areas whose family it belongs to (Rinkeby-Kista → Järva)."""
    members_of: dict[int | None, list[int | None]] = defaultdict(list)
    for area_id, family in families.items():
        for member in family:
            members_of[member].append(area_id)
    return members_of


def _summed(counts: list[SourceCount], families: dict[int, set[int]]) -> dict[ValueKey, dict[str, Any]]:
    """(target area, kind, start) → the sum of the counts that make it up, whether any
    was suppressed or preliminary, which days and areas reported, and each area's share."""
    members_of = _computed_areas_of(families)
    members_of[MUNICIPALITY] = [MUNICIPALITY]
    sums: dict[ValueKey, dict[str, Any]] = {}
    for item in counts:
        for target in members_of.get(item.area_id, []):
            for kind in _kinds_for(item.granularity):
                key = (target, kind, period_start(kind, item.day))
                entry = sums.setdefault(
                    key,
                    {
                        "count": 0,
                        "suppressed": False,
                        "parts": set(),
                        "sources": set(),
                        "daily": False,
                        "preliminary": False,
                        "by_source": defaultdict(int),
                    },
                )
                entry["daily"] = entry["daily"] or item.granularity == "day"
                entry["preliminary"] = entry["preliminary"] or item.preliminary
                if item.count is None:
                    entry["suppressed"] = True
                else:
                    entry["count"] += item.count
                    entry["by_source"][item.area_id] += item.count
                entry["parts"].add(item.day if item.granularity != "year" else "year")
                entry["sources"].add(item.area_id)
    return sums


def _complete(
    kind: str,
    start: dt.date,
    entry: dict[str, Any],
    family: set[int] | None,
    coverage: tuple[dt.date, dt.date] | None,
    validity: dict[int, Area],
) -> bool:
    """Whether a period's sum is whole: its months (or an event archive's days) all
    there, and every area of the family that existed during the period reported."""
    complete = True
    if entry["daily"]:
        # Event sources are complete only where the archive covers the whole period.
        complete = coverage is not None and coverage[0] <= start and period_end(kind, start) <= coverage[1]
    elif kind in MONTHS_IN and "year" not in entry["parts"]:
        months = {p.month for p in entry["parts"] if isinstance(p, dt.date)}
        complete = len(months) >= MONTHS_IN[kind]
    if family is not None and not entry["daily"]:
        # (An event archive's coverage already says whether every day is there: an area
        # with no events in the period had none.)
        end = period_end(kind, start)
        expected = {
            member
            for member in family
            if (validity[member].valid_from or start) <= end and (validity[member].valid_to or end) >= start
        }
        complete = complete and expected <= entry["sources"]
    return complete


def _valued(
    indicator: Indicator,
    years: set[int] | None,
    sums: dict[ValueKey, dict[str, Any]],
    families: dict[int, set[int]],
    coverage: tuple[dt.date, dt.date] | None,
) -> dict[ValueKey, IndicatorValue]:
    """Each sum as a value: complete or not, with its estimate and interval (a rate where
    the population is known), and hidden where the disclosure rule says so."""
    populations = _populations(indicator.municipality)
    validity = {
        a.pk: a for a in Area.objects.filter(municipality=indicator.municipality, kind=AreaKind.DISTRICT)
    }
    names = {pk: a.name for pk, a in validity.items()}
    values, cells = {}, {}
    for key, entry in sums.items():
        target, kind, start = key
        if years and not in_years(kind, start, years):
            continue  # an edge period seen only in part: computed when its own year is refreshed
        family = families[target] if target is not None else None
        complete = _complete(kind, start, entry, family, coverage, validity)
        population = None
        if indicator.denominator == Denominator.POPULATION:
            known = [populations.get((member, start.year)) for member in entry["sources"]]
            population = sum(k for k in known if k is not None) if known and all(known) else None
        values[key] = IndicatorValue(
            indicator=indicator,
            area_id=target,
            period_kind=kind,
            period_start=start,
            label=label(kind, start),
            count=None if entry["suppressed"] else entry["count"],
            incomplete=not complete or entry["suppressed"],
            preliminary=entry["preliminary"],
            population=population,
        )
        cells[key] = disclosure.Cell(values[key].count)
    for key in _empty_weeks(values, coverage, validity, years):
        values[key] = IndicatorValue(
            indicator=indicator, area_id=key[0], period_kind="week", period_start=key[2],
            label=label("week", key[2]), count=0,
        )  # fmt: skip
        cells[key] = disclosure.Cell(0)
        sums[key] = {"by_source": {}, "sources": set()}
    parts = {key: disclosure.part_cells(cells, key, sums[key]["by_source"]) for key in values}
    sources = {key: sums[key]["sources"] for key in values}
    stored = {id(cell) for cell in cells.values()}
    extra = [cell for found in parts.values() for cell in found.values() if id(cell) not in stored]
    disclosure.protect(
        [*cells.values(), *extra],
        disclosure.value_relations(cells, families, sources, parts),
        indicator.suppress_below,
        together=disclosure.week_groups(cells),
    )
    for key, value in values.items():
        value.parts = disclosure.shown_parts(parts[key], names)
        if cells[key].hidden:
            value.suppressed, value.count = True, None
        elif value.count is not None:
            _estimate(indicator, value)
    return values


def _empty_weeks(
    values: dict[ValueKey, IndicatorValue],
    coverage: tuple[dt.date, dt.date] | None,
    validity: dict[int, Area],
    years: set[int] | None,
) -> list[ValueKey]:
    """The weeks without events of each area and year that has weekly values: written as
    0, so that a week's row says nothing by being there (a hidden week would otherwise
    be known to hold at least one), and an empty week is not left off the chart."""
    held = {(area, start.year) for (area, kind, start) in values if kind == "week"}
    empty = []
    for area, year in held:
        if years and year not in years:
            continue
        place = validity.get(area) if area is not None else None
        for day in mondays(dt.date(year, 1, 1), dt.date(year + 1, 1, 1)):
            end = day + dt.timedelta(days=6)
            inside = coverage is None or (coverage[0] <= day and end <= coverage[1])
            valid = place is None or (
                (place.valid_from is None or place.valid_from <= day)
                and (place.valid_to is None or end <= place.valid_to)
            )
            if inside and valid and (area, "week", day) not in values:
                empty.append((area, "week", day))
    return empty


def _estimate(indicator: Indicator, value: IndicatorValue) -> None:
    """A shown count's value and interval: a rate where the population is known."""
    assert value.count is not None
    if indicator.denominator != Denominator.POPULATION:
        estimate = statistics.count_estimate(value.count)
    elif value.population:
        estimate = statistics.rate_estimate(value.count, value.population)
    else:
        return
    value.value, value.low, value.high = estimate.value, estimate.low, estimate.high


def _tested_against_year_before(
    indicator: Indicator, years: set[int] | None, values: dict[ValueKey, IndicatorValue]
) -> None:
    """The change against the same period a year before, where both are known and whole
    (the year before read from the stored values when it is not being refreshed)."""
    existing_before = {}
    if years:
        wanted = {y - 1 for y in years}
        for old in IndicatorValue.objects.filter(indicator=indicator, period_start__year__in=wanted - years):
            existing_before[(old.area_id, old.period_kind, old.period_start)] = old
    for (target, kind, start), value in values.items():
        key = (target, kind, same_period_year_before(kind, start))
        before = values.get(key) or existing_before.get(key)
        if (
            value.count is None
            or before is None
            or before.count is None
            or value.incomplete
            or before.incomplete
        ):
            continue
        exposure_before = before.population or 1 if indicator.denominator == Denominator.POPULATION else 1
        exposure_now = value.population or 1 if indicator.denominator == Denominator.POPULATION else 1
        value.change_p = statistics.poisson_change_p_value(
            before.count, value.count, exposure_before, exposure_now
        )
        value.significant_change = statistics.significant(value.change_p)
        value.change_rose = value.count / exposure_now > before.count / exposure_before


def _refreshed(
    indicator: Indicator, years: set[int] | None, *, written: int, removed: int, cause: str
) -> None:
    # Derived values are recorded as one event per refresh, not a row each.
    changes: dict[str, Any] = {
        "years": [None, sorted(years) if years else "all"],
        "values_removed": [removed, None],
        "values_written": [None, written],
    }
    if cause:
        changes["cause"] = [None, cause]
    record_bulk_change(
        IndicatorValue,
        object_pk=indicator.pk,
        object_repr=str(indicator),
        municipality_id=indicator.municipality_id,
        changes=changes,
    )
