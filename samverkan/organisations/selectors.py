"""Reads over areas and their history."""

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from samverkan.organisations.geometry import contains_point
from samverkan.organisations.models import (
    Area,
    AreaKind,
    AreaMembership,
    Municipality,
    Organisation,
    OrganisationKind,
)


def area_covering(
    *,
    municipality: Municipality,
    lon: float,
    lat: float,
    on: dt.date,
    kind: str = AreaKind.DISTRICT,
) -> Area | None:
    """The area of `kind` that covered the place (lon, lat) on day `on`.

    District areas without a geometry of their own are found through the
    neighbourhood that covers the place and its membership on that day.
    """
    areas = Area.objects.filter(municipality=municipality, kind=kind).valid_on(on)
    for area in areas.filter(geometry__isnull=False):
        if area.geometry is not None and contains_point(area.geometry, lon, lat):
            return area
    if kind != AreaKind.DISTRICT:
        return None
    neighbourhood = area_covering(
        municipality=municipality, lon=lon, lat=lat, on=on, kind=AreaKind.NEIGHBOURHOOD
    )
    if neighbourhood is None:
        return None
    return district_of(neighbourhood, on=on)


def district_of(neighbourhood: Area, *, on: dt.date) -> Area | None:
    link = (
        AreaMembership.objects.filter(neighbourhood=neighbourhood)
        .valid_on(on)
        .select_related("district")
        .first()
    )
    return link.district if link else None


def area_became(area: Area, *, on: dt.date | None = None) -> list[Area]:
    """What `area` became: the areas valid on `on` (default: the latest
    areas, those without successors) that it turned into through any chain
    of mergers, splits and renames. An area still valid on `on` is itself."""
    if (on is None and area.valid_to is None) or (on is not None and area.is_valid_on(on)):
        return [area]
    result: dict[int, Area] = {}
    seen = {area.pk}
    frontier = [area]
    while frontier:
        current = frontier.pop()
        successors = [s.successor for s in current.successions.select_related("successor")]
        if not successors and current is not area:
            if on is None or current.is_valid_on(on):
                result[current.pk] = current
            continue
        for successor in successors:
            if successor.pk in seen:
                continue
            seen.add(successor.pk)
            if on is not None and successor.is_valid_on(on):
                result[successor.pk] = successor
            else:
                frontier.append(successor)
    return sorted(result.values(), key=lambda a: a.name)


def area_came_from(area: Area) -> list[Area]:
    """All earlier areas that became `area`, nearest first."""
    result: list[Area] = []
    seen = {area.pk}
    frontier = [area]
    while frontier:
        current = frontier.pop(0)
        for link in current.predecessions.select_related("predecessor"):
            if link.predecessor.pk not in seen:
                seen.add(link.predecessor.pk)
                result.append(link.predecessor)
                frontier.append(link.predecessor)
    return result


def neighbourhoods_of(district: Area, *, on: dt.date | None = None) -> list[Area]:
    links = AreaMembership.objects.filter(district=district).select_related("neighbourhood")
    if on is not None:
        links = links.valid_on(on)
    return sorted({link.neighbourhood for link in links}, key=lambda a: a.name)


def deciding_organisations(agreement: Any) -> QuerySet[Organisation]:
    """The organisations that decide on an agreement: the council, the
    executive board and the police region for the overarching agreement;
    the district's committee, administration and local police area (and
    the police areas that are its parties) for a local one."""
    municipality = agreement.municipality
    if agreement.area_id is None:
        return Organisation.objects.filter(
            municipality=municipality,
            kind__in=[
                OrganisationKind.COUNCIL,
                OrganisationKind.EXECUTIVE_BOARD,
                OrganisationKind.POLICE_REGION,
            ],
        ).order_by("kind", "name")
    return (
        _of_district(agreement.area)
        .filter(
            kind__in=[
                OrganisationKind.COMMITTEE,
                OrganisationKind.DISTRICT_ADMINISTRATION,
                OrganisationKind.POLICE_AREA,
            ]
        )
        .order_by("kind", "name")
    )


def area_choices(
    municipality: Municipality,
    *,
    district: Area | None,
    start: dt.date,
    end: dt.date,
    mapped_only: bool = False,
) -> tuple[QuerySet[Area], list[tuple[str, list[tuple[int, str]]]]]:
    """The areas a picker offers for a period, grouped by kind and labelled
    so that a district and a neighbourhood of the same name stay apart:
    the district (or every district) valid in the period, then its
    neighbourhoods. Returns the queryset that validates a choice and the
    grouped (value, label) choices that are shown."""
    areas = Area.objects.filter(municipality=municipality).overlapping(start, end)
    if mapped_only:
        areas = areas.exclude(geometry__isnull=True)
    if district is not None:
        members = AreaMembership.objects.filter(district=district).overlapping(start, end)
        areas = areas.filter(Q(pk=district.pk) | Q(pk__in=members.values("neighbourhood_id")))
    areas = areas.order_by("name")
    labels = {
        AreaKind.DISTRICT.value: _("District committee areas"),
        AreaKind.NEIGHBOURHOOD.value: _("Neighbourhoods"),
    }
    groups: dict[str, list[tuple[int, str]]] = {kind: [] for kind in labels}
    for area in areas:
        kind = AreaKind(area.kind)
        groups.setdefault(kind.value, []).append((area.pk, f"{area.name} ({str(kind.label).lower()})"))
    grouped = [(labels.get(kind, kind), choices) for kind, choices in groups.items() if choices]
    return areas, grouped


def district_organisations(area: Area) -> list[Organisation]:
    """The organisations of a district: those serving its area and the
    parties to its local agreement (the local police area among them)."""
    return list(_of_district(area).order_by("kind", "name"))


def _of_district(area: Area) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        Q(area=area) | Q(agreement_versions__agreement__area=area), municipality_id=area.municipality_id
    ).distinct()


def boundary_sources(municipality: Municipality) -> str:
    """Where the municipality's area boundaries come from, for the maps' attribution."""
    found = (
        Area.objects.filter(municipality=municipality)
        .exclude(geometry_source="")
        .order_by()
        .values_list("geometry_source", flat=True)
        .distinct()
    )
    return "; ".join(sorted(set(found)))
