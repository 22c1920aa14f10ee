"""Who may do what: the rules every app's own `permissions.py` builds on
(the user's municipality and role, administrators, those who oversee the
collaboration), and who may manage people and districts. Every view asks a
function of its app's permissions module; nothing else decides access, and
tests/test_permissions.py tries every route with every role.
"""

from samverkan.accounts.models import WRITING_ROLES, Role, User
from samverkan.organisations.models import Municipality
from samverkan.organisations.selectors import district_organisations


def is_administrator(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role == Role.ADMINISTRATOR)


def can_set_up(user: User, municipality: Municipality) -> bool:
    """Walk the municipality's set-up steps: its administrators."""
    return is_administrator(user) and in_municipality(user, municipality)


def can_add_municipality(user: User) -> bool:
    """Add a municipality to the installation, or load one's set-up file: the installation's administrators."""
    return user.is_authenticated and user.is_superuser


def user_municipality(user: User) -> Municipality | None:
    return user.municipality if user.is_authenticated else None


def in_municipality(user: User, municipality: Municipality) -> bool:
    if user.is_superuser:
        return True
    return (
        user.is_authenticated
        and user.organisation is not None
        and (user.organisation.municipality_id == municipality.pk)
    )


def can_view_audit(user: User) -> bool:
    return is_administrator(user)


def can_import(user: User, municipality: Municipality) -> bool:
    """Data is brought in by administrators, the preparation group and the
    parties' own coordinators and police contacts."""
    return in_municipality(user, municipality) and user.role in WRITING_ROLES


def can_view_municipality(user: User, municipality: Municipality) -> bool:
    return in_municipality(user, municipality)


def oversees(user: User) -> bool:
    """Administrators and the central preparation group see across parties."""
    return is_administrator(user) or user.role == Role.PREPARATION_GROUP


# --- A district's people and local steering group ---------------------------------
# Administrators and the preparation group set up every district; a district
# coordinator sets up the district of their own organisation. Nobody gives a
# role wider than their own reach.

DISTRICT_ROLES = (
    Role.DISTRICT_COORDINATOR,
    Role.POLICE_CONTACT,
    Role.STEERING_GROUP_MEMBER,
    Role.POLITICIAN,
)


def can_manage_district(user: User, area) -> bool:
    if not in_municipality(user, area.municipality) or not user.writes:
        return False
    if oversees(user):
        return True
    if user.organisation is None:
        return False
    if user.role == Role.DISTRICT_COORDINATOR:
        return user.organisation.area_id == area.pk
    # A police contact sets up the police's people of the districts whose
    # local agreement their police area is a party to.
    return (
        user.role == Role.POLICE_CONTACT
        and user.organisation.is_police
        and any(o.pk == user.organisation_id for o in district_organisations(area))
    )


def assignable_roles(user: User) -> list[tuple[str, str]]:
    """The roles this user may give (administrators any, others the district's)."""
    allowed = Role.values if is_administrator(user) else [r.value for r in DISTRICT_ROLES]
    return [(value, str(label)) for value, label in Role.choices if value in allowed]


def role_fits(role: str, organisation) -> bool:
    """A police contact is of the police, a district coordinator of the city."""
    return not (
        (role == Role.POLICE_CONTACT and not organisation.is_police)
        or (role == Role.DISTRICT_COORDINATOR and organisation.is_police)
    )


def can_manage_person(user: User, organisation, role: str) -> bool:
    """May `user` add a person with `role` to `organisation`, give someone of
    it that role, or change the role of someone of it who holds `role`?

    The one rule for people: reach by organisation as well as by role. An
    account of a party reads that party's drafts, so nobody but an
    administrator makes or changes one for the other party: the city's
    coordinators and preparation group manage the city's people, the police's
    the police's. Nobody gives a role wider than their own reach."""
    if organisation is None or not user.is_authenticated:
        return False
    if not user.is_superuser and (
        user.organisation is None or user.organisation.municipality_id != organisation.municipality_id
    ):
        return False
    if role not in dict(assignable_roles(user)):
        return False
    if is_administrator(user):
        return True
    own = user.organisation
    if own is None or user.role not in (
        Role.PREPARATION_GROUP,
        Role.DISTRICT_COORDINATOR,
        Role.POLICE_CONTACT,
    ):
        return False
    if organisation.is_police != own.is_police:
        return False
    if user.role == Role.DISTRICT_COORDINATOR:
        return not organisation.is_police
    if user.role == Role.POLICE_CONTACT:
        return organisation.is_police
    return True
