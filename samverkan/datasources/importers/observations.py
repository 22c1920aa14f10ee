"""Field observations (EST) as CSV or XLSX, one per line:
tid;kategori;beskrivning;longitud;latitud;adress;organisation
(time, checklist category, short description, WGS84 position or an address
or place name, the reporter's organisation), and optionally klassning
(öppen, intern or sekretess; empty means open)."""

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from samverkan.core.i18n import remembered as _  # messages kept in reports are shown in the reader's language
from samverkan.datasources.counts import MUNICIPALITY, SourceCount, year_span
from samverkan.datasources.formats import Format, register
from samverkan.datasources.importers import ImportPlan, ParseResult, Row, stored_among
from samverkan.datasources.importers.tables import read_table, records
from samverkan.datasources.models import Classification, ImportBatch, Observation, ObservationCategory
from samverkan.organisations.models import Municipality, Organisation
from samverkan.organisations.placement import AreaLocator

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
# Years of a city's EST rounds come to thousands of observations; a row with a description
# of 500 characters takes some 4 kB through the check and the import.
MAX_LINES = 100_000


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


def parse(data: bytes, filename: str = "", options: dict[str, Any] | None = None) -> ParseResult:
    rows, read_as = read_table(data, filename, max_lines=MAX_LINES)
    result = ParseResult(encoding=read_as)
    wrong_header = _(
        "The first line must name the columns: tid, kategori, beskrivning, longitud, latitud, adress, organisation."
    )
    for line, record in records(rows, COLUMNS, lambda names: names >= REQUIRED, wrong_header):
        written = record.get("classification", "").strip()
        classification = CLASSIFICATIONS.get(written.lower())
        if classification != Classification.OPEN:
            result.restricted += 1  # even a line with errors: its values may reach the report
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
                    "classification_label": written or "öppen",
                },
            )
        )
    return result


def fingerprint(d: dict[str, Any], category_id: int, organisation_id: int, *, legacy: bool = False) -> str:
    """What makes a row the same row: its time, place, category, organisation and
    text, and who may see it (so that an open row never meets a confidential
    one it copies). `legacy`: the form without the classification, as rows
    imported before it counted are stored."""
    fields = {
        "at": d["observed_at"].isoformat(),
        "category": category_id,
        "organisation": organisation_id,
        "lon": d["longitude"],
        "lat": d["latitude"],
        "address": d["address"],
        "description": d["description"],
    }
    if not legacy:
        fields["classification"] = d.get("classification", "open")
    return Observation.make_fingerprint(**fields)


def _uploader_sees(own: Organisation, organisation: Organisation, classification: str) -> bool:
    """Whether an uploader of `own` organisation could see a row filed for `organisation`."""
    if classification == Classification.SECRET:
        return organisation == own
    if classification == Classification.INTERNAL:
        return organisation.is_police == own.is_police
    return True


