"""Reads over agreements that pages and reports share."""

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models import Max, Prefetch, prefetch_related_objects
from django.utils.translation import get_language

from samverkan.agreements.compliance import (
    Compliance,
    Warning,
    adopted_centrals,
    agreement_compliance,
    agreement_warnings,
)
from samverkan.agreements.models import Agreement, AgreementVersion, Scope, VersionStatus
from samverkan.audit.models import AuditEvent
from samverkan.organisations.models import Area, AreaKind, Municipality


def agreements_of(municipality: Municipality):
    return (
        Agreement.objects.filter(municipality=municipality)
        .select_related("area", "council_goal")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=AgreementVersion.objects.select_related("superseded_by").order_by("valid_from"),
            )
        )
    )


def version_in_force(agreement: Agreement, on: dt.date) -> AgreementVersion | None:
    for version in agreement.versions.all():
        if version.is_in_force_on(on):
            return version
    return None


def latest_adopted(agreement: Agreement) -> AgreementVersion | None:
    adopted = [v for v in agreement.versions.all() if v.status == VersionStatus.ADOPTED]
    return adopted[-1] if adopted else None


@dataclass
class DistrictRow:
    area: Area
    agreement: Agreement | None
    version: AgreementVersion | None
    in_force: bool
    compliance: Compliance | None
    warnings: list[Warning]


def _agreements_stamp() -> int:
    """The latest audited change to an agreement or an area. Every write to
    those models goes through the ORM and so through the append-only audit
    log: an unchanged stamp means unchanged agreements and areas."""
    labels = [
        m._meta.label
        for app in ("agreements", "organisations")
        for m in apps.get_app_config(app).get_models()
    ]
    return AuditEvent.objects.filter(model__in=labels).aggregate(latest=Max("pk"))["latest"] or 0


def district_overview(
    municipality: Municipality, *, today: dt.date, include_retired: bool = False
) -> list[DistrictRow]:
    """One row per district area: its local agreement and what is wrong with it.

    The page is read by everyone each week and changes only when an agreement
    or an area does, so it is kept for SAMVERKAN_OVERVIEW_CACHE_SECONDS under
    the stamp of the latest such change."""
    seconds = settings.SAMVERKAN_OVERVIEW_CACHE_SECONDS
    if not seconds:
        return _district_overview(municipality, today=today, include_retired=include_retired)
    key = f"district-overview:{municipality.pk}:{today}:{include_retired}:{get_language()}:{_agreements_stamp()}"
    rows = cache.get(key)
    if rows is None:
        rows = _district_overview(municipality, today=today, include_retired=include_retired)
        cache.set(key, rows, seconds)
    return rows


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
            chosen[area.pk] = version_in_force(agreement, today) or latest_adopted(agreement)
    prefetch_related_objects(
        [v for v in chosen.values() if v is not None],
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
