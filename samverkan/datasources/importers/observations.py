"""Field observations (EST) as CSV or XLSX, one per line:
tid;kategori;beskrivning;longitud;latitud;adress;organisation
(time, checklist category, short description, WGS84 position or an address
or place name, the reporter's organisation), and optionally klassning
(öppen, intern or sekretess; empty means open)."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.datasources.importers import ParseResult, Row
from samverkan.datasources.importers.tables import read_table, records

COLUMNS = {
    "tid": "time",
    "time": "time",
    "kategori": "category",
    "category": "category",
    "beskrivning": "description",
    "description": "description",
    "longitud": "lon",
    "lon": "lon",
    "longitude": "lon",
    "latitud": "lat",
    "lat": "lat",
    "latitude": "lat",
    "adress": "address",
    "plats": "address",
    "address": "address",
    "organisation": "organisation",
    "klassning": "classification",
    "classification": "classification",
}
# The optional classification column (empty means open).
CLASSIFICATIONS = {
    "": "open",
    "öppen": "open",
    "open": "open",
    "intern": "internal",
    "internal": "internal",
    "sekretess": "secret",
    "konfidentiell": "secret",
    "confidential": "secret",
    "secret": "secret",
}
REQUIRED = {"time", "category", "organisation"}


def parse_time(raw: str) -> dt.datetime:
    value = raw.strip().replace("T", " ")
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            moment = dt.datetime.strptime(value, pattern)
            return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
        except ValueError:
            continue
    moment = dt.datetime.fromisoformat(value)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def parse_coordinate(raw: str, low: float, high: float) -> float | None:
    value = raw.strip().replace(",", ".")
    if not value:
        return None
    number = float(value)
    if not low <= number <= high:
        raise ValueError(raw)
    return number


def parse(data: bytes, filename: str = "") -> ParseResult:
    rows, read_as = read_table(data, filename)
    result = ParseResult(encoding=read_as)
    wrong_header = _(
        "The first line must name the columns: tid, kategori, beskrivning, longitud, latitud, adress, organisation."
    )
    for line, record in records(rows, COLUMNS, lambda names: names >= REQUIRED, wrong_header):
        try:
            observed_at = parse_time(record["time"])
        except ValueError:
            result.error(
                line, _("'%(value)s' is not a time like 2024-05-03 21:30.") % {"value": record["time"]}
            )
            continue
        try:
            lon = parse_coordinate(record.get("lon", ""), -180, 180)
            lat = parse_coordinate(record.get("lat", ""), -90, 90)
        except ValueError:
            result.error(line, _("The position is not longitude and latitude in decimal degrees (WGS84)."))
            continue
        if (lon is None) != (lat is None) or (lon is None and not record.get("address", "").strip()):
            result.error(line, _("Give both longitude and latitude, or an address or place name."))
            continue
        text = f"{record.get('description', '')} {record.get('address', '')}"
        if result.refuses_identity_numbers(line, text):
            continue
        classification = CLASSIFICATIONS.get(record.get("classification", "").strip().lower())
        if classification is None:
            result.error(
                line,
                _("'%(value)s' is not a classification: write öppen, intern or sekretess, or leave it empty.")
                % {"value": record["classification"]},
            )
            continue
        if not record["category"].strip():
            result.error(line, _("The category is empty."))
            continue
        result.rows.append(
            Row(
                line,
                {
                    "observed_at": observed_at,
                    "category": record["category"].strip(),
                    "description": record.get("description", "").strip(),
                    "longitude": lon,
                    "latitude": lat,
                    "address": record.get("address", "").strip(),
                    "organisation": record["organisation"].strip(),
                    "classification": classification,
                },
            )
        )
    return result
