"""Single sign-on through the municipality's or the police's own identity
provider (OpenID Connect, authorisation-code flow with PKCE).

The identity provider decides who someone is, which organisation they work
for and what they do; Samverkan keeps a local account in step with that on
every sign-in. The token's subject (``sub``) identifies the account, never
the e-mail address, which many providers let people change themselves.

Claims:
- ``OIDC_ORGANISATION_CLAIM`` (default ``organisation``): the name or short
  name of an organisation of the served municipality; without it,
  ``OIDC_DEFAULT_ORGANISATION``.
- ``OIDC_ROLE_CLAIM`` (default ``roles``): a value or a list of values,
  translated by ``OIDC_ROLE_MAP`` (``idp-value=role``) or given as Samverkan's
  own role names. The administrator role is never granted by a claim.

Someone whose organisation or role cannot be read is not signed in.
"""

import logging

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from samverkan.accounts import services
from samverkan.accounts.backends import SignedInUser
from samverkan.accounts.models import Role
from samverkan.core.personal_data import contains_identity_number
from samverkan.organisations.models import Municipality, Organisation

log = logging.getLogger(__name__)

# A claim can make someone anything but an administrator: that stays a local decision.
GRANTABLE_ROLES = {role.value for role in Role} - {Role.ADMINISTRATOR.value}


class SignOnRefused(Exception):
    """The provider vouched for someone Samverkan cannot place."""


def role_from_claims(claims: dict) -> str:
    values = claims.get(settings.SAMVERKAN_OIDC_ROLE_CLAIM) or []
    if isinstance(values, str):
        values = [values]
    mapping = settings.SAMVERKAN_OIDC_ROLE_MAP
    roles = {mapping.get(str(value), str(value)) for value in values}
    # The most capable role the provider grants, in the order of Role.
    for role in Role.values:
        if role in roles and role in GRANTABLE_ROLES:
            return role
    raise SignOnRefused("no role that Samverkan knows")


def organisation_from_claims(claims: dict):
    wanted = (
        claims.get(settings.SAMVERKAN_OIDC_ORGANISATION_CLAIM) or settings.SAMVERKAN_OIDC_DEFAULT_ORGANISATION
    )
    if not isinstance(wanted, str) or not wanted.strip():
        raise SignOnRefused("no organisation")
    municipality = Municipality.objects.filter(code=settings.SAMVERKAN_MUNICIPALITY).first()
    matches = list(
        Organisation.objects.filter(municipality=municipality)
        .valid_on(timezone.localdate())
        .filter(Q(name__iexact=wanted.strip()) | Q(short_name__iexact=wanted.strip()))[:2]
    )
    if len(matches) != 1:
        raise SignOnRefused(f"organisation {wanted!r} is unknown or ambiguous")
    return matches[0]


class SignOnBackend(SignedInUser, OIDCAuthenticationBackend):
    def verify_token(self, token, **kwargs):
        # A bad signature, audience or nonce: back to the sign-in page, logged.
        try:
            return super().verify_token(token, **kwargs)
        except SuspiciousOperation as refused:
            log.warning("single sign-on token refused: %s", refused)
            return None

    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(oidc_subject=claims["sub"])

    def get_or_create_user(self, access_token, id_token, payload):
        try:
            return super().get_or_create_user(access_token, id_token, payload)
        except SignOnRefused as refused:
            log.warning("single sign-on refused for subject %s: %s", payload.get("sub"), refused)
            return None

    def create_user(self, claims):
        user = self.UserModel(username=self._free_username(claims), oidc_subject=claims["sub"])
        user.set_unusable_password()
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        """The provider is the source of truth: organisation, role and name
        follow it on every sign-in."""
        names = {}
        for field, claim in (("first_name", "given_name"), ("last_name", "family_name")):
            value = str(claims.get(claim, "") or "")[:150]
            # Names only: anything carrying an identity number is left out.
            names[field] = "" if contains_identity_number(value) else value
        return services.user_sign_on(
            user=user,
            organisation=organisation_from_claims(claims),
            role=role_from_claims(claims),
            email=claims.get("email", "") or "",
            **names,
        )

    def _free_username(self, claims) -> str:
        base = str(claims.get("preferred_username") or claims.get("email") or claims["sub"])[:140]
        if contains_identity_number(base):
            base = "sso"
        username, n = base, 1
        while self.UserModel.objects.filter(username=username).exists():
            n += 1
            username = f"{base}-{n}"
        return username


class _Enabled:
    """The sign-on routes exist in every installation and answer 404 where
    single sign-on is not configured."""

    def dispatch(self, request, *args, **kwargs):
        if not settings.SAMVERKAN_OIDC:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class StartView(_Enabled, OIDCAuthenticationRequestView):
    def __init__(self, *args, **kwargs):
        # The parent reads its settings here; they are empty when switched off.
        if settings.SAMVERKAN_OIDC:
            super().__init__(*args, **kwargs)
        else:
            super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)


class CallbackView(_Enabled, OIDCAuthenticationCallbackView):
    pass
