from django.db.models import QuerySet
from django.utils.translation import gettext as _

from samverkan.agreements.models import Agreement, Scope
from samverkan.governance.models import Body, BodyKind
from samverkan.organisations.models import OrganisationKind


def body_findings(body: Body) -> list[str]:
    """What politicians asked for (seed 004) and this body still lacks:
    a written delegation, district representation in city-wide bodies, and
    a schedule for reporting back to committees."""
    findings = []
    if not body.mandate.strip():
        findings.append(_("The body's mandate and delegation are not written down."))
    if body.kind in (BodyKind.CENTRAL_STEERING_GROUP, BodyKind.PREPARATION_GROUP) and (
        OrganisationKind.DISTRICT_ADMINISTRATION not in body.represented_kinds()
    ):
        findings.append(_("The districts are not represented."))
    if body.kind != BodyKind.WORKING_GROUP and not body.reporting_duties.exists():
        findings.append(_("No schedule for reporting back to committees."))
    return findings


def deciding_bodies(agreement) -> QuerySet[Body]:
    """The bodies that decide for an agreement's district: the local
    steering group (and working groups) of a local agreement; the crime
    prevention council and the central steering and preparation groups for
    the overarching one, or for a district that has not formed its local
    steering group yet."""
    if agreement.area_id is not None:
        local = Body.objects.filter(agreement=agreement).order_by("kind", "name")
        if local.exists():
            return local
    return Body.objects.filter(
        municipality=agreement.municipality,
        kind__in=[
            BodyKind.CRIME_PREVENTION_COUNCIL,
            BodyKind.CENTRAL_STEERING_GROUP,
            BodyKind.PREPARATION_GROUP,
        ],
    ).order_by("kind", "name")


def local_agreement_of(area) -> Agreement | None:
    return Agreement.objects.filter(area=area, scope=Scope.LOCAL).first()
