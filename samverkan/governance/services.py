"""Writes that set up a district: its people with their roles, and its
local steering group with seats by organisation and role."""

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from samverkan.accounts import permissions
from samverkan.accounts.models import Role, User
from samverkan.agreements.models import Agreement
from samverkan.governance.models import Body, BodyKind, Seat
from samverkan.organisations.models import Organisation


def _allowed_role(by: User, role: str, organisation: Organisation | None) -> None:
    if role not in dict(permissions.assignable_roles(by)):
        raise ValidationError({"role": _("You cannot give this role.")})
    if organisation is not None and not permissions.can_manage_person(by, organisation, role):
        raise ValidationError(
            {
                "organisation": _(
                    "You manage the people of your own party only: choose one of its organisations."
                )
            }
        )


def _fits_organisation(role: str, organisation: Organisation | None) -> None:
    if organisation is None:
        raise ValidationError({"organisation": _("Choose one of the district's organisations.")})
    if not permissions.role_fits(role, organisation):
        message = (
            _("A police contact belongs to a police organisation.")
            if role == Role.POLICE_CONTACT
            else _("A district coordinator belongs to the city's organisation.")
        )
        raise ValidationError({"role": message})


def _in_district(organisation: Organisation | None, organisations: list[Organisation]) -> None:
    if organisation not in organisations:
        raise ValidationError({"organisation": _("Choose one of the district's organisations.")})


@transaction.atomic
def person_add(*, user: User, organisations: list[Organisation], by: User) -> User:
    """Add a person to one of the district's organisations with a role. The
    account has no password yet: the invitation link lets them choose one."""
    _in_district(user.organisation, organisations)
    _allowed_role(by, user.role, user.organisation)
    _fits_organisation(user.role, user.organisation)
    if User.objects.filter(username__iexact=user.username).exists():
        raise ValidationError({"username": _("That user name is taken.")})
    user.set_unusable_password()
    user.full_clean()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # The same person posted twice at once: the other post made the account.
        raise ValidationError({"username": _("That user name is taken.")}) from None
    return user


def invitation_path(user: User) -> str:
    """Where the person chooses a password (valid until they have, or for
    PASSWORD_RESET_TIMEOUT)."""
    return reverse(
        "invitation",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


@transaction.atomic
def role_give(*, user: User, role: str, organisations: list[Organisation], by: User) -> User:
    _in_district(user.organisation, organisations)
    if not permissions.can_manage_person(by, user.organisation, user.role):
        raise ValidationError({"role": _("You cannot change the role of this user.")})
    _allowed_role(by, role, user.organisation)
    _fits_organisation(role, user.organisation)
    user.role = role
    user.full_clean()
    user.save(update_fields=["role"])
    return user


@transaction.atomic
def local_group_form(*, agreement: Agreement, name: str, mandate: str = "") -> Body:
    """Form the district's local steering group, reporting to the central one."""
    if Body.objects.filter(agreement=agreement, kind=BodyKind.LOCAL_STEERING_GROUP).exists():
        raise ValidationError(_("The district already has a local steering group."))
    body = Body(
        municipality=agreement.municipality,
        kind=BodyKind.LOCAL_STEERING_GROUP,
        name=name,
        agreement=agreement,
        mandate=mandate,
        parent=Body.objects.filter(
            municipality=agreement.municipality, kind=BodyKind.CENTRAL_STEERING_GROUP
        ).first(),
    )
    body.full_clean()
    body.save()
    return body


@transaction.atomic
def seat_add(*, seat: Seat, organisations: list[Organisation]) -> Seat:
    _in_district(seat.organisation, organisations)
    if seat.is_chair and seat.body.seats.filter(is_chair=True).exists():
        raise ValidationError({"is_chair": _("The group already has a chair.")})
    seat.full_clean()
    seat.save()
    return seat


@transaction.atomic
def seat_remove(*, seat: Seat) -> None:
    seat.delete()
