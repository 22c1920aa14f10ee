"""Safety-survey results per area (CSV or XLSX): one line per area, year and
question, with the share (per cent or fraction) or the count answering in
the category, and the number of respondents.

    område;år;fråga;andel;antal;svarande
"""

from django.utils.translation import gettext as _

from samverkan.datasources.importers import ParseResult, Row
from samverkan.datasources.importers.bra import parse_year
from samverkan.datasources.importers.tables import read_table, records

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


def parse(data: bytes, filename: str = "") -> ParseResult:
    rows, read_as = read_table(data, filename)
    result = ParseResult(encoding=read_as)
    wrong_header = _("The first line must name the columns: område, år, fråga, andel or antal, svarande.")

    def fits(names: set) -> bool:
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
        if count is None and share is None:
            result.error(line, _("Give the share or the count."))
            continue
        if count is None:
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
