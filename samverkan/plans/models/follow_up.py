"""Who reports what and how often, the tertial follow-ups with each measure's
progress, and the yearly compilation."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.core.fields import GuardedCharField, GuardedTextField
from samverkan.core.models import AppendOnly
from samverkan.governance.models import Frequency
from samverkan.plans.models.plans import ActionPlan, Measure, MeasureStatus


class FollowUpDuty(models.Model):
    """A line of the follow-up plan (uppföljningsplan): who reports what, how
    often, to whom."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="follow_up_plan")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("who reports"),
    )
    subject = GuardedCharField(_("what is reported"), max_length=300)
    frequency = models.CharField(_("how often"), max_length=12, choices=Frequency.choices)
    recipients = models.ManyToManyField("governance.Body", related_name="+", verbose_name=_("to whom"))

    class Meta:
        verbose_name = _("follow-up plan line")
        verbose_name_plural = _("follow-up plan")
        ordering = ["plan", "pk"]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.subject}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class FollowUpReport(models.Model):
    """A tertial (or on-demand) follow-up of an action plan. Submitting
    freezes it with a snapshot of every figure it showed."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="reports")
    year = models.PositiveSmallIntegerField(_("year"))
    tertial = models.PositiveSmallIntegerField(
        _("tertial"), null=True, blank=True, help_text=_("Empty for a follow-up on demand.")
    )
    as_of = models.DateField(_("as of"))
    narrative = GuardedTextField(_("narrative"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    recipients = models.ManyToManyField(
        "governance.Body", blank=True, related_name="+", verbose_name=_("submitted to")
    )
    content = models.JSONField(_("figures as submitted"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_example = models.BooleanField(_("example data"), default=False)

    class Meta:
        verbose_name = _("follow-up report")
        verbose_name_plural = _("follow-up reports")
        ordering = ["plan", "year", "tertial", "as_of", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year", "tertial"],
                condition=models.Q(tertial__isnull=False),
                name="follow_up_unique_tertial",
            ),
            models.CheckConstraint(
                condition=models.Q(tertial__isnull=True) | models.Q(tertial__gte=1, tertial__lte=3),
                name="follow_up_tertial_range",
            ),
        ]

    def __str__(self) -> str:
        if self.tertial:
            return _("%(plan)s, tertial %(n)s %(year)s") % {
                "plan": self.plan.title,
                "n": self.tertial,
                "year": self.year,
            }
        return _("%(plan)s, follow-up %(date)s") % {"plan": self.plan.title, "date": f"{self.as_of:%Y-%m-%d}"}

    @property
    def is_draft(self) -> bool:
        return self.status == ReportStatus.DRAFT


class MeasureProgress(models.Model):
    report = models.ForeignKey(FollowUpReport, on_delete=models.CASCADE, related_name="progress")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="progress")
    status = models.CharField(_("status"), max_length=10, choices=MeasureStatus.choices)
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    comment = GuardedTextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("progress of a measure")
        verbose_name_plural = _("progress of measures")
        ordering = ["report", "measure__order", "measure__pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "measure"], name="progress_unique"),
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="progress_percent_range"),
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.percent} %"


class ProgressOverride(AppendOnly):
    """A manual value that replaces the computed roll-up of a goal or a
    priority area in one report, with the reason; kept and logged."""

    report = models.ForeignKey(FollowUpReport, on_delete=models.CASCADE, related_name="overrides")
    goal = models.ForeignKey(
        "agreements.Goal", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    priority_area = models.ForeignKey(
        "agreements.PriorityArea", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    percent = models.PositiveSmallIntegerField(_("progress (%)"))
    reason = GuardedTextField(_("reason"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("progress override")
        verbose_name_plural = _("progress overrides")
        ordering = ["report", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(goal__isnull=False, priority_area__isnull=True)
                | models.Q(goal__isnull=True, priority_area__isnull=False),
                name="override_goal_or_area",
            ),
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="override_percent_range"),
        ]

    def __str__(self) -> str:
        return f"{self.goal or self.priority_area}: {self.percent} %"


class AnnualReport(models.Model):
    """The preparation group's yearly compilation (årssammanställning) across
    all districts, generated in the background and kept as a snapshot."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Being generated")
        READY = "ready", _("Ready")
        SENT = "sent", _("Sent back to the local organisations")
        FAILED = "failed", _("Failed")

    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="annual_reports"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    next_year_plan = GuardedTextField(_("plan for the coming year"), blank=True)
    content = models.JSONField(_("compilation"), default=dict, blank=True)
    error = GuardedTextField(_("error"), blank=True)
    generated_at = models.DateTimeField(_("generated"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    is_example = models.BooleanField(_("example data"), default=False)

    class Meta:
        verbose_name = _("yearly compilation")
        verbose_name_plural = _("yearly compilations")
        ordering = ["municipality", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="annual_report_unique_year")
        ]

    def __str__(self) -> str:
        return _("Yearly compilation %(year)s") % {"year": self.year}
