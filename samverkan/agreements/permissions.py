"""Who may read and write agreements and their versions.

Agreements are public documents once adopted: everyone signed in to the
municipality may read them. Writing follows organisation and role."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from samverkan.accounts.models import WRITING_ROLES, Role, User
from samverkan.accounts.permissions import in_municipality, is_administrator
from samverkan.agreements.models import Agreement, AgreementVersion, Scope, VersionStatus


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


def party_to(user: User, agreements: list[Agreement]) -> list[Agreement]:
    """Those of `agreements` the user's organisation is a party to (in any
    version), in one query: whose pictures and plans it may start."""
    own = set(
        Agreement.objects.filter(
            pk__in=[a.pk for a in agreements], versions__parties=user.organisation_id
        ).values_list("pk", flat=True)
    )
    return [a for a in agreements if a.pk in own]


# Revisions: a draft is edited, an adopted version revised and an adoption
# recorded by those who may write the agreement itself.


def can_edit_draft(user: User, version: AgreementVersion) -> bool:
    return version.status == VersionStatus.DRAFT and can_edit_version(user, version)


def can_draft_revision(user: User, version: AgreementVersion) -> bool:
    return version.status == VersionStatus.ADOPTED and can_edit_version(user, version)


def can_record_adoption(user: User, version: AgreementVersion) -> bool:
    """Adopt a draft, or correct a recorded adoption or outcome."""
    return can_edit_version(user, version)
