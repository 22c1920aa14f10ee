"""Who reaches a round, a recipient, a statement or a draft: every consultation
page asks these."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from samverkan.agreements import permissions as agreement_permissions
from samverkan.agreements.models import AgreementVersion
from samverkan.consultations import permissions
from samverkan.consultations.models import (
    ConsultationRound,
    Recipient,
    Statement,
)


def round_for(user, pk: int, *, manage=False) -> ConsultationRound:
    round = get_object_or_404(
        ConsultationRound.objects.select_related("version__agreement__municipality", "referred_by"), pk=pk
    )
    if not permissions.can_view_round(user, round):
        raise PermissionDenied
    if manage and not permissions.can_manage_consultations(user, round.municipality):
        raise PermissionDenied
    return round


def recipient_for(user, pk: int, *, manage=False) -> Recipient:
    recipient = get_object_or_404(
        Recipient.objects.select_related("round__version__agreement__municipality", "organisation"), pk=pk
    )
    round_for(user, recipient.round_id, manage=manage)
    return recipient


def statement_for(user, pk: int, *, write=False) -> Statement:
    statement = get_object_or_404(
        Statement.objects.select_related(
            "recipient__organisation", "recipient__round__version__agreement__municipality"
        ),
        pk=pk,
    )
    allowed = (
        permissions.can_write_statement(user, statement.recipient)
        if write
        else permissions.can_view_statement(user, statement)
    )
    if not allowed:
        raise PermissionDenied
    return statement


def draft_for(user, pk: int) -> AgreementVersion:
    version = agreement_permissions.get_version_for(user, pk)
    if not agreement_permissions.can_edit_draft(user, version):
        raise PermissionDenied
    return version
