"""What a municipality decided when it set itself up: how it is divided into
areas, who holds the coordinating function the law requires, and which body
decides its action plan."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.core.fields import GuardedCharField
from samverkan.organisations.models import Subdivision


class MunicipalitySetup(models.Model):
    municipality = models.OneToOneField(
        "organisations.Municipality", on_delete=models.CASCADE, related_name="setup"
    )
    subdivision = models.CharField(_("sub-areas"), max_length=12, choices=Subdivision.choices, blank=True)
    coordinator = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation with the coordinating function"),
    )
    coordinator_role = GuardedCharField(
        _("coordinating function"),
        max_length=200,
        blank=True,
        help_text=_("The role, not the person, e.g. 'Brottsförebyggande samordnare'."),
    )
    plan_body = models.ForeignKey(
        "governance.Body",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("body that decides the action plan"),
    )
    comparison_group = models.JSONField(
        _("comparison municipalities"),
        default=list,
        blank=True,
        help_text=_("Codes of the municipalities its statistics are compared with."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("municipality set-up")
        verbose_name_plural = _("municipality set-ups")

    def __str__(self) -> str:
        return str(self.municipality)