def plan(batch: ImportBatch, parsed: ParseResult, remember: bool) -> ImportPlan:
    """Observations with a known checklist category and organisation, placed
    in the area valid where and when they were made; one already stored (the
    same time, place, category, organisation and text) is not added again."""
    result = ImportPlan()
    municipality = batch.municipality
    categories = {c.name.casefold(): c for c in ObservationCategory.objects.filter(municipality=municipality)}
    organisations = {o.name.casefold(): o for o in Organisation.objects.filter(municipality=municipality)}
    organisations |= {o.short_name.casefold(): o for o in organisations.values() if o.short_name}
    uploader = batch.uploaded_by
    # Administrators alike: nobody files a restricted row that they could not then see.
    own = uploader.organisation if uploader is not None else None
    rows = []
    for row in parsed.rows:
        d = row.data
        category = categories.get(d["category"].casefold())
        organisation = organisations.get(d["organisation"].casefold())
        if category is None:
            parsed.error(row.line, _("'%(value)s' is not in the checklist.") % {"value": d["category"]})
        elif organisation is None:
            parsed.error(
                row.line, _("'%(value)s' is not a known organisation.") % {"value": d["organisation"]}
            )
        elif own is not None and not _uploader_sees(own, organisation, d["classification"]):
            # A restricted row must stay visible to whoever files it: naming another organisation
            # would hand that organisation a confidential row the uploader then cannot see.
            parsed.error(
                row.line,
                _(
                    "%(value)s cannot be named for a row marked '%(classification)s': restricted "
                    "observations are filed by their own organisation (%(own)s may file open ones for "
                    "any organisation, internal ones for its own party)."
                )
                % {"value": d["organisation"], "classification": d["classification_label"], "own": own},
            )
        else:
            rows.append((row, category, organisation))
    # Already stored only among the rows the uploader may see: the check tells
    # nothing of, and never drops a row for, a row the uploader cannot see.
    keys = {
        id(r): (fingerprint(r.data, c.pk, o.pk), fingerprint(r.data, c.pk, o.pk, legacy=True))
        for r, c, o in rows
    }
    stored = Observation.objects.filter(municipality=municipality)
    every_key = {k for pair in keys.values() for k in pair}
    visible = stored if uploader is None else stored.visible_to(uploader)  # None: a command, sees all
    existing = stored_among(visible, "fingerprint", every_key)
    # A row the uploader cannot see with the same key (filed before these rules):
    # the new row is stored beside it under a key of the uploader's own.
    hidden = stored_among(Observation.objects.all(), "fingerprint", every_key) - existing
    placed = [(r, c, o) for r, c, o in rows if r.data["longitude"] is not None]
    locator = AreaLocator(municipality)
    districts, neighbourhoods = locator.locate(
        [r.data["longitude"] for r, _c, _o in placed],
        [r.data["latitude"] for r, _c, _o in placed],
        [timezone.localtime(r.data["observed_at"]).date() for r, _c, _o in placed],
    )
    located = {id(r): (d, n) for (r, _c, _o), d, n in zip(placed, districts, neighbourhoods, strict=True)}
    seen = set()
    for row, category, organisation in rows:
        key, legacy_key = keys[id(row)]
        if key in existing or legacy_key in existing or key in seen:
            result.unchanged += 1
            continue
        seen.add(key)
        if key in hidden:
            key = Observation.make_fingerprint(row=key, filed_by=own.pk if own else "")
        district_id, neighbourhood_id = located.get(id(row), (None, None))
        if row.data["longitude"] is None:
            day = timezone.localtime(row.data["observed_at"]).date()
            district_id, neighbourhood_id = locator.locate_by_name(row.data["address"], day)
        if row.data["longitude"] is not None and district_id is None:
            result.outside[_("outside the municipality's areas")] += 1
        result.new.append(
            Observation(
                municipality=municipality,
                observed_at=row.data["observed_at"],
                category=category,
                description=row.data["description"],
                longitude=row.data["longitude"],
                latitude=row.data["latitude"],
                address=row.data["address"],
                area_id=district_id,
                neighbourhood_id=neighbourhood_id,
                organisation=organisation,
                classification=row.data.get("classification", "open"),
                batch=batch,
                fingerprint=key,
            )
        )
    return result


def years(batch: ImportBatch) -> set[int]:
    return {moment.year for moment in batch.observations.values_list("observed_at", flat=True)}


def counts(
    municipality: Municipality, source_filter: dict[str, Any], years: set[int] | None
) -> list[SourceCount]:
    """One a day per open observation of the filter's categories, for the municipality
    and its area (indicators are shared by both parties: open observations only)."""
    observations = Observation.objects.shared().filter(municipality=municipality)
    if categories := source_filter.get("categories"):
        observations = observations.filter(category__name__in=categories)
    if years:
        lo, hi = year_span(years)
        observations = observations.filter(observed_at__date__range=(lo, hi))
    result = []
    for area_id, moment in observations.values_list("area_id", "observed_at"):
        day = timezone.localtime(moment).date()
        result.append(SourceCount(MUNICIPALITY, day, "day", 1))
        if area_id is not None:
            result.append(SourceCount(area_id, day, "day", 1))
    return result


FORMAT = register(
    Format(
        kind="observations",
        label=gettext_lazy("Field observations (EST), CSV"),
        parse=parse,
        plan=plan,
        years=years,
        counts=counts,
        indicator_label=gettext_lazy("Field observations (EST)"),
        order=30,
    )
)
