"""Who may read and write an EST group's weekly pictures.

Read by the people of the recipient organisations, the preparation group
and administrators; written by those of them who write at all."""

from samverkan.accounts.models import WRITING_ROLES, Role, User
from samverkan.accounts.permissions import in_municipality, is_administrator


def can_view_est(user: User, group) -> bool:
    if not in_municipality(user, group.area.municipality):
        return False
    if is_administrator(user) or user.role == Role.PREPARATION_GROUP:
        return True
    return user.role != Role.POLITICIAN and group.recipients.filter(pk=user.organisation_id).exists()


def can_edit_est(user: User, group) -> bool:
    return user.role in WRITING_ROLES and can_view_est(user, group)
