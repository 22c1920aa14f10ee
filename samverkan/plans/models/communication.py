"""Citizen promises and joint messages, and the parties' approvals of their
text."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.core.fields import GuardedCharField, GuardedTextField
from samverkan.core.models import AppendOnly
from samverkan.plans.models.plans import ActionPlan, Measure


class CommunicationKind(models.TextChoices):
    PROMISE = "promise", _("Citizen promise")
    MESSAGE = "message", _("Joint communication")


class Communication(models.Model):
    """A citizen promise (medborgarlöfte) or another joint message. It is
    published only when every party of the agreement has approved the text
    as it stands; changing the text withdraws the approvals."""

    agreement = models.ForeignKey(
        "agreements.Agreement",
        on_delete=models.PROTECT,
        related_name="communications",
        verbose_name=_("agreement"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=CommunicationKind.choices)
    plan = models.ForeignKey(
        ActionPlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="communications",
        verbose_name=_("action plan"),
    )
    measures = models.ManyToManyField(
        Measure, blank=True, related_name="communications", verbose_name=_("measures")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = GuardedCharField(_("title"), max_length=200)
    text = GuardedTextField(_("text"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_example = models.BooleanField(_("example data"), default=False)

    class Meta:
        verbose_name = _("joint communication")
        verbose_name_plural = _("joint communications")
        ordering = ["agreement", "-year", "kind", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Approval(AppendOnly):
    communication = models.ForeignKey(Communication, on_delete=models.CASCADE, related_name="approvals")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    text_digest = models.CharField(max_length=64, help_text=_("The text as approved."))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(auto_now_add=True)

    personal_data_guard_exempt = ("text_digest",)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["communication", "approved_at"]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.communication}"
