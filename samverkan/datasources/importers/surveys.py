"""Safety-survey results per area (CSV or XLSX): one line per area, year and
question, with the share (per cent or fraction) or the count answering in
the category, and the number of respondents.

    område;år;fråga;andel;antal;svarande
"""

from typing import Any

from django.utils.translation import gettext_lazy

from samverkan.core.i18n import remembered as _  # messages kept in reports are shown in the reader's language
from samverkan.datasources.counts import SourceShare
from samverkan.datasources.formats import Format, register
from samverkan.datasources.importers import ImportPlan, ParseResult, Row
from samverkan.datasources.importers.bra_values import parse_year
from samverkan.datasources.importers.tables import read_table, records
from samverkan.datasources.models import ImportBatch, SurveyResult
from samverkan.datasources.regions import RegionResolver
from samverkan.organisations.models import Municipality

COLUMNS = {
    "område": "area",
    "omrade": "area",
    "area": "area",
    "region": "area",
    "stadsdel": "area",
    "år": "year",
    "ar": "year",
    "year": "year",
    "fråga": "question",
    "question": "question",
    "andel": "share",
    "share": "share",
    "antal": "count",
    "count": "count",
    "svarande": "respondents",
    "respondents": "respondents",
    "antal svarande": "respondents",
}


def parse_share(raw: str) -> float | None:
    value = raw.replace("%", "").replace(",", ".").strip()
    if not value:
        return None
    number = float(value)
    share = number / 100 if "%" in raw or number > 1 else number
    if not 0 <= share <= 1:
        raise ValueError(raw)
    return share


def parse(data: bytes, filename: str = "", options: dict[str, Any] | None = None) -> ParseResult:
    rows, read_as = read_table(data, filename)
    result = ParseResult(encoding=read_as)
    wrong_header = _("The first line must name the columns: område, år, fråga, andel or antal, svarande.")

    def fits(names: set[str]) -> bool:
        return names >= {"area", "year", "question", "respondents"} and bool(names & {"share", "count"})

    for line, record in records(rows, COLUMNS, fits, wrong_header):
        year = parse_year(record["year"])
        if year is None:
            result.error(line, _("'%(value)s' is not a year.") % {"value": record["year"]})
            continue
        try:
            respondents = int(record["respondents"].replace(" ", ""))
            if respondents <= 0:
                raise ValueError
        except ValueError:
            result.error(
                line, _("'%(value)s' is not a number of respondents.") % {"value": record["respondents"]}
            )
            continue
        try:
            share = parse_share(record.get("share", ""))
            count = int(record["count"].replace(" ", "")) if record.get("count") else None
        except ValueError:
            result.error(
                line, _("The share must be a per cent (0–100) or a fraction (0–1), the count a whole number.")
            )
            continue
        if count is None:
            if share is None:
                result.error(line, _("Give the share or the count."))
                continue
            count = round(share * respondents)
        if not 0 <= count <= respondents:
            result.error(
                line,
                _("More answers (%(count)s) than respondents (%(n)s).") % {"count": count, "n": respondents},
            )
            continue
        if result.refuses_identity_numbers(line, f"{record['area']} {record['question']}"):
            continue
        result.rows.append(
            Row(
                line,
                {
                    "region": record["area"],
                    "year": year[0],
                    "question": record["question"],
                    "count": count,
                    "respondents": respondents,
                },
            )
        )
    return result


def plan(batch: ImportBatch, parsed: ParseResult, remember: bool) -> ImportPlan:
    """Each answer share matched by area, year and question."""
    result = ImportPlan()
    resolver = RegionResolver(batch.municipality)
    resolutions = resolver.resolve_all({r.data["region"] for r in parsed.rows}, remember=remember)
    existing = {
        (s.region, s.year, s.question): s
        for s in SurveyResult.objects.filter(municipality=batch.municipality, region__in=resolutions)
    }
    seen: dict[tuple[str, int, str], int] = {}
    for row in parsed.rows:
        d = row.data
        key = (d["region"], d["year"], d["question"])
        if key in seen:
            parsed.error(
                row.line, _("The same area, year and question as line %(line)s.") % {"line": seen[key]}
            )
            continue
        seen[key] = row.line
        resolution = resolutions[d["region"]]
        if not resolution.mapped:
            result.unmapped[d["region"]] += 1
        if result.is_new(existing.get(key), {"count": d["count"], "respondents": d["respondents"]}):
            result.new.append(
                SurveyResult(
                    municipality=batch.municipality,
                    region=d["region"],
                    area=resolution.area,
                    is_municipality=resolution.is_municipality,
                    year=d["year"],
                    question=d["question"],
                    count=d["count"],
                    respondents=d["respondents"],
                    batch=batch,
                    line=row.line,
                ),
            )
    return result


def years(batch: ImportBatch) -> set[int]:
    return set(batch.survey_results.values_list("year", flat=True).distinct())


def shares(
    municipality: Municipality, source_filter: dict[str, Any], years: set[int] | None
) -> list[SourceShare]:
    """The answers to the filter's question per area (or the whole municipality) and year."""
    results = SurveyResult.objects.filter(
        municipality=municipality, question=source_filter.get("question", "")
    ).exclude(area__isnull=True, is_municipality=False)
    if years:
        results = results.filter(year__in=years)
    return [
        SourceShare(r.area_id, r.is_municipality, r.year, r.count, r.respondents)
        for r in results.only("area_id", "is_municipality", "year", "count", "respondents")
    ]


FORMAT = register(
    Format(
        kind="survey",
        label=gettext_lazy("Safety survey results"),
        parse=parse,
        plan=plan,
        years=years,
        shares=shares,
        indicator_label=gettext_lazy("Safety survey: share of respondents"),
        order=50,
    )
)
