"""Who may do what. Every view asks one of these functions; nothing else
decides access, so the rules can be read (and tested) in one place.

Agreements are public documents once adopted: everyone signed in to the
municipality may read them. Writing follows organisation and role.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from samverkan.accounts.models import WRITING_ROLES, Role, User
from samverkan.agreements.models import Agreement, AgreementVersion, Scope, VersionStatus
from samverkan.organisations.models import Municipality
from samverkan.organisations.selectors import district_organisations
from samverkan.plans.selectors import communication_parties, plan_parties
from samverkan.situations.selectors import picture_parties


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


def is_party(user: User, version: AgreementVersion) -> bool:
    return user.organisation_id is not None and version.parties.filter(pk=user.organisation_id).exists()


def can_view_version(user: User, version: AgreementVersion) -> bool:
    return bool(viewable_versions(user, [version]))


def viewable_versions(user: User, versions: list[AgreementVersion]) -> list[AgreementVersion]:
    """The versions `user` may read, in at most two queries however many:
    adopted ones; a draft sent out for consultation (a public document of the
    case); other drafts for the parties, the central preparation group and
    administrators."""
    versions = [v for v in versions if in_municipality(user, v.agreement.municipality)]
    drafts = {v.pk for v in versions if v.status != VersionStatus.ADOPTED}
    if drafts and not (is_administrator(user) or user.role == Role.PREPARATION_GROUP):
        readable = set(
            AgreementVersion.objects.filter(pk__in=drafts, consultation_rounds__isnull=False).values_list(
                "pk", flat=True
            )
        )
        if user.organisation_id is not None:
            readable |= set(
                AgreementVersion.objects.filter(
                    pk__in=drafts - readable, parties=user.organisation_id
                ).values_list("pk", flat=True)
            )
        drafts = readable
    return [v for v in versions if v.status == VersionStatus.ADOPTED or v.pk in drafts]


def can_view_agreement(user: User, agreement: Agreement) -> bool:
    return in_municipality(user, agreement.municipality)


def can_edit_version(user: User, version: AgreementVersion) -> bool:
    if not in_municipality(user, version.agreement.municipality) or user.role not in WRITING_ROLES:
        return False
    if is_administrator(user) or user.role == Role.PREPARATION_GROUP:
        return True
    # Coordinators and police contacts write to the local agreements their
    # organisation is a party to.
    return version.agreement.scope == Scope.LOCAL and is_party(user, version)


def can_view_audit(user: User) -> bool:
    return is_administrator(user)


def can_import(user: User, municipality: Municipality) -> bool:
    """Data is brought in by administrators, the preparation group and the
    parties' own coordinators and police contacts."""
    return in_municipality(user, municipality) and user.role in WRITING_ROLES


def can_view_municipality(user: User, municipality: Municipality) -> bool:
    return in_municipality(user, municipality)


def get_version_for(user: User, pk: int, *, edit: bool = False) -> AgreementVersion:
    version = get_object_or_404(
        AgreementVersion.objects.select_related("agreement__municipality", "agreement__area"), pk=pk
    )
    allowed = can_edit_version(user, version) if edit else can_view_version(user, version)
    if not allowed:
        raise PermissionDenied
    return version


def get_agreement_for(user: User, pk: int) -> Agreement:
    agreement = get_object_or_404(Agreement.objects.select_related("municipality"), pk=pk)
    if not can_view_agreement(user, agreement):
        raise PermissionDenied
    return agreement


# --- situation pictures -------------------------------------------------------
# A party's draft is readable only by its own organisation: not the other
# party, not the preparation group, not administrators. Submitted pictures
# and the joint analysis are read by the parties, the preparation group and
# administrators; politicians read the joint analysis once the steering
# group has adopted its priorities.


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
    return _party_to(user, agreements)


def _party_to(user: User, agreements: list[Agreement]) -> list[Agreement]:
    own = set(
        Agreement.objects.filter(
            pk__in=[a.pk for a in agreements], versions__parties=user.organisation_id
        ).values_list("pk", flat=True)
    )
    return [a for a in agreements if a.pk in own]


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


# --- EST weekly pictures -------------------------------------------------------
# Read by the people of the recipient organisations, the preparation group
# and administrators; written by those of them who write at all.


def can_view_est(user: User, group) -> bool:
    if not in_municipality(user, group.area.municipality):
        return False
    if is_administrator(user) or user.role == Role.PREPARATION_GROUP:
        return True
    return user.role != Role.POLITICIAN and group.recipients.filter(pk=user.organisation_id).exists()


def can_edit_est(user: User, group) -> bool:
    return user.role in WRITING_ROLES and can_view_est(user, group)


# --- Action plans, follow-up and the yearly cycle ---------------------------------
# A draft plan or report is read and written by the parties of its agreement,
# the preparation group and administrators; the steering group's members of
# the parties read them and record the adoption. Adopted plans and submitted
# reports are read by everyone of the municipality who signs in, politicians
# included. The yearly compilation is made by the preparation group and read
# by all once it has been sent back.


def _plan_party_ids(plan) -> set[int]:
    return {o.pk for o in plan_parties(plan)}


def oversees(user: User) -> bool:
    """Administrators and the central preparation group see across parties."""
    return is_administrator(user) or user.role == Role.PREPARATION_GROUP


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
    return _party_to(user, agreements)


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


# --- Consultations, decisions and revisions -----------------------------------------
# Rounds, submitted responses, minutes and the comparison of versions are
# public documents of the case: everyone of the municipality who signs in
# reads them. A response being drafted is read and written only by the
# recipient (and the administration that prepares its matters), the
# preparation group and administrators, who run the rounds. Drafting a
# revision and recording its adoption follow the right to write the
# agreement itself.


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


def can_edit_draft(user: User, version: AgreementVersion) -> bool:
    return version.status == VersionStatus.DRAFT and can_edit_version(user, version)


def can_draft_revision(user: User, version: AgreementVersion) -> bool:
    return version.status == VersionStatus.ADOPTED and can_edit_version(user, version)


def can_record_adoption(user: User, version: AgreementVersion) -> bool:
    """Adopt a draft, or correct a recorded adoption or outcome."""
    return can_edit_version(user, version)


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
