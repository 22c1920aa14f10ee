from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.core.personal_data import no_personal_identity_number


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    PREPARATION_GROUP = "preparation_group", _("Central preparation group")
    DISTRICT_COORDINATOR = "district_coordinator", _("District coordinator")
    POLICE_CONTACT = "police_contact", _("Police contact")
    STEERING_GROUP_MEMBER = "steering_group_member", _("Steering group member")
    POLITICIAN = "politician", _("Politician (read only)")


# Roles that may write anything at all; steering-group members and
# politicians read only.
WRITING_ROLES = frozenset(
    {Role.ADMINISTRATOR, Role.PREPARATION_GROUP, Role.DISTRICT_COORDINATOR, Role.POLICE_CONTACT}
)


class User(AbstractUser):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.POLITICIAN)
    district = models.ForeignKey(
        "organisations.Area",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district shown"),
        help_text=_("The district that lists and the årshjul are narrowed to; empty shows all."),
    )
    # The identity provider's subject for accounts made by single sign-on.
    oidc_subject = models.CharField(
        _("single sign-on subject"), max_length=255, null=True, blank=True, unique=True, editable=False
    )

    # Password hashes and e-mail addresses are not free text.
    personal_data_guard_exempt = ("password", "email", "oidc_subject")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def writes(self) -> bool:
        return self.is_superuser or self.role in WRITING_ROLES

    @property
    def municipality(self):
        return self.organisation.municipality if self.organisation_id else None


for _name in ("username", "first_name", "last_name"):
    _field = User._meta.get_field(_name)
    if isinstance(_field, models.Field):
        _field.validators.append(no_personal_identity_number)


class SignInFailure(models.Model):
    """A failed sign-in, kept to slow down password guessing. The username is
    kept only as a digest; rows older than the window no longer count."""

    username_digest = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    personal_data_guard_exempt = ("username_digest",)
    # Counted and cleared on every sign-in: no record for the audit log (samverkan.audit.models).
    audited = False

    class Meta:
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")

    def __str__(self) -> str:
        return f"{self.username_digest[:12]}… {self.at:%Y-%m-%d %H:%M}"
