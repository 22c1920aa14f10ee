"""Saved responses of the Swedish Police events API (polisen.se/api/events).

A JSON array of events with `id`, `datetime` ("2023-03-25 9:05:12 +01:00":
hour not zero-padded, offset follows summer time; when the event was
published or last updated), `name`, `summary`, `url` (relative or absolute),
`type` (may contain commas) and `location{name, gps}` where gps is "lat,lon"
of the municipality or county centre.

The name is "day month time, type, place": "25 mars 21:15, Fylleri/LOB,
Stockholm" in the older format, "3 mars 12.15, Rån, Stockholm" in the newer
one, where most events carry their county as the location ("Stockholms
län") and the municipality only at the end of the name. The time in the
name is when it happened; the place at its end is the municipality.
"""

import datetime as dt
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy

from samverkan.core.i18n import remembered as _  # messages kept in reports are shown in the reader's language
from samverkan.core.personal_data import find_identity_numbers
from samverkan.datasources.counts import MUNICIPALITY, SourceCount, year_span
from samverkan.datasources.formats import Format, register
from samverkan.datasources.importers import ImportPlan, ParseResult, Row, UnreadableFile, in_chunks
from samverkan.datasources.importers.bra_values import MONTHS
from samverkan.datasources.importers.text import decode
from samverkan.datasources.models import ImportBatch, LocationPrecision, PoliceEvent
from samverkan.datasources.regions import normalise
from samverkan.organisations.models import AreaKind, AreaMembership, Municipality
from samverkan.organisations.placement import AreaNames

BASE_URL = "https://polisen.se"
_DATETIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2}) (?P<h>\d{1,2}):(?P<m>\d{2}):(?P<s>\d{2}) (?P<sign>[+-])(?P<oh>\d{2}):(?P<om>\d{2})$"
)


def parse_datetime(raw: str) -> dt.datetime:
    match = _DATETIME.match(raw.strip())
    if not match:
        raise ValueError(raw)
    offset = dt.timedelta(hours=int(match["oh"]), minutes=int(match["om"]))
    tz = dt.timezone(offset if match["sign"] == "+" else -offset)
    day = dt.date.fromisoformat(match["date"])
    return dt.datetime(
        day.year, day.month, day.day, int(match["h"]), int(match["m"]), int(match["s"]), tzinfo=tz
    )


_NAME_TIME = re.compile(
    r"^(?P<day>\d{1,2})\s+(?P<month>[a-zåäö]+)\.?(?:\s+(?P<h>\d{1,2})[.:](?P<m>\d{2}))?$", re.IGNORECASE
)


@dataclass(frozen=True)
class Title:
    """What an event's name says: when it happened (if it says) and where."""

    day: int | None
    month: int | None
    time: dt.time | None
    place: str


def parse_title(name: str) -> Title:
    """ "3 mars 12.15, Rån, Stockholm" → 3 March, 12:15, "Stockholm". The
    type between may contain commas; a name without a date ("Sammanfattning
    natt, Stockholms län") still names its place last."""
    parts = [part.strip() for part in name.split(",")]
    place = parts[-1] if len(parts) >= 2 else ""
    match = _NAME_TIME.match(parts[0]) if len(parts) >= 2 else None
    if match is None or match["month"].lower() not in MONTHS:
        return Title(None, None, None, place)
    time = None
    if match["h"] is not None and int(match["h"]) < 24 and int(match["m"]) < 60:
        time = dt.time(int(match["h"]), int(match["m"]))
    return Title(int(match["day"]), MONTHS[match["month"].lower()], time, place)


def occurred(title: Title, published: dt.datetime) -> dt.datetime:
    """When the event happened: the day and time of its name, in the year
    that puts it at or before its publication (an event of 31 December can
    be published on 1 January); the publication time if the name has none."""
    if title.time is None or title.day is None or title.month is None:
        return published
    local = published.astimezone(ZoneInfo(settings.TIME_ZONE))
    for year in (local.year, local.year - 1):
        try:
            candidate = dt.datetime.combine(dt.date(year, title.month, title.day), title.time)
        except ValueError:
            continue
        candidate = candidate.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
        if candidate <= local + dt.timedelta(hours=1):
            return candidate
    return published


