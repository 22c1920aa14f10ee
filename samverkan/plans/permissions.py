"""Who may read and write action plans, follow-up reports, the yearly
compilation and the joint communication.

A draft plan or report is read and written by the parties of its agreement,
the preparation group and administrators; the steering group's members of
the parties read them and record the adoption. Adopted plans and submitted
reports are read by everyone of the municipality who signs in, politicians
included. The yearly compilation is made by the preparation group and read
by all once it has been sent back."""

from samverkan.accounts.models import WRITING_ROLES, Role, User
from samverkan.accounts.permissions import in_municipality, oversees
from samverkan.agreements.models import Agreement
from samverkan.agreements.permissions import party_to
from samverkan.organisations.models import Municipality
from samverkan.plans.selectors import communication_parties, plan_parties


def _plan_party_ids(plan) -> set[int]:
    return {o.pk for o in plan_parties(plan)}


def can_view_plan(user: User, plan) -> bool:
    if not in_municipality(user, plan.municipality):
        return False
    if not plan.is_draft or oversees(user):
        return True
    return user.role != Role.POLITICIAN and user.organisation_id in _plan_party_ids(plan)


def agreements_for_new_plans(user: User, agreements) -> list[Agreement]:
    """The agreements under which the user may create action plans: writing
    roles of the municipality, for every agreement if they oversee the
    collaboration, else for those their organisation is a party to (in any
    version). One query for the whole list."""
    agreements = [
        a for a in agreements if user.role in WRITING_ROLES and in_municipality(user, a.municipality)
    ]
    if oversees(user) or not agreements:
        return agreements
    return party_to(user, agreements)


def can_edit_plan(user: User, plan) -> bool:
    return (
        user.role in WRITING_ROLES
        and in_municipality(user, plan.municipality)
        and (oversees(user) or user.organisation_id in _plan_party_ids(plan))
    )


def can_adopt_plan(user: User, plan) -> bool:
    if can_edit_plan(user, plan):
        return True
    return (
        user.role == Role.STEERING_GROUP_MEMBER
        and in_municipality(user, plan.municipality)
        and user.organisation_id in _plan_party_ids(plan)
    )


def can_view_report(user: User, report) -> bool:
    if not report.is_draft:
        return can_view_plan(user, report.plan)
    return can_adopt_plan(user, report.plan)


def can_edit_report(user: User, report) -> bool:
    return report.is_draft and can_edit_plan(user, report.plan)


def can_manage_annual(user: User, municipality: Municipality) -> bool:
    return in_municipality(user, municipality) and oversees(user)


def can_view_annual(user: User, report) -> bool:
    if can_manage_annual(user, report.municipality):
        return True
    return report.status == report.Status.SENT and in_municipality(user, report.municipality)


def _communication_party_ids(communication) -> set[int]:
    return {o.pk for o in communication_parties(communication)}


def can_view_communication(user: User, communication) -> bool:
    if not in_municipality(user, communication.agreement.municipality):
        return False
    if communication.is_published or oversees(user):
        return True
    return user.role != Role.POLITICIAN and user.organisation_id in _communication_party_ids(communication)


def can_edit_communication(user: User, communication) -> bool:
    return (
        not communication.is_published
        and user.role in WRITING_ROLES
        and in_municipality(user, communication.agreement.municipality)
        and (oversees(user) or user.organisation_id in _communication_party_ids(communication))
    )


def can_approve_communication(user: User, communication) -> bool:
    return (
        not communication.is_published
        and user.role in WRITING_ROLES
        and in_municipality(user, communication.agreement.municipality)
        and user.organisation_id in _communication_party_ids(communication)
    )
