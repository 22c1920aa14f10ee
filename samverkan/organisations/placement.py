"""Places points in the areas that were valid on their dates.

The grid indexes (samverkan.organisations.spatial) are built once per set of
area boundaries and kept for the life of the process.
"""

import datetime as dt
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from samverkan.organisations.geometry import to_shape
from samverkan.organisations.models import Area, AreaKind, AreaMembership, Municipality
from samverkan.organisations.selectors import area_became
from samverkan.organisations.spatial import OUTSIDE, PolygonIndex

_INDEXES: dict[str, tuple[list[int], PolygonIndex]] = {}


def _index_for(areas: list[Area]) -> tuple[list[int], PolygonIndex]:
    digest = hashlib.sha256(
        json.dumps([(a.pk, a.geometry) for a in areas], sort_keys=True).encode()
    ).hexdigest()
    if digest not in _INDEXES:
        shapes = [to_shape(a.geometry) for a in areas if a.geometry is not None]
        _INDEXES[digest] = ([a.pk for a in areas if a.geometry is not None], PolygonIndex.build(shapes))
    return _INDEXES[digest]


class AreaNames:
    """Finds the configured district or neighbourhood a text names, for
    sources that give a place name instead of a position."""

    def __init__(self, municipality: Municipality) -> None:
        areas = Area.objects.filter(
            municipality=municipality, kind__in=[AreaKind.DISTRICT, AreaKind.NEIGHBOURHOOD]
        )
        # Names of three letters or fewer match too much ordinary text.
        self.patterns = [
            (re.compile(rf"(?<!\w){re.escape(a.name)}(?!\w)", re.IGNORECASE), a)
            for a in areas
            if len(a.name) > 3
        ]

    def only_named(self, text: str) -> Area | None:
        """The one area the text names, preferring neighbourhoods (more
        precise); None when it names none, or several of the same kind."""
        found = {area.pk: area for pattern, area in self.patterns if pattern.search(text)}
        for kind in (AreaKind.NEIGHBOURHOOD, AreaKind.DISTRICT):
            of_kind = [a for a in found.values() if a.kind == kind]
            if len(of_kind) == 1:
                return of_kind[0]
            if len(of_kind) > 1:
                return None
        return None


class AreaLocator:
    def __init__(self, municipality: Municipality) -> None:
        self.names: AreaNames | None = None
        self.municipality = municipality
        self.districts = list(Area.objects.filter(municipality=municipality, kind=AreaKind.DISTRICT))
        self.neighbourhoods = [
            a
            for a in Area.objects.filter(municipality=municipality, kind=AreaKind.NEIGHBOURHOOD)
            if a.geometry
        ]
        self.memberships: defaultdict[int, list[AreaMembership]] = defaultdict(list)
        for link in AreaMembership.objects.filter(district__municipality=municipality):
            self.memberships[link.neighbourhood_id].append(link)

    def locate(
        self, lon_values: Sequence[float], lat_values: Sequence[float], days: list[dt.date]
    ) -> tuple[list[int | None], list[int | None]]:
        """(district id, neighbourhood id) per point; None where outside."""
        lons, lats = np.asarray(lon_values, dtype=float), np.asarray(lat_values, dtype=float)
        neighbourhoods: list[int | None] = [None] * len(days)
        if self.neighbourhoods:
            ids, index = _index_for(self.neighbourhoods)
            found = index.assign(lons, lats)
            neighbourhoods = [ids[i] if i != OUTSIDE else None for i in found]

        districts: list[int | None] = [None] * len(days)
        by_validity: dict[tuple[int, ...], list[int]] = defaultdict(list)
        for i, day in enumerate(days):
            valid = tuple(a.pk for a in self.districts if a.geometry and a.is_valid_on(day))
            by_validity[valid].append(i)
        lookup = {a.pk: a for a in self.districts}
        for valid, positions in by_validity.items():
            if not valid:
                continue
            ids, index = _index_for([lookup[pk] for pk in valid])
            found = index.assign(lons[positions], lats[positions])
            for position, i in zip(positions, found, strict=True):
                districts[position] = ids[i] if i != OUTSIDE else None
        for i, day in enumerate(days):
            neighbourhood = neighbourhoods[i]
            if districts[i] is None and neighbourhood is not None:
                link = next((m for m in self.memberships[neighbourhood] if m.is_valid_on(day)), None)
                districts[i] = link.district_id if link else None
        return districts, neighbourhoods

    def locate_by_name(self, text: str, day: dt.date) -> tuple[int | None, int | None]:
        """(district id, neighbourhood id) for a place given only by name: a
        named neighbourhood gives the district it belonged to on `day`; a
        named district counts only if it was valid on `day` (else the area it
        became). Nothing is guessed from street addresses."""
        if not text.strip():
            return None, None
        if self.names is None:
            self.names = AreaNames(self.municipality)
        area = self.names.only_named(text)
        if area is None:
            return None, None
        if area.kind == AreaKind.NEIGHBOURHOOD:
            link = next((m for m in self.memberships[area.pk] if m.is_valid_on(day)), None)
            return (link.district_id if link else None), area.pk
        became = area_became(area, on=day)
        return (became[0].pk if len(became) == 1 else None), None
