"""BRÅ statistics on reported crimes: matching a file's values (in any of
BRÅ's layouts, read by bra_layouts) to the configured areas, and
reconciling the file's own totals with where its values land.

Counts and rates per 100,000 are separate measures of a value: a file of
rates never changes a stored count, and only counts are summed.
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from samverkan.core.i18n import remembered as _  # messages kept in reports are shown in the reader's language
from samverkan.datasources.counts import MUNICIPALITY, SourceCount
from samverkan.datasources.formats import Format, register
from samverkan.datasources.importers import ImportPlan, ParseResult, write_rows
from samverkan.datasources.importers.bra_layouts import parse
from samverkan.datasources.importers.bra_values import Key
from samverkan.datasources.models import ImportBatch, ReportedCrimeCount, bra_period_days, outside_validity
from samverkan.datasources.regions import RegionResolver, names_a_municipality
from samverkan.organisations.models import Area, Municipality

# Where a file's value lands: in a district, as the whole municipality, in
# another region (another municipality, or a name the configuration does not
# know), or kept but not counted (a period when its area did not exist).
BUCKETS = ("districts", "municipality", "elsewhere", "not_counted")


def _bucket(area: Area | None, is_municipality: bool, year: int, kind: str, period: int) -> str:
    if is_municipality:
        return "municipality"
    if area is None:
        return "elsewhere"
    if outside_validity(area, *bra_period_days(year, kind, period)):
        return "not_counted"
    return "districts"


def reconcile(
    file_rows: Sequence[tuple[str, int, int | None]], landed: Sequence[tuple[str, int, int | None, str]]
) -> list[dict[str, Any]]:
    """Per crime and year: the file's own total beside the sum of what landed
    in each bucket. `ok` when they add up to the unit. Rates are not counts
    and are left out; suppressed values have no number."""
    totals: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
    for crime, year, count in file_rows:
        totals[(crime, year)]["file"] += count or 0
    for crime, year, count, bucket in landed:
        totals[(crime, year)][bucket] += count or 0
    rows = []
    for (crime, year), sums in sorted(totals.items(), key=lambda item: (item[0][1], item[0][0])):
        landed_total = sum(sums[b] for b in BUCKETS)
        rows.append(
            {"crime": crime, "year": year, "file": sums["file"]}
            | {b: sums[b] for b in BUCKETS}
            | {"landed": landed_total, "ok": landed_total == sums["file"]}
        )
    return rows


def plan(batch: ImportBatch, parsed: ParseResult, remember: bool) -> ImportPlan:
    """Each value matched by region, crime and period: new, changed (in its
    value, its preliminary mark or the area it counts for) or as stored."""
    result = ImportPlan()
    resolver = RegionResolver(batch.municipality)
    regions = {row.data["region"] for row in parsed.rows}
    existing = {
        (c.region, c.crime, c.year, c.period_kind, c.period): c
        for c in ReportedCrimeCount.objects.filter(municipality=batch.municipality, region__in=regions)
    }
    municipalities = {row.data["region"] for row in parsed.rows if row.data.get("level") == "municipality"}
    resolutions = resolver.resolve_all(regions, remember=remember, municipalities=municipalities)
    not_counted: dict[str, list[int]] = defaultdict(list)
    finals = 0
    landed = []
    for row in parsed.rows:
        d = row.data
        resolution = resolutions[d["region"]]
        if not resolution.mapped:
            other = d.get("level") == "municipality" or names_a_municipality(d["region"])
            (result.elsewhere if other else result.unmapped)[d["region"]] += 1
        bucket = _bucket(
            resolution.area, resolution.is_municipality, d["year"], d["period_kind"], d["period"]
        )
        if bucket == "not_counted":
            not_counted[d["region"]].append(row.line)
        if d["has_count"] and d["count"] is not None:
            landed.append((d["crime"], d["year"], d["count"], bucket))
        values: dict[str, Any] = {
            "preliminary": d["preliminary"],
            "area_id": resolution.area.pk if resolution.area else None,
            "is_municipality": resolution.is_municipality,
        }
        # Only the measures the file has: a file of rates leaves the counts as they are.
        if d["has_count"]:
            values |= {"count": d["count"], "suppressed": d["suppressed"]}
        if d["has_rate"]:
            values["rate_per_100k"] = d["rate"]
        stored = existing.get((d["region"], d["crime"], d["year"], d["period_kind"], d["period"]))
        if stored is not None and stored.preliminary and not d["preliminary"]:
            finals += 1
        if result.is_new(stored, values):
            result.new.append(
                ReportedCrimeCount(
                    municipality=batch.municipality,
                    region=d["region"],
                    crime=d["crime"],
                    year=d["year"],
                    period_kind=d["period_kind"],
                    period=d["period"],
                    batch=batch,
                    line=row.line,
                    **(
                        {"count": d["count"], "suppressed": d["suppressed"], "rate_per_100k": d["rate"]}
                        | values
                    ),
                ),
            )
    for region, lines in not_counted.items():
        area = resolutions[region].area
        result.warn(
            lines[0],
            _(
                "%(n)s values of %(region)s are for periods when %(area)s did not exist (%(validity)s), "
                "on lines %(lines)s: kept, but not counted in any series."
            )
            % {
                "n": len(lines),
                "region": region,
                "area": area,
                "validity": _validity(area),
                "lines": _line_list(lines),
            },
        )
    if finals:
        parsed.notes.append(
            _("%(n)s preliminary values become final; the change is kept in the audit log.") % {"n": finals}
        )
    counted = [r.data for r in parsed.rows if r.data["has_count"]]
    result.reconciliation = reconcile([(d["crime"], d["year"], d["count"]) for d in counted], landed)
    result.context["keys"] = [
        (d["region"], d["crime"], d["year"], d["period_kind"], d["period"]) for d in counted
    ]
    return result


def _validity(area: Any) -> str:
    start = f"{area.valid_from:%Y-%m-%d}" if area.valid_from else "…"
    end = f"{area.valid_to:%Y-%m-%d}" if area.valid_to else "…"
    return f"{start} – {end}"


def _line_list(lines: list[int], shown: int = 12) -> str:
    text = ", ".join(str(n) for n in lines[:shown])
    return text + (f" … ({len(lines)})" if len(lines) > shown else "")


def apply(batch: ImportBatch, planned: ImportPlan) -> None:
    """Write the rows, then reconcile what is stored for the file's values
    with the file's own totals: a difference stops the import."""
    write_rows(batch, planned)
    keys: set[Key] = {tuple(k) for k in planned.context["keys"]}
    # Values, not instances, and areas once each: a row's area carries its boundary, and
    # hundreds of thousands of copies of it would not fit the worker's memory.
    areas = {a.pk: a for a in Area.objects.filter(municipality=batch.municipality)}
    stored = ReportedCrimeCount.objects.filter(
        municipality=batch.municipality,
        region__in={k[0] for k in keys},
        year__in={k[2] for k in keys},
    ).values_list("region", "crime", "year", "period_kind", "period", "count", "area_id", "is_municipality")
    landed = [
        (crime, year, count, _bucket(areas.get(area_id), is_municipality, year, kind, period))
        for region, crime, year, kind, period, count, area_id, is_municipality in stored.iterator(
            chunk_size=5000
        )
        if (region, crime, year, kind, period) in keys and count is not None
    ]
    expected = {(r["crime"], r["year"]): r["file"] for r in planned.reconciliation}
    after = reconcile([(crime, year, total) for (crime, year), total in expected.items()], landed)
    wrong = [r for r in after if not r["ok"]]
    if wrong:
        raise ValidationError(
            _("What was stored does not add up to the file: %(rows)s. Nothing was imported.")
            % {"rows": "; ".join(f"{r['crime']} {r['year']}: {r['file']} ≠ {r['landed']}" for r in wrong)}
        )
    planned.reconciliation = after


