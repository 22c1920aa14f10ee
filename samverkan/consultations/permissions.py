"""Who may run consultation rounds and write the responses.

Rounds, submitted responses, minutes and the comparison of versions are
public documents of the case: everyone of the municipality who signs in
reads them. A response being drafted is read and written only by the
recipient (and the administration that prepares its matters), the
preparation group and administrators, who run the rounds. Drafting a
revision and recording its adoption follow the right to write the
agreement itself (samverkan.agreements.permissions)."""

from samverkan.accounts.models import WRITING_ROLES, Role, User
from samverkan.accounts.permissions import in_municipality, oversees
from samverkan.organisations.models import Municipality


def can_manage_consultations(user: User, municipality: Municipality) -> bool:
    return user.role in WRITING_ROLES and in_municipality(user, municipality) and oversees(user)


def can_view_round(user: User, round) -> bool:
    return in_municipality(user, round.version.agreement.municipality)


def answers_for(user: User, recipient) -> bool:
    """The user's organisation is the recipient or prepares its matters."""
    if user.organisation is None:
        return False
    return user.organisation_id == recipient.organisation_id or (
        user.organisation.committee_id == recipient.organisation_id
    )


def can_view_statement(user: User, statement) -> bool:
    round = statement.recipient.round
    if not can_view_round(user, round):
        return False
    if statement.is_submitted or oversees(user):
        return True
    return user.role != Role.POLITICIAN and answers_for(user, statement.recipient)


def can_write_statement(user: User, recipient) -> bool:
    """Draft the response, attach to it, record the committee's minutes."""
    return (
        user.role in WRITING_ROLES
        and can_view_round(user, recipient.round)
        and (oversees(user) or answers_for(user, recipient))
    )
