"""Reading BRÅ's values: years ("2023 prel."), periods (Swedish month
names, quarters, half-years), counts ("1 234", ".." for suppressed, "-" for
none) and rates per 100,000 inhabitants; and the collector that turns them
into rows, reading an exact duplicate once and refusing a conflicting one
with both lines."""

import re
from typing import Any

from samverkan.core.i18n import remembered as _  # messages kept in reports are shown in the reader's language
from samverkan.datasources.importers import ParseResult, Row

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
YEAR_AND_MONTH = re.compile(
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
    """A rate per 100,000 inhabitants; None when suppressed or empty, 0 for '-'."""
    value = raw.replace("\u00a0", "").replace(" ", "").replace(",", ".").strip()
    if value in SUPPRESSED or value == "":
        return None
    if value in NOTHING:
        return 0.0
    return float(value)


Key = tuple[str, str, int, str, int]  # region, crime, year, period kind, period


class Collector:
    """Rows of one file, in whichever layout they came. A value for a key
    already read is read once when it is the same; a count and a rate for
    the same key (from a block of counts and one of rates) make one row;
    a different value for the same measure is an error naming both lines."""

    def __init__(self, result: ParseResult) -> None:
        self.result = result
        self.seen: dict[Key, tuple[int, dict[str, Any]]] = {}
        self.duplicates = 0

    def add(
        self,
        line: int,
        region: str,
        crime: str,
        year: int,
        preliminary: bool,
        period_kind: str,
        period: int,
        raw_count: str | None,
        raw_rate: str | None,
        **extra: Any,
    ) -> None:
        """One value. A layout without counts gives raw_count None, one without rates raw_rate None."""
        result = self.result
        measures: dict[str, Any] = {}
        if raw_count is not None:
            try:
                count, suppressed = parse_count(raw_count)
            except ValueError:
                result.error(
                    line,
                    _("'%(value)s' is not a number of crimes (use digits, or '..' for a suppressed value).")
                    % {"value": raw_count},
                )
                return
            measures |= {"count": count, "suppressed": suppressed}
        if raw_rate is not None:
            try:
                rate = parse_rate(raw_rate)
            except ValueError:
                if raw_count is None:
                    result.error(
                        line, _("'%(value)s' is not a rate per 100,000 inhabitants.") % {"value": raw_rate}
                    )
                    return
                rate = None
            if raw_count is None and rate is None and raw_rate.strip() not in SUPPRESSED:
                result.error(line, _("The value is empty (use '..' for a suppressed value)."))
                return
            measures["rate"] = rate
        region, crime = region.strip(), crime.strip()
        if not region or not crime:
            result.error(line, _("The region or the crime category is empty."))
            return
        key = (region, crime, year, period_kind, period)
        if key in self.seen:
            self._again(line, key, preliminary, measures)
            return
        data = {
            "region": region,
            "crime": crime,
            "year": year,
            "preliminary": preliminary,
            "period_kind": period_kind,
            "period": period,
            "count": None,
            # A rate shown as '..' suppresses the count as well.
            "suppressed": raw_count is None and measures.get("rate") is None,
            "rate": None,
            "has_count": "count" in measures,
            "has_rate": "rate" in measures,
            **measures,
            **extra,
        }
        self.seen[key] = (line, data)
        result.rows.append(Row(line, data))

    def _again(self, line: int, key: Key, preliminary: bool, measures: dict[str, Any]) -> None:
        first_line, first = self.seen[key]
        clashes = [
            (name, first[name], value)
            for name, value in measures.items()
            if first["has_" + ("rate" if name == "rate" else "count")] and first[name] != value
        ]
        if preliminary != first["preliminary"]:
            clashes.append(("preliminary", first["preliminary"], preliminary))
        if clashes:
            region, crime, year, *_period = key
            self.result.error(
                line,
                _(
                    "Conflicting value for %(region)s, %(crime)s, %(year)s: line %(first)s says %(a)s, this line says %(b)s."
                )
                % {
                    "region": region,
                    "crime": crime,
                    "year": year,
                    "first": first_line,
                    "a": _shown(first, measures),
                    "b": _shown({**first, **measures, "preliminary": preliminary}, measures),
                },
            )
            return
        added = {name: value for name, value in measures.items() if not first["has_" + _measure(name)]}
        if not added:
            self.duplicates += 1
            return
        if "count" in added:
            first |= {"count": added["count"], "suppressed": added["suppressed"], "has_count": True}
        if "rate" in added:
            first |= {"rate": added["rate"], "has_rate": True}


def _measure(name: str) -> str:
    return "rate" if name == "rate" else "count"


def _shown(data: dict[str, Any], measures: dict[str, Any]) -> str:
    if "count" in measures:
        text = ".." if data["suppressed"] else str(data["count"])
    else:
        text = ".." if data["rate"] is None else f"{data['rate']:g} /100 000"
    return text + (" prel." if data["preliminary"] else "")