def parse_gps(raw: str) -> tuple[float, float] | None:
    """(lon, lat) from "lat,lon"."""
    if not raw:
        return None
    lat, lon = (float(part) for part in raw.split(","))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(raw)
    return lon, lat


def _line_of_each_event(text: str) -> list[int]:
    """The line on which each element of the top-level array starts (the
    text is valid JSON: json.loads has read it)."""
    lines: list[int] = []
    depth, line, in_string, escape, expecting = 0, 1, False, False, False
    for char in text:
        if char == "\n":
            line += 1
        if in_string:
            if escape:
                escape = False
            elif char == "\\":
                escape = True
            elif char == '"':
                in_string = False
            continue
        if expecting and depth == 1 and not char.isspace() and char not in ",]":
            lines.append(line)
            expecting = False
        if char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            expecting = depth == 1
        elif char in "]}":
            depth -= 1
        elif char == "," and depth == 1:
            expecting = True
    return lines


def parse(data: bytes, filename: str = "", options: dict[str, Any] | None = None) -> ParseResult:
    text, encoding = decode(data)
    try:
        events = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableFile(
            _("The file is not complete JSON (line %(line)s, column %(col)s: %(msg)s). Is it cut off?")
            % {"line": error.lineno, "col": error.colno, "msg": error.msg}
        ) from error
    if not isinstance(events, list):
        raise UnreadableFile(_("Expected a list of police events (a JSON array)."))
    result = ParseResult(encoding=encoding)
    starts = _line_of_each_event(text)
    seen: set[int] = set()
    for index, event in enumerate(events):
        line = starts[index]
        if not isinstance(event, dict):
            result.error(line, _("Event %(n)s is not an object.") % {"n": index + 1})
            continue
        missing = [key for key in ("id", "datetime", "name", "type", "location") if key not in event]
        if missing:
            result.error(
                line, _("Event %(n)s lacks %(keys)s.") % {"n": index + 1, "keys": ", ".join(missing)}
            )
            continue
        try:
            published_at = parse_datetime(str(event["datetime"]))
        except ValueError:
            result.error(
                line,
                _("'%(value)s' is not a time like 2023-03-25 9:05:12 +01:00.") % {"value": event["datetime"]},
            )
            continue
        location = event.get("location") or {}
        try:
            position = parse_gps(str(location.get("gps") or ""))
        except ValueError:
            result.error(
                line, _("'%(value)s' is not a position like 59.33,18.07.") % {"value": location.get("gps")}
            )
            continue
        texts = f"{event.get('name', '')} {event.get('summary', '')}"
        if find_identity_numbers(texts):
            result.refuse_personal_data(
                line,
                _("Event %(id)s contains what looks like a personal identity number; it cannot be imported.")
                % {"id": event["id"]},
            )
            continue
        try:
            event_id = int(event["id"])
        except (TypeError, ValueError):
            result.error(line, _("'%(value)s' is not an event id.") % {"value": event["id"]})
            continue
        if event_id in seen:
            result.notes.append(
                _("Event %(id)s appears twice in the file and was read once.") % {"id": event_id}
            )
            continue
        seen.add(event_id)
        location_name = str(location.get("name") or "")
        title = parse_title(str(event["name"]))
        result.rows.append(
            Row(
                line,
                {
                    "event_id": event_id,
                    "occurred_at": occurred(title, published_at),
                    "published_at": published_at,
                    "name": str(event["name"]),
                    "summary": str(event.get("summary") or ""),
                    "url": urljoin(BASE_URL, str(event.get("url") or "")),
                    "event_type": str(event["type"]),
                    "location_name": location_name,
                    "longitude": position[0] if position else None,
                    "latitude": position[1] if position else None,
                    "precision": _precision(location_name, title.place, position is not None),
                    "named_place": title.place,
                },
            )
        )
    return result


def _is_county(name: str) -> bool:
    return name.strip().endswith(" län")


