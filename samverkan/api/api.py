"""The read API (`/api/v1/`, OpenAPI at `/api/v1/openapi.json`): agreements
and their versions, areas, indicators and their series, action plans with
their measures, and follow-up reports. A bearer token acts as its user, and
every route asks the same permission functions as the pages."""

import datetime as dt
import functools
from typing import Annotated

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Path, Query, Schema, Swagger
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from samverkan.accounts import permissions
from samverkan.agreements import permissions as agreement_permissions
from samverkan.agreements.models import Agreement, AgreementVersion
from samverkan.api import services
from samverkan.api.models import ApiToken, digest
from samverkan.indicators.models import Indicator, IndicatorValue, PeriodKind
from samverkan.organisations.models import Area, AreaKind
from samverkan.plans import permissions as plan_permissions
from samverkan.plans.models import ActionPlan

# Database ids: anything outside a 32-bit key is refused before it reaches SQL.
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        found = (
            ApiToken.objects.select_related("user__organisation__municipality")
            .filter(key_digest=digest(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None or found.user.organisation_id != found.organisation_id:
            return None
        services.token_used(found)
        request.user = found.user
        return found


api = NinjaAPI(
    title="Samverkan API",
    version="1",
    description="Read access to a municipality's collaboration for safety, with the same permissions as the pages.",
    # A bearer token, or the session of someone signed in to the pages.
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
    # Swagger UI from the app's own static files (ninja is an installed app), no CDN.
    docs=Swagger(),
    docs_url="/docs",
    # What the API holds and how it is asked is for those signed in, as the pages are.
    docs_decorator=login_required,
)


def _municipality(request):
    municipality = permissions.user_municipality(request.user)
    if municipality is None:
        raise HttpError(403, "The token's user belongs to no municipality.")
    return municipality


def _allowed(allowed: bool) -> None:
    if not allowed:
        raise HttpError(403, "Not permitted for this token.")


# --- schemas --------------------------------------------------------------------------


class GoalOut(Schema):
    id: int
    text: str


class PriorityAreaOut(Schema):
    id: int
    name: str
    description: str
    is_local_priority: bool
    goals: list[GoalOut]


class SectionOut(Schema):
    id: int
    heading: str
    body: str


class VersionSummary(Schema):
    id: int
    label: str
    case_number: str
    status: str
    valid_from: dt.date | None
    valid_to: dt.date | None


class VersionOut(VersionSummary):
    agreement_id: Id
    decided_on: dt.date | None
    decided_by: str
    supersedes_id: int | None
    parties: list[str]
    priority_areas: list[PriorityAreaOut]
    sections: list[SectionOut]


class AgreementOut(Schema):
    id: int
    scope: str
    title: str
    district: str | None
    versions: list[VersionSummary]


class AreaOut(Schema):
    id: int
    code: str
    name: str
    valid_from: dt.date | None
    valid_to: dt.date | None


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    description: str
    source: str
    priority_areas: list[str]


class PartOut(Schema):
    area: str
    count: int | None = Field(
        description="Empty where it is hidden: a small count, or one that would let a hidden count be worked out."
    )
    respondents: int | None = Field(
        default=None, description="A survey's respondents in that area (its count is the answers)."
    )


class ValueOut(Schema):
    area: str | None = Field(description="The district's code; null for the whole municipality.")
    period_kind: str
    period_start: dt.date
    label: str
    count: int | None
    value: float | None
    low: float | None
    high: float | None
    suppressed: bool
    incomplete: bool
    preliminary: bool = Field(description="The source marks (part of) the figure as preliminary.")
    significant_change: bool
    change_rose: bool | None = Field(
        description="Against the same period a year before: up, down, or not compared."
    )
    change_reading: str = Field(description="The same in words, as the pages and documents say it.")
    parts: list[PartOut] = Field(
        description="For a district that took over ceased ones: the earlier areas summed into the figure."
    )


class MeasureOut(Schema):
    id: int
    order: int
    title: str
    description: str
    status: str
    owners: list[str]


class PlanSummary(Schema):
    id: int
    title: str
    year: int
    status: str
    agreement_id: Id
    priority_area: str | None


class PlanOut(PlanSummary):
    purpose: str
    measures: list[MeasureOut]


class ProgressOut(Schema):
    measure_id: int
    status: str
    percent: int
    comment: str


class ReportOut(Schema):
    id: int
    plan_id: Id
    year: int
    tertial: int | None
    status: str
    as_of: dt.date
    narrative: str
    progress: list[ProgressOut]


# --- agreements -------------------------------------------------------------------------


def _summary(version) -> dict:
    return {
        "id": version.pk,
        "label": version.label,
        "case_number": version.case_number,
        "status": version.status,
        "valid_from": version.valid_from,
        "valid_to": version.valid_to,
    }


def _agreement(request, agreement) -> dict:
    return {
        "id": agreement.pk,
        "scope": agreement.scope,
        "title": agreement.title,
        "district": agreement.area.code if agreement.area_id else None,
        "versions": [
            _summary(v)
            for v in agreement.versions.all()
            if agreement_permissions.can_view_version(request.user, v)
        ],
    }


@api.get("/agreements", response=list[AgreementOut], tags=["agreements"])
def agreements(request):
    municipality = _municipality(request)
    found = (
        Agreement.objects.filter(municipality=municipality)
        .select_related("area")
        .prefetch_related("versions")
    )
    return [_agreement(request, a) for a in found]


@api.get("/agreements/{agreement_id}", response=AgreementOut, tags=["agreements"])
def agreement(request, agreement_id: Id):
    found = get_object_or_404(Agreement.objects.select_related("area", "municipality"), pk=agreement_id)
    _allowed(agreement_permissions.can_view_agreement(request.user, found))
    return _agreement(request, found)


@api.get("/versions/{version_id}", response=VersionOut, tags=["agreements"])
def version(request, version_id: Id):
    found = get_object_or_404(
        AgreementVersion.objects.select_related("agreement__municipality"), pk=version_id
    )
    _allowed(agreement_permissions.can_view_version(request.user, found))
    return _summary(found) | {
        "agreement_id": found.agreement_id,
        "decided_on": found.decided_on,
        "decided_by": found.decided_by,
        "supersedes_id": found.supersedes_id,
        "parties": [o.name for o in found.parties.all()],
        "priority_areas": [
            {
                "id": a.pk,
                "name": a.name,
                "description": a.description,
                "is_local_priority": a.is_local_priority,
                "goals": [{"id": g.pk, "text": g.text} for g in a.goals.all()],
            }
            for a in found.priority_areas.prefetch_related("goals")
        ],
        "sections": [{"id": s.pk, "heading": s.heading, "body": s.body} for s in found.sections.all()],
    }


# --- areas and indicators ---------------------------------------------------------------


@api.get("/areas", response=list[AreaOut], tags=["areas"])
def areas(request):
    municipality = _municipality(request)
    return list(
        Area.objects.filter(municipality=municipality, kind=AreaKind.DISTRICT).values(
            "id", "code", "name", "valid_from", "valid_to"
        )
    )


@api.get("/indicators", response=list[IndicatorOut], tags=["indicators"])
def indicators(request):
    municipality = _municipality(request)
    found = Indicator.objects.filter(municipality=municipality).prefetch_related("priority_areas")
    return [
        {
            "id": i.pk,
            "code": i.code,
            "name": i.name,
            "description": i.description,
            "source": i.source,
            "priority_areas": sorted({a.name for a in i.priority_areas.all()}),
        }
        for i in found
    ]


class SeriesFilter(Schema):
    area: str | None = Field(None, pattern=r"^[a-z0-9-]{1,60}$", description="District code, e.g. sodermalm.")
    period_kind: PeriodKind | None = None


@api.get("/indicators/{indicator_id}/values", response=list[ValueOut], tags=["indicators"])
def indicator_values(request, indicator_id: Id, filters: Query[SeriesFilter]):
    municipality = _municipality(request)
    indicator = get_object_or_404(Indicator, pk=indicator_id)
    _allowed(indicator.municipality_id == municipality.pk)
    values = IndicatorValue.objects.filter(indicator=indicator).select_related("area", "indicator")
    if filters.area:
        # An area is named by its code; one that names no area is an error, not an empty list.
        if not Area.objects.filter(municipality=municipality, code=filters.area).exists():
            raise HttpError(404, "No area has that code (areas are named by their code: see /api/v1/areas).")
        values = values.filter(area__code=filters.area)
    if filters.period_kind:
        values = values.filter(period_kind=filters.period_kind)
    return [
        {
            "area": v.area.code if v.area else None,
            "period_kind": v.period_kind,
            "period_start": v.period_start,
            "label": v.label,
            "count": None if v.suppressed else v.count,
            "value": None if v.suppressed else v.value,
            "low": None if v.suppressed else v.low,
            "high": None if v.suppressed else v.high,
            "suppressed": v.suppressed,
            "incomplete": v.incomplete,
            "preliminary": v.preliminary,
            "significant_change": v.significant_change,
            "change_rose": v.change_rose,
            "change_reading": v.change_reading,
            "parts": v.parts,
        }
        for v in values.order_by("area__code", "period_kind", "period_start")
    ]


# --- action plans and follow-up ------------------------------------------------------------


def _plan_summary(plan) -> dict:
    return {
        "id": plan.pk,
        "title": plan.title,
        "year": plan.year,
        "status": plan.status,
        "agreement_id": plan.agreement_id,
        "priority_area": plan.priority_area.name if plan.priority_area_id else None,
    }


@api.get("/plans", response=list[PlanSummary], tags=["plans"])
def plans(request):
    municipality = _municipality(request)
    found = ActionPlan.objects.filter(agreement__municipality=municipality).select_related(
        "agreement__municipality", "priority_area"
    )
    return [_plan_summary(p) for p in found if plan_permissions.can_view_plan(request.user, p)]


@api.get("/plans/{plan_id}", response=PlanOut, tags=["plans"])
def plan(request, plan_id: Id):
    found = get_object_or_404(
        ActionPlan.objects.select_related("agreement__municipality", "priority_area"), pk=plan_id
    )
    _allowed(plan_permissions.can_view_plan(request.user, found))
    return _plan_summary(found) | {
        "purpose": found.purpose,
        "measures": [
            {
                "id": m.pk,
                "order": m.order,
                "title": m.title,
                "description": m.description,
                "status": m.status,
                "owners": [o.name for o in m.owners.all()],
            }
            for m in found.measures.prefetch_related("owners")
        ],
    }


@api.get("/plans/{plan_id}/reports", response=list[ReportOut], tags=["plans"])
def reports(request, plan_id: Id):
    found = get_object_or_404(ActionPlan.objects.select_related("agreement__municipality"), pk=plan_id)
    _allowed(plan_permissions.can_view_plan(request.user, found))
    return [
        {
            "id": r.pk,
            "plan_id": r.plan_id,
            "year": r.year,
            "tertial": r.tertial,
            "status": r.status,
            "as_of": r.as_of,
            "narrative": r.narrative,
            "progress": [
                {"measure_id": p.measure_id, "status": p.status, "percent": p.percent, "comment": p.comment}
                for p in r.progress.all()
            ],
        }
        for r in found.reports.prefetch_related("progress")
        if plan_permissions.can_view_report(request.user, r)
    ]


def urls():
    """The API's URL patterns. The API answers 401 itself rather than being
    sent to the sign-in page, so its views are exempt from the login
    middleware (every route still requires a token or a session)."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        view = pattern.callback

        @functools.wraps(view)
        def exempt(request, *args, _view=view, **kwargs):
            return _view(request, *args, **kwargs)

        exempt.login_required = False
        pattern.callback = exempt
    return patterns, app_name, namespace
