"""Saved responses of the Swedish Police events API (polisen.se/api/events).

A JSON array of events with `id`, `datetime` ("2023-03-25 9:05:12 +01:00":
hour not zero-padded, offset follows summer time), `name`, `summary`, `url`
(relative or absolute), `type` (may contain commas) and `location{name, gps}`
where gps is "lat,lon" of the municipality or county centre.
"""

import datetime as dt
import json
import re
from typing import Any
from urllib.parse import urljoin

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samverkan.core.personal_data import find_identity_numbers
from samverkan.datasources.formats import Format, register
from samverkan.datasources.importers import ImportPlan, ParseResult, Row, UnreadableFile
from samverkan.datasources.importers.text import decode
from samverkan.datasources.models import ImportBatch, PoliceEvent
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
            occurred_at = parse_datetime(str(event["datetime"]))
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
            result.error(
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
        result.rows.append(
            Row(
                line,
                {
                    "event_id": event_id,
                    "occurred_at": occurred_at,
                    "name": str(event["name"]),
                    "summary": str(event.get("summary") or ""),
                    "url": urljoin(BASE_URL, str(event.get("url") or "")),
                    "event_type": str(event["type"]),
                    "location_name": location_name,
                    "longitude": position[0] if position else None,
                    "latitude": position[1] if position else None,
                    "precision": "county"
                    if location_name.endswith(" län")
                    else ("municipality" if position else "unknown"),
                },
            )
        )
    return result


def plan(batch: ImportBatch, parsed: ParseResult, remember: bool) -> ImportPlan:
    """Events matched by their id: new, or changed in title, summary, type or link.
    Events of other municipalities are kept and counted as outside."""
    result = ImportPlan()
    municipality = batch.municipality
    place = (municipality.place_name or municipality.name).casefold()
    existing = {
        e.event_id: e
        for e in PoliceEvent.objects.filter(
            municipality=municipality, event_id__in=[r.data["event_id"] for r in parsed.rows]
        )
    }
    names = AreaNames(municipality)
    for row in parsed.rows:
        d = dict(row.data)
        d["in_municipality"] = d["location_name"].casefold() == place
        if not d["in_municipality"]:
            result.outside[d["location_name"]] += 1
        d["named_area"] = names.only_named(f"{d['name']} {d['summary']}") if d["in_municipality"] else None
        if result.is_new(
            existing.get(d["event_id"]), {k: d[k] for k in ("name", "summary", "event_type", "url")}
        ):
            result.new.append(PoliceEvent(municipality=municipality, batch=batch, **d))
    return result


def years(batch: ImportBatch) -> set[int]:
    """The events' years, and the next year where an event's week runs into it."""
    days = PoliceEvent.objects.filter(batch=batch).values_list("occurred_at", flat=True)
    return {d.year for d in days} | {(d + dt.timedelta(days=7)).year for d in days}


FORMAT = register(
    Format(
        kind="police_events",
        label=gettext_lazy("Police events (polisen.se)"),
        parse=parse,
        plan=plan,
        years=years,
        order=20,
    )
)