def _precision(location_name: str, named_place: str, has_position: bool) -> str:
    """Where the event's municipality comes from: its location (the
    municipality's centre), its name (when the location is a county), or
    nowhere (only the county is known)."""
    if _is_county(location_name) or not location_name:
        if named_place and not _is_county(named_place):
            return LocationPrecision.NAMED
        return LocationPrecision.COUNTY if location_name else LocationPrecision.UNKNOWN
    return LocationPrecision.MUNICIPALITY if has_position else LocationPrecision.UNKNOWN


def municipality_of(data: dict[str, Any]) -> str:
    """The municipality an event belongs to, or its county when that is all it says."""
    if data["precision"] == LocationPrecision.NAMED:
        return str(data["named_place"])
    return str(data["location_name"])


def plan(batch: ImportBatch, parsed: ParseResult, remember: bool) -> ImportPlan:
    """Events matched by their id: new, or changed in title, summary, type,
    link, time or where they belong. Events of other municipalities (and
    those that name only a county) are kept and counted as outside, by place."""
    result = ImportPlan()
    municipality = batch.municipality
    place = normalise(municipality.place_name or municipality.name)
    stored = PoliceEvent.objects.filter(municipality=municipality)
    existing = {
        e.event_id: e for e in in_chunks(stored, "event_id", (r.data["event_id"] for r in parsed.rows))
    }
    names = AreaNames(municipality)
    for row in parsed.rows:
        d = dict(row.data)
        belongs_to = municipality_of(d)
        del d["named_place"]
        d["in_municipality"] = normalise(belongs_to) == place
        if not d["in_municipality"]:
            result.outside[belongs_to] += 1
        d["named_area"] = names.only_named(f"{d['name']} {d['summary']}") if d["in_municipality"] else None
        compared = ("name", "summary", "event_type", "url", "occurred_at", "published_at", "precision")
        if result.is_new(existing.get(d["event_id"]), {k: d[k] for k in compared} | _belonging(d)):
            result.new.append(PoliceEvent(municipality=municipality, batch=batch, **d))
    return result


def _belonging(d: dict[str, Any]) -> dict[str, Any]:
    return {"in_municipality": d["in_municipality"], "named_area_id": getattr(d["named_area"], "pk", None)}


def years(batch: ImportBatch) -> set[int]:
    """The events' years, and the next year where an event's week runs into it."""
    days = PoliceEvent.objects.filter(batch=batch).values_list("occurred_at", flat=True)
    return {d.year for d in days} | {(d + dt.timedelta(days=7)).year for d in days}


def counts(
    municipality: Municipality, source_filter: dict[str, Any], years: set[int] | None
) -> list[SourceCount]:
    """One a day per event of the filter's types in the municipality, and in the
    district it names (directly, or through a neighbourhood as it was that day)."""
    events = PoliceEvent.objects.filter(municipality=municipality, in_municipality=True)
    if types := source_filter.get("event_types"):
        events = events.filter(event_type__in=types)
    if years:
        lo, hi = year_span(years)
        events = events.filter(occurred_at__date__range=(lo, hi))
    memberships = defaultdict(list)
    for link in AreaMembership.objects.filter(neighbourhood__municipality=municipality):
        memberships[link.neighbourhood_id].append(link)
    result = []
    for event in events.select_related("named_area"):
        day = timezone.localtime(event.occurred_at).date()
        result.append(SourceCount(MUNICIPALITY, day, "day", 1))
        named = event.named_area
        if named is None:
            continue
        district_id: int | None
        if named.kind == AreaKind.DISTRICT:
            district_id = named.pk
        else:
            district_id = next((m.district_id for m in memberships[named.pk] if m.is_valid_on(day)), None)
        if district_id is not None:
            result.append(SourceCount(district_id, day, "day", 1))
    return result


FORMAT = register(
    Format(
        kind="police_events",
        label=gettext_lazy("Police events (polisen.se)"),
        parse=parse,
        plan=plan,
        years=years,
        counts=counts,
        indicator_label=gettext_lazy("Police events"),
        order=20,
    )
)
