"""The bodies that steer the collaboration, their composition, written
mandates and the schedule on which they report back to committees."""

import calendar
import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.core.fields import GuardedCharField, GuardedTextField
from samverkan.core.models import AppendOnly


class BodyKind(models.TextChoices):
    CRIME_PREVENTION_COUNCIL = "crime_prevention_council", _("Crime prevention council")
    CENTRAL_STEERING_GROUP = "central_steering_group", _("Central steering group")
    PREPARATION_GROUP = "preparation_group", _("City-wide preparation group")
    LOCAL_STEERING_GROUP = "local_steering_group", _("Local steering group")
    WORKING_GROUP = "working_group", _("Working group")


class Body(models.Model):
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="bodies"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=BodyKind.choices)
    name = GuardedCharField(_("name"), max_length=200)
    agreement = models.ForeignKey(
        "agreements.Agreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
        verbose_name=_("agreement"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subgroups",
        verbose_name=_("reports to body"),
    )
    mandate = GuardedTextField(_("mandate and delegation"), blank=True)
    mandate_basis = GuardedCharField(
        _("basis of the mandate"),
        max_length=300,
        blank=True,
        help_text=_("The decision or document that gives the mandate."),
    )
    is_example = models.BooleanField(_("example data"), default=False)

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="local_steering_group") | models.Q(agreement__isnull=False),
                name="local_steering_group_has_agreement",
                violation_error_message=_("A local steering group belongs to a local agreement."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def represented_kinds(self) -> set[str]:
        return {seat.organisation.kind for seat in self.seats.select_related("organisation")}


class Seat(models.Model):
    """Composition by organisation and role, never by person."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="seats")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT)
    role_title = GuardedCharField(_("role"), max_length=200)
    count = models.PositiveSmallIntegerField(_("number of seats"), default=1)
    is_chair = models.BooleanField(_("chair"), default=False)

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        ordering = ["body", "-is_chair", "organisation__name"]

    def __str__(self) -> str:
        return f"{self.role_title}, {self.organisation}"


class Frequency(models.TextChoices):
    """How often someone reports: a body to its committee, a party under a follow-up plan."""

    MONTHLY = "monthly", _("Monthly")
    TERTIAL = "tertial", _("Every tertial")
    HALF_YEARLY = "half_yearly", _("Every half year")
    YEARLY = "yearly", _("Yearly")


_MONTHS_BETWEEN = {"monthly": 1, "tertial": 4, "half_yearly": 6, "yearly": 12}


class ReportingDuty(models.Model):
    """A body reports back to a named committee on a schedule."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="reporting_duties")
    committee = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="reports_received",
        verbose_name=_("committee"),
    )
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequency.choices)
    first_due = models.DateField(_("first report due"))
    subject = GuardedCharField(_("what is reported"), max_length=300)

    class Meta:
        verbose_name = _("reporting duty")
        verbose_name_plural = _("reporting duties")
        ordering = ["body", "first_due"]

    def __str__(self) -> str:
        return f"{self.body} → {self.committee}"

    def next_due(self, today: dt.date) -> dt.date:
        step = _MONTHS_BETWEEN[self.frequency]
        due = self.first_due
        while due < today:
            month = due.month - 1 + step
            year = due.year + month // 12
            month = month % 12 + 1
            due = dt.date(year, month, min(self.first_due.day, calendar.monthrange(year, month)[1]))
        return due


class RecordedDecision(AppendOnly):
    """A body's decision as recorded: who decided, when, under which minutes
    item, and who entered it. Never edited; a later decision replaces it."""

    body = models.ForeignKey("governance.Body", on_delete=models.PROTECT, verbose_name=_("decided by"))
    decided_on = models.DateField(_("decision date"))
    minutes_reference = GuardedCharField(_("minutes reference"), max_length=120, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.body} {self.decided_on:%Y-%m-%d}"
