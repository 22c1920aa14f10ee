"""Reads for situation pictures: who the parties are, what the joint
analysis covers, how its problems rank."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from shapely.geometry import Point, shape

from samverkan.agreements.compliance import adopted_centrals, central_versions_in_force
from samverkan.agreements.models import MandatoryCategory, PriorityArea
from samverkan.agreements.selectors import latest_adopted, version_in_force
from samverkan.datasources.models import Observation
from samverkan.indicators import disclosure
from samverkan.organisations.models import Area, AreaKind, Municipality, Organisation, OrganisationKind
from samverkan.organisations.selectors import area_choices
from samverkan.situations.models import (
    Criterion,
    JointAnalysis,
    PartyPicture,
    PictureStatus,
    Problem,
    SituationPicture,
)

PARTY_KINDS = (OrganisationKind.DISTRICT_ADMINISTRATION, OrganisationKind.POLICE_AREA)


def agreement_version_of(picture: SituationPicture):
    return version_in_force(picture.agreement, picture.period_start) or latest_adopted(picture.agreement)


def picture_parties(picture: SituationPicture) -> list[Organisation]:
    """The parties who each draw their own picture: the district administration
    and the local police area of a district's agreement in force; for a
    picture of the whole municipality, the parties of its agreement."""
    version = agreement_version_of(picture)
    if version is None:
        return []
    parties = version.parties.all()
    if picture.agreement.area_id is not None:
        parties = parties.filter(kind__in=PARTY_KINDS)
    return list(parties.order_by("kind"))


def both_submitted(picture: SituationPicture) -> tuple[PartyPicture, PartyPicture] | None:
    """The latest submitted city and police pictures, when both exist."""
    city = police = None
    for party_picture in picture.party_pictures.filter(status=PictureStatus.SUBMITTED).select_related(
        "organisation"
    ):
        if party_picture.is_police:
            police = party_picture if police is None or party_picture.number > police.number else police
        else:
            city = party_picture if city is None or party_picture.number > city.number else city
    return (city, police) if city and police else None


def problem_parties(problem: Problem) -> set[str]:
    """'city' and/or 'police': which parties saw a joint problem."""
    return {
        "police" if p.party_picture.is_police else "city"
        for p in problem.derived_from.all()
        if p.party_picture is not None
    }


@dataclass
class Coverage:
    missing_areas: list[PriorityArea] = field(default_factory=list)
    missing_categories: list[MandatoryCategory] = field(default_factory=list)
    covered: dict[int, list[Problem]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.missing_areas and not self.missing_categories


def joint_coverage(analysis: JointAnalysis) -> Coverage:
    """Every priority area and mandatory category of the overarching
    agreements in force must be touched by at least one joint problem (the
    compliance rule of the agreements, applied to the picture's content). A
    local area counts for the overarching areas it addresses."""
    coverage = Coverage()
    version = agreement_version_of(analysis.picture)
    problems = list(analysis.problems.prefetch_related("priority_areas__addresses", "categories"))
    touched_areas: dict[int, list[Problem]] = {}
    touched_categories: set[int] = set()
    for problem in problems:
        for area in problem.priority_areas.all():
            for pk in [area.pk, *(a.pk for a in area.addresses.all())]:
                touched_areas.setdefault(pk, []).append(problem)
        touched_categories |= {c.pk for c in problem.categories.all()}
    if version is None:
        return coverage
    for central in central_versions_in_force(version):
        if central.valid_from and central.valid_from > analysis.picture.period_end:
            continue
        for area in central.priority_areas.all():
            if area.pk in touched_areas:
                coverage.covered[area.pk] = touched_areas[area.pk]
            else:
                coverage.missing_areas.append(area)
        coverage.missing_categories += [
            c for c in central.mandatory_categories.all() if c.pk not in touched_categories
        ]
    return coverage


def selectable_priority_areas(picture: SituationPicture) -> list[PriorityArea]:
    """The areas a problem can be linked to, each once: the local agreement's
    areas in force for the picture's period, and the overarching
    agreement's areas in force then that no local area already addresses
    (a local area copied from an overarching one stands for it)."""
    version = agreement_version_of(picture)
    if version is None:
        return []
    areas = list(version.priority_areas.prefetch_related("addresses"))
    addressed = {central.pk for area in areas for central in area.addresses.all()}
    names = {area.name for area in areas}
    central = next(
        (
            c
            for c in adopted_centrals(picture.municipality)
            if c.is_in_force_on(picture.period_end) or c.is_in_force_on(picture.period_start)
        ),
        None,
    )
    if central is not None:
        areas += [a for a in central.priority_areas.all() if a.pk not in addressed and a.name not in names]
    return areas


def mandatory_categories(areas: list[PriorityArea]) -> list[MandatoryCategory]:
    """The categories the frameworks behind these areas oblige a district to
    take a position on, each name once (successive frameworks may repeat one)."""
    versions = {area.version_id for area in areas} | {
        central.version_id for area in areas for central in area.addresses.all()
    }
    found: dict[str, MandatoryCategory] = {}
    for category in MandatoryCategory.objects.filter(version__in=versions).order_by(
        "name", "-version__valid_from"
    ):
        found.setdefault(category.name, category)
    return list(found.values())


def pictures_cover_whole_municipality(municipality: Municipality) -> bool:
    """A municipality without districts draws its situation picture for the whole
    municipality, under its agreement with the police; one with districts draws
    one per district, under the districts' local agreements."""
    return (
        not Area.objects.filter(municipality=municipality, kind=AreaKind.DISTRICT)
        .valid_on(timezone.localdate())
        .exists()
    )


def picture_areas(picture: SituationPicture, *, mapped_only: bool = False):
    """The picker's areas for a picture: its district and the district's
    neighbourhoods valid in the period."""
    return area_choices(
        picture.municipality,
        district=picture.agreement.area,
        start=picture.period_start,
        end=picture.period_end,
        mapped_only=mapped_only,
    )


@dataclass
class Ranked:
    problem: Problem
    scores: dict[str, int]
    total: int
    parties: set[str]
    fishbone: str = ""  # drawn by the page that shows it


def ranking(analysis: JointAnalysis) -> list[Ranked]:
    """Problems by their total score over Brå's criteria, highest first;
    unscored criteria count as 0 and ties keep the analysis order."""
    rows = []
    for problem in analysis.problems.prefetch_related("scores", "derived_from__party_picture__organisation"):
        scores = {s.criterion: s.score for s in problem.scores.all()}
        rows.append(Ranked(problem, scores, sum(scores.values()), problem_parties(problem)))
    return sorted(rows, key=lambda r: (-r.total, r.problem.order, r.problem.pk))


CRITERIA = list(Criterion)


def selection_figures(
    selection: dict[str, Any], *, municipality: Municipality, start: dt.date, end: dt.date
) -> dict[str, Any]:
    """Observations inside a polygon drawn on the map, per checklist category."""
    polygon = shape(selection)
    counts: dict[str, int] = {}
    # Counts go into shared analyses: open observations only.
    observations = (
        Observation.objects.shared()
        .filter(
            municipality=municipality,
            longitude__isnull=False,
            observed_at__date__gte=start,
            observed_at__date__lte=end,
        )
        .select_related("category")
    )
    for o in observations:
        if polygon.contains(Point(o.longitude, o.latitude)):
            counts[o.category.name] = counts.get(o.category.name, 0) + 1
    # The joint picture is read widely: small counts follow the one disclosure rule
    # (a count below the limit is "..", and so is one the total would give away).
    shown, total = disclosure.shown_sum(dict(sorted(counts.items())), settings.SAMVERKAN_SUPPRESS_BELOW)
    return {"observations": shown, "total": total}


def priorities_for_plans(analysis) -> list[tuple[Any, list[Any]]]:
    """The steering group's prioritised problems of a joint analysis, grouped
    by the local agreement's priority area they fall under (an overarching
    area counts under the local area that addresses it), in rank order. An
    action plan is made per priority area."""
    version = agreement_version_of(analysis.picture)
    if version is None:
        return []
    local = list(version.priority_areas.prefetch_related("addresses"))
    standing_for = {central.pk: area for area in local for central in area.addresses.all()}
    own = {area.pk: area for area in local}
    grouped: dict[int, tuple[Any, list[Any]]] = {}
    problems = (
        analysis.problems.filter(rank__isnull=False).order_by("rank").prefetch_related("priority_areas")
    )
    for problem in problems:
        for area in problem.priority_areas.all():
            target = own.get(area.pk) or standing_for.get(area.pk)
            if target is not None:
                grouped.setdefault(target.pk, (target, []))[1].append(problem)
    return list(grouped.values())
