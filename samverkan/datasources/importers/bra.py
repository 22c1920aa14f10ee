"""BRÅ statistics on reported crimes, in both of BRÅ's export layouts.

- The "databasfil": one value per line, `Region;Brott;År;Period;Antal;/100 000 inv`.
- The search-result export: a wide table with one column per year (or
  month), whose header block (title, region, source lines and the column
  header) is repeated inside the data, e.g. once per page or region.

Both come as ;-separated text (ISO-8859-1 or UTF-8) or saved as XLSX/XLS.
`..` means suppressed and is never read as zero; "2023 prel." is a
preliminary year; parent categories are repeated as exact duplicate lines.
"""

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samverkan.datasources.formats import Format, register
from samverkan.datasources.importers import ImportPlan, ParseResult, Row, UnreadableFile, write_rows
from samverkan.datasources.importers.tables import read_table
from samverkan.datasources.models import ImportBatch, ReportedCrimeCount, bra_period_days, outside_validity
from samverkan.datasources.regions import RegionResolver, names_a_municipality
from samverkan.organisations.models import Area

MONTHS = {
    "jan": 1,
    "januari": 1,
    "feb": 2,
    "februari": 2,
    "mar": 3,
    "mars": 3,
    "apr": 4,
    "april": 4,
    "maj": 5,
    "jun": 6,
    "juni": 6,
    "jul": 7,
    "juli": 7,
    "aug": 8,
    "augusti": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "okt": 10,
    "oktober": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
WHOLE_YEAR = {"", "helår", "hela året", "år", "totalt", "total", "summa"}
SUPPRESSED = {"..", "…"}
NOTHING = {"-", "–", "—"}
_YEAR = re.compile(r"^(?P<year>(19|20)\d\d)\s*(?P<prel>prel\.?)?$", re.IGNORECASE)
_QUARTER = re.compile(r"^(kvartal|kv\.?|q)\s*(?P<n>[1-4])$", re.IGNORECASE)
_HALF = re.compile(
    r"^(halvår|halvar)\s*(?P<n>[12])$|^(?P<span>jan\w*\s*[-–]\s*jun\w*|jul\w*\s*[-–]\s*dec\w*)$",
    re.IGNORECASE,
)
_YEAR_AND_MONTH = re.compile(
    r"^(?:(?P<year>(19|20)\d\d)\s*(?P<prel>prel\.?)?\s+(?P<month>[a-zåäö]+)\.?|(?P<month2>[a-zåäö]+)\.?\s+(?P<year2>(19|20)\d\d)\s*(?P<prel2>prel\.?)?)$",
    re.IGNORECASE,
)


def parse_year(raw: str) -> tuple[int, bool] | None:
    match = _YEAR.match(raw.strip())
    if not match:
        return None
    return int(match["year"]), bool(match["prel"])


def parse_period(raw: str) -> tuple[str, int] | None:
    """('year', 0), ('month', 1–12), ('quarter', 1–4) or ('half', 1–2)."""
    value = raw.strip().lower().rstrip(".")
    if value in WHOLE_YEAR:
        return "year", 0
    if value in MONTHS:
        return "month", MONTHS[value]
    if match := _QUARTER.match(value):
        return "quarter", int(match["n"])
    if match := _HALF.match(value):
        if match["n"]:
            return "half", int(match["n"])
        return "half", 1 if match["span"].startswith("jan") else 2
    return None


def parse_count(raw: str) -> tuple[int | None, bool]:
    """(count, suppressed). Raises ValueError for anything else."""
    value = raw.replace("\u00a0", "").replace(" ", "").strip()
    if value in SUPPRESSED:
        return None, True
    if value in NOTHING:
        return 0, False
    if not value.isdigit():
        raise ValueError(value)
    return int(value), False


def parse_rate(raw: str) -> float | None:
    value = raw.replace("\u00a0", "").replace(" ", "").replace(",", ".").strip()
    if value in SUPPRESSED or value in NOTHING or value == "":
        return None
    return float(value)


def _norm(cell: str) -> str:
    return cell.strip().lower()


@dataclass(frozen=True)
class LongHeader:
    """The databasfil's columns: one value per line."""

    region: int
    crime: int
    year: int
    period: int
    count: int
    rate: int | None

    @property
    def width(self) -> int:
        """The fields a line needs."""
        return max(self.region, self.crime, self.year, self.period, self.count) + 1


Column = tuple[int, bool, str, int]  # (year, preliminary, period kind, period)


@dataclass(frozen=True)
class WideHeader:
    """The search export's columns: a value per year or month on each line."""

    region: int
    crime: int
    columns: dict[int, Column]


def _is_long_header(cells: list[str]) -> LongHeader | None:
    names = [_norm(c) for c in cells]
    if {"region", "brott", "år", "period", "antal"} <= set(names):
        rate = next((i for i, n in enumerate(names) if "100 000" in n or "100000" in n), None)
        return LongHeader(
            names.index("region"),
            names.index("brott"),
            names.index("år"),
            names.index("period"),
            names.index("antal"),
            rate,
        )
    return None


def _is_wide_header(cells: list[str]) -> WideHeader | None:
    names = [_norm(c) for c in cells]
    if "region" not in names or "brott" not in names:
        return None
    columns: dict[int, Column] = {}
    for i, cell in enumerate(cells):
        if (found := parse_year(cell)) is not None:
            columns[i] = (found[0], found[1], "year", 0)
        elif match := _YEAR_AND_MONTH.match(cell.strip()):
            month = (match["month"] or match["month2"]).lower()
            if month in MONTHS:
                year = int(match["year"] or match["year2"])
                columns[i] = (year, bool(match["prel"] or match["prel2"]), "month", MONTHS[month])
    if not columns:
        return None
    return WideHeader(names.index("region"), names.index("brott"), columns)


def parse(data: bytes, filename: str = "", options: dict[str, Any] | None = None) -> ParseResult:
    rows, read_as = read_table(data, filename)
    result = ParseResult(encoding=read_as)
    long_header: LongHeader | None = None
    wide_header: WideHeader | None = None
    seen: dict[tuple[str, str, int, str, int], tuple[int, tuple[int | None, bool, bool]]] = {}
    duplicates = 0
    header_blocks = 0
    skipped_text = 0

    def add(
        line: int,
        region: str,
        crime: str,
        year: int,
        preliminary: bool,
        period_kind: str,
        period: int,
        raw_count: str,
        raw_rate: str | None,
    ) -> None:
        nonlocal duplicates
        try:
            count, suppressed = parse_count(raw_count)
        except ValueError:
            result.error(
                line,
                _("'%(value)s' is not a number of crimes (use digits, or '..' for a suppressed value).")
                % {"value": raw_count},
            )
            return
        try:
            rate = parse_rate(raw_rate) if raw_rate is not None else None
        except ValueError:
            result.error(line, _("'%(value)s' is not a rate per 100,000 inhabitants.") % {"value": raw_rate})
            return
        if not region or not crime:
            result.error(line, _("The region or the crime category is empty."))
            return
        key = (region, crime, year, period_kind, period)
        value = (count, suppressed, preliminary)
        if key in seen:
            first_line, first_value = seen[key]
            if first_value == value:
                duplicates += 1
                return
            result.error(
                line,
                _(
                    "Conflicting value for %(region)s, %(crime)s, %(year)s: line %(first)s says %(a)s, this line says %(b)s."
                )
                % {
                    "region": region,
                    "crime": crime,
                    "year": year,
                    "first": first_line,
                    "a": first_value[0] if not first_value[1] else "..",
                    "b": count if not suppressed else "..",
                },
            )
            return
        seen[key] = (line, value)
        result.rows.append(
            Row(
                line,
                {
                    "region": region,
                    "crime": crime,
                    "year": year,
                    "preliminary": preliminary,
                    "period_kind": period_kind,
                    "period": period,
                    "count": count,
                    "suppressed": suppressed,
                    "rate": rate,
                },
            )
        )

    for line, cells in rows:
        filled = [c for c in cells if c]
        if not filled:
            continue
        if (long := _is_long_header(cells)) is not None:
            long_header, wide_header = long, None
            header_blocks += 1
            continue
        if (wide := _is_wide_header(cells)) is not None:
            wide_header, long_header = wide, None
            header_blocks += 1
            continue
        if long_header is None and wide_header is None or len(filled) == 1:
            # Title, region or source lines of a header block.
            skipped_text += 1
            continue
        if long_header is not None:
            h = long_header
            if len(cells) < h.width:
                result.error(
                    line,
                    _("The line has %(n)s fields; expected at least %(m)s. Is the file cut off?")
                    % {"n": len(cells), "m": max(h.width, (h.rate or 0) + 1)},
                )
                continue
            year = parse_year(cells[h.year])
            if year is None:
                result.error(line, _("'%(value)s' is not a year.") % {"value": cells[h.year]})
                continue
            period = parse_period(cells[h.period])
            if period is None:
                result.error(
                    line,
                    _("'%(value)s' is not a period (month, quarter, half-year or whole year).")
                    % {"value": cells[h.period]},
                )
                continue
            rate = cells[h.rate] if h.rate is not None and h.rate < len(cells) else None
            add(
                line,
                cells[h.region],
                cells[h.crime],
                year[0],
                year[1],
                period[0],
                period[1],
                cells[h.count],
                rate,
            )
        elif wide_header is not None:
            w = wide_header
            if len(cells) <= max(w.columns):
                result.error(
                    line,
                    _("The line has %(n)s fields; expected %(m)s. Is the file cut off?")
                    % {"n": len(cells), "m": max(w.columns) + 1},
                )
                continue
            for index, (column_year, preliminary, kind, column_period) in w.columns.items():
                add(
                    line,
                    cells[w.region],
                    cells[w.crime],
                    column_year,
                    preliminary,
                    kind,
                    column_period,
                    cells[index],
                    None,
                )

    if long_header is None and wide_header is None and not result.rows:
        raise UnreadableFile(
            _("No BRÅ table header was found (expected columns Region, Brott and År/Period or years).")
        )
    if duplicates:
        result.notes.append(
            _("%(n)s exact duplicate lines (repeated parent categories) were read once.") % {"n": duplicates}
        )
    if header_blocks > 1:
        result.notes.append(
            _("The table header appeared %(n)s times; every block was read.") % {"n": header_blocks}
        )
    if skipped_text:
        result.notes.append(
            _("%(n)s title or source lines outside the table were skipped.") % {"n": skipped_text}
        )
    return result


# Where a file's value lands: in a district, as the whole municipality, in
# another region (another municipality, or a name the configuration does not
# know), or kept but not counted (a period when its area did not exist).
BUCKETS = ("districts", "municipality", "elsewhere", "not_counted")
Key = tuple[str, str, int, str, int]  # region, crime, year, period kind, period


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
    resolutions = resolver.resolve_all(regions, remember=remember)
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
        if d["count"] is not None:
            landed.append((d["crime"], d["year"], d["count"], bucket))
        values = {
            "count": d["count"],
            "suppressed": d["suppressed"],
            "preliminary": d["preliminary"],
            "rate_per_100k": d["rate"],
            "area_id": resolution.area.pk if resolution.area else None,
            "is_municipality": resolution.is_municipality,
        }
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
                    **values,
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
    result.reconciliation = reconcile(
        [(r.data["crime"], r.data["year"], r.data["count"]) for r in parsed.rows], landed
    )
    result.context["keys"] = [
        (r.data["region"], r.data["crime"], r.data["year"], r.data["period_kind"], r.data["period"])
        for r in parsed.rows
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
    stored = ReportedCrimeCount.objects.filter(
        municipality=batch.municipality,
        region__in={k[0] for k in keys},
        year__in={k[2] for k in keys},
    ).select_related("area")
    landed = [
        (c.crime, c.year, c.count, _bucket(c.area, c.is_municipality, c.year, c.period_kind, c.period))
        for c in stored
        if (c.region, c.crime, c.year, c.period_kind, c.period) in keys and c.count is not None
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


FORMAT = register(
    Format(
        kind="bra",
        label=gettext_lazy("BRÅ statistics on reported crimes"),
        parse=parse,
        plan=plan,
        apply=apply,
        years=years,
        order=10,
    )
)
