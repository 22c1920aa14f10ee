"""Who may read and write situation pictures and joint analyses.

A party's draft is readable only by its own organisation: not the other
party, not the preparation group, not administrators. Submitted pictures
and the joint analysis are read by the parties, the preparation group and
administrators; politicians read the joint analysis once the steering
group has adopted its priorities."""

from samverkan.accounts.models import WRITING_ROLES, Role, User
from samverkan.accounts.permissions import in_municipality, is_administrator
from samverkan.agreements.models import Agreement
from samverkan.agreements.permissions import party_to
from samverkan.situations.selectors import picture_parties


def _picture_parties(picture) -> set[int]:
    return {o.pk for o in picture_parties(picture)}


def can_view_picture(user: User, picture) -> bool:
    if not in_municipality(user, picture.agreement.municipality):
        return False
    if is_administrator(user) or user.role == Role.PREPARATION_GROUP:
        return True
    return user.role != Role.POLITICIAN and user.organisation_id in _picture_parties(picture)


def can_create_picture(user: User, agreement: Agreement) -> bool:
    return bool(agreements_for_new_pictures(user, [agreement]))


def agreements_for_new_pictures(user: User, agreements) -> list[Agreement]:
    """The agreements under which the user may create situation pictures:
    writing roles of the municipality, for every agreement if administrator
    or in the central preparation group, else for those their organisation is
    a party to (in any version). One query for the whole list."""
    agreements = [
        a for a in agreements if user.role in WRITING_ROLES and in_municipality(user, a.municipality)
    ]
    if is_administrator(user) or user.role == Role.PREPARATION_GROUP or not agreements:
        return agreements
    return party_to(user, agreements)


def can_view_party_picture(user: User, party_picture) -> bool:
    if party_picture.is_draft:
        return (
            in_municipality(user, party_picture.picture.agreement.municipality)
            and user.organisation_id == party_picture.organisation_id
        )
    return can_view_picture(user, party_picture.picture)


def can_edit_party_picture(user: User, party_picture) -> bool:
    return (
        party_picture.is_draft
        and user.role in WRITING_ROLES
        and in_municipality(user, party_picture.picture.agreement.municipality)
        and user.organisation_id == party_picture.organisation_id
    )


def can_start_party_picture(user: User, picture) -> bool:
    return (
        user.role in WRITING_ROLES
        and in_municipality(user, picture.agreement.municipality)
        and user.organisation_id in _picture_parties(picture)
    )


def can_view_joint(user: User, analysis) -> bool:
    if can_view_picture(user, analysis.picture):
        return True
    return (
        user.is_authenticated
        and user.role == Role.POLITICIAN
        and in_municipality(user, analysis.picture.agreement.municipality)
        and analysis.decisions.exists()
    )


def can_edit_joint(user: User, analysis) -> bool:
    if user.role not in WRITING_ROLES or not can_view_picture(user, analysis.picture):
        return False
    return (
        is_administrator(user)
        or user.role == Role.PREPARATION_GROUP
        or user.organisation_id in _picture_parties(analysis.picture)
    )


def can_record_decision(user: User, analysis) -> bool:
    """The steering group's members record its adoption; so may the parties'
    coordinators who keep its minutes."""
    if can_edit_joint(user, analysis):
        return True
    return (
        user.role == Role.STEERING_GROUP_MEMBER
        and in_municipality(user, analysis.picture.agreement.municipality)
        and user.organisation_id in _picture_parties(analysis.picture)
    )
