"""Read-side queries of plans and follow-up."""

import datetime as dt
import hashlib
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from samverkan.agreements.models import Goal, Scope
from samverkan.agreements.selectors import latest_adopted, version_in_force
from samverkan.governance.models import Body, BodyKind
from samverkan.organisations.models import Organisation
from samverkan.plans.models import Approval, Communication
from samverkan.situations.selectors import priorities_for_plans


def agreement_parties(agreement, year: int) -> list:
    """The parties of the agreement version in force in a year (mid-year),
    or of the latest adopted version."""
    version = version_in_force(agreement, dt.date(year, 7, 1)) or latest_adopted(agreement)
    return list(version.parties.all()) if version else []


# What plan_parties() reads: prefetch these on a queryset of plans that asks it for many
# plans, or for one plan several times (the permission checks do).
PLAN_PARTIES = ("agreement__versions__parties", "agreement__versions__superseded_by")


def plan_goals(plan) -> tuple[QuerySet[Goal], bool]:
    """The goals a plan's measures can serve, and whether they are borrowed:
    the goals of its priority area, or, where the local agreement states
    none, those of the overarching areas it addresses."""
    goals = Goal.objects.filter(priority_area__version__agreement=plan.agreement)
    if not plan.priority_area_id:
        return goals, False
    own = goals.filter(priority_area=plan.priority_area)
    if own.exists():
        return own, False
    addressed = plan.priority_area.addresses.all()
    return Goal.objects.filter(priority_area__in=addressed), addressed.exists()


def plan_parties(plan) -> list:
    return agreement_parties(plan.agreement, plan.year)


def deciding_body(agreement) -> Body | None:
    """The body that adopts an agreement's action plans: the local steering
    group of a local agreement, the central steering group of the
    overarching one."""
    if agreement.scope == Scope.LOCAL:
        return Body.objects.filter(agreement=agreement, kind=BodyKind.LOCAL_STEERING_GROUP).first()
    return Body.objects.filter(
        municipality=agreement.municipality, kind=BodyKind.CENTRAL_STEERING_GROUP
    ).first()


def report_recipients(plan) -> list[Body]:
    """Local follow-up goes to the local steering group and the city-wide
    preparation group; the city-wide plan to the central steering group."""
    bodies = [deciding_body(plan.agreement)]
    if not plan.is_central:
        bodies.append(
            Body.objects.filter(municipality=plan.municipality, kind=BodyKind.PREPARATION_GROUP).first()
        )
    return [b for b in bodies if b is not None]


# --- citizen promises and joint communication -----------------------------------


def digest(communication: Communication) -> str:
    return hashlib.sha256(f"{communication.title}\n{communication.text}".encode()).hexdigest()


def communication_parties(communication: Communication) -> list[Organisation]:
    return agreement_parties(communication.agreement, communication.year)


def communication_approvals(communication: Communication) -> dict[int, Approval]:
    """The approvals that still count: those of the text as it stands."""
    current = digest(communication)
    return {a.organisation_id: a for a in communication.approvals.all() if a.text_digest == current}


# --- from the joint analysis to action plans ----------------------------------------


def plan_initial_from_analysis(analysis, priority_area, year: int) -> dict[str, Any]:
    """A new plan's form filled in from the joint analysis: its agreement,
    the analysis, the priority area and the prioritised problems named."""
    problems = next(
        (found for area, found in priorities_for_plans(analysis) if area.pk == priority_area.pk), []
    )
    return {
        "agreement": analysis.picture.agreement_id,
        "analysis": analysis.pk,
        "priority_area": priority_area.pk,
        "year": year,
        "title": _("Action plan %(area)s") % {"area": priority_area.name},
        "purpose": _("Based on the joint analysis %(picture)s. Prioritised problems: %(problems)s.")
        % {"picture": analysis.picture.title, "problems": "; ".join(p.title for p in problems)},
    }