def years(batch: ImportBatch) -> set[int]:
    return set(ReportedCrimeCount.objects.filter(batch=batch).values_list("year", flat=True).distinct())


def counts(
    municipality: Municipality, source_filter: dict[str, Any], years: set[int] | None
) -> list[SourceCount]:
    """Reported crimes of the filter's crime by month or year (quarters and halves do
    not add up to months), each in the area that existed then; suppressed ones as None."""
    rows = (
        ReportedCrimeCount.objects.filter(municipality=municipality, crime=source_filter.get("crime", ""))
        .exclude(area__isnull=True, is_municipality=False)
        .exclude(suppressed=False, count__isnull=True)  # a rate without its count is not a count
    )
    if years:
        rows = rows.filter(year__in=years)
    areas = {a.pk: a for a in Area.objects.filter(municipality=municipality)}
    result = []
    for row in rows.only(
        "area_id", "is_municipality", "year", "period_kind", "period", "count", "suppressed", "preliminary"
    ):
        if row.period_kind == "month":
            day, granularity = dt.date(row.year, row.period, 1), "month"
        elif row.period_kind == "year":
            day, granularity = dt.date(row.year, 1, 1), "year"
        else:
            continue  # quarters and halves do not add up to our periods without their months
        if row.area_id is not None and outside_validity(areas.get(row.area_id), *row.days()):
            continue  # a period when the area did not exist: its areas of that time count instead
        area_id = MUNICIPALITY if row.is_municipality else row.area_id
        count = None if row.suppressed else row.count
        result.append(SourceCount(area_id, day, granularity, count, row.preliminary))
    return result


FORMAT = register(
    Format(
        kind="bra",
        label=gettext_lazy("BRÅ statistics on reported crimes"),
        parse=parse,
        plan=plan,
        apply=apply,
        years=years,
        counts=counts,
        indicator_label=gettext_lazy("BRÅ: reported crimes"),
        order=10,
    )
)
