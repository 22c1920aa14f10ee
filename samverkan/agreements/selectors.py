"""Reads over agreements that pages and reports share."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, prefetch_related_objects

from samverkan.agreements.compliance import (
    Compliance,
    Warning,
    adopted_centrals,
    agreement_compliance,
    agreement_warnings,
)
from samverkan.agreements.models import Agreement, AgreementVersion, Scope, VersionStatus
from samverkan.audit.stamps import kept
from samverkan.organisations.models import Area, AreaKind, Municipality


def agreements_of(municipality: Municipality):
    return (
        Agreement.objects.filter(municipality=municipality)
        .select_related("municipality", "area", "council_goal")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=AgreementVersion.objects.select_related("superseded_by").order_by("valid_from"),
            )
        )
    )


def _versions(agreement: Agreement) -> list[AgreementVersion]:
    """The agreement's versions with their successors (which decide where each ends), read
    once per agreement object: a page asks for the version in force many times."""
    if "versions" not in getattr(agreement, "_prefetched_objects_cache", {}):
        prefetch_related_objects(
            [agreement],
            Prefetch(
                "versions",
                queryset=AgreementVersion.objects.select_related("superseded_by").order_by("valid_from"),
            ),
        )
    return list(agreement.versions.all())


def version_in_force(agreement: Agreement, on: dt.date) -> AgreementVersion | None:
    for version in _versions(agreement):
        if version.is_in_force_on(on):
            return version
    return None


def latest_started(agreement: Agreement, today: dt.date) -> AgreementVersion | None:
    """The last adopted version that has come into force (and may have ended since)."""
    started = [
        v
        for v in _versions(agreement)
        if v.status == VersionStatus.ADOPTED and v.valid_from is not None and v.valid_from <= today
    ]
    return started[-1] if started else None


def version_shown(agreement: Agreement, today: dt.date) -> AgreementVersion | None:
    """The version a page describes: the one in force, else the last that came into force
    (it has ended), else the last adopted (it has not begun)."""
    return version_in_force(agreement, today) or latest_started(agreement, today) or latest_adopted(agreement)


def latest_adopted(agreement: Agreement) -> AgreementVersion | None:
    adopted = [v for v in _versions(agreement) if v.status == VersionStatus.ADOPTED]
    return adopted[-1] if adopted else None


@dataclass
class DistrictRow:
    area: Area
    agreement: Agreement | None
    version: AgreementVersion | None
    in_force: bool
    compliance: Compliance | None
    warnings: list[Warning]


def district_overview(
    municipality: Municipality, *, today: dt.date, include_retired: bool = False
) -> list[DistrictRow]:
    """One row per district area: its local agreement and what is wrong with it.

    The page is read by everyone each week and changes only when an agreement
    or an area does, so it is kept until they change (samverkan.audit.stamps)."""
    return kept(
        f"district-overview:{municipality.pk}:{today}:{include_retired}",
        ("agreements", "organisations"),
        lambda: _district_overview(municipality, today=today, include_retired=include_retired),
    )


def _district_overview(
    municipality: Municipality, *, today: dt.date, include_retired: bool
) -> list[DistrictRow]:
    districts = Area.objects.filter(municipality=municipality, kind=AreaKind.DISTRICT).order_by("name")
    if include_retired:
        # Current areas first, then those that have ceased.
        areas = sorted(districts, key=lambda a: (not a.is_valid_on(today), a.name))
    else:
        areas = list(districts.valid_on(today))
    local = {a.area_id: a for a in agreements_of(municipality).filter(scope=Scope.LOCAL)}
    centrals = adopted_centrals(municipality)
    chosen = {}
    for area in areas:
        agreement = local.get(area.pk)
        if agreement is not None:
            chosen[area.pk] = version_shown(agreement, today)
    prefetch_related_objects(
        [v for v in chosen.values() if v is not None],
        "parties",
        "priority_areas__addresses",
        "priority_areas__categories",
    )
    rows = []
    for area in areas:
        agreement = local.get(area.pk)
        version = chosen.get(area.pk)
        if version is None:
            rows.append(DistrictRow(area, agreement, None, False, None, []))
            continue
        compliance = agreement_compliance(version, centrals)
        rows.append(
            DistrictRow(
                area=area,
                agreement=agreement,
                version=version,
                in_force=version.is_in_force_on(today),
                compliance=compliance,
                warnings=agreement_warnings(version, today=today, compliance=compliance, centrals=centrals),
            )
        )
    return rows
