"""Action plans, their measures, follow-up and the yearly cycle.

A local action plan (åtgärdsplan) belongs to one priority area of a local
agreement and one year; the city-wide action plan (handlingsplan) belongs to
the overarching agreement. Both are adopted by a recorded decision of a
steering group. Each measure says who does what, where and when, which goal,
prioritised problem and causes it addresses, and which indicators will show
whether it works. Follow-up reports are frozen when submitted; the yearly
compilation is a snapshot of every district's results.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.core.fields import GuardedCharField, GuardedTextField
from samverkan.core.models import AppendOnly
from samverkan.core.personal_data import no_personal_identity_number
from samverkan.governance.models import Frequency, RecordedDecision


class MeasureKind(models.Model):
    """A known form of joint work (trygghetsvandring, platssamverkan, ...),
    configured per municipality."""

    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="measure_kinds"
    )
    code = models.SlugField(_("code"), max_length=60, validators=[no_personal_identity_number])
    name = GuardedCharField(_("name"), max_length=120)
    description = GuardedTextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("form of joint work")
        verbose_name_plural = _("forms of joint work")
        ordering = ["municipality", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "code"], name="measure_kind_unique")]

    def __str__(self) -> str:
        return self.name


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted")


class ActionPlan(models.Model):
    agreement = models.ForeignKey(
        "agreements.Agreement",
        on_delete=models.PROTECT,
        related_name="action_plans",
        verbose_name=_("agreement"),
    )
    priority_area = models.ForeignKey(
        "agreements.PriorityArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_plans",
        verbose_name=_("priority area"),
        help_text=_("Empty for the city-wide action plan, which covers every priority area."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = GuardedCharField(_("title"), max_length=200)
    purpose = GuardedTextField(_("purpose"), blank=True)
    goals = models.ManyToManyField(
        "agreements.Goal", blank=True, related_name="action_plans", verbose_name=_("goals")
    )
    analysis = models.ForeignKey(
        "situations.JointAnalysis",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_plans",
        verbose_name=_("joint situation picture"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_example = models.BooleanField(_("example data"), default=False)

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["agreement", "-year", "priority_area__order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "priority_area", "year"], name="action_plan_unique_area_year"
            ),
            models.UniqueConstraint(
                fields=["agreement", "year"],
                condition=models.Q(priority_area__isnull=True),
                name="action_plan_unique_central_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.year}"

    @property
    def municipality(self):
        return self.agreement.municipality

    @property
    def is_central(self) -> bool:
        return self.agreement.scope == "central"

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT

    def adopted_decision(self) -> "PlanDecision | None":
        return self.decisions.order_by("-decided_on", "-pk").first()


class PlanDecision(RecordedDecision):
    """The steering group's adoption of an action plan, with the plan as it
    was adopted."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="decisions")
    content = models.JSONField(_("adopted plan"))

    class Meta:
        verbose_name = _("decision on an action plan")
        verbose_name_plural = _("decisions on action plans")
        ordering = ["plan", "decided_on", "pk"]


class ExpectedEffect(models.TextChoices):
    SHORT = "short", _("Short term")
    LONG = "long", _("Long term")


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    PAUSED = "paused", _("Paused")
    CANCELLED = "cancelled", _("Cancelled")


def progress_percent(status: str, percent: int) -> int:
    """A completed measure has come all the way, whatever percentage was written."""
    return 100 if status == MeasureStatus.COMPLETED else percent


class Measure(models.Model):
    """Who does what, where and by when, and which causes it addresses."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="measures")
    order = models.PositiveSmallIntegerField(
        _("priority order"), default=0, help_text=_("The plan's internal priority order; 1 comes first.")
    )
    title = GuardedCharField(_("measure"), max_length=200)
    description = GuardedTextField(_("description"), blank=True)
    kind = models.ForeignKey(
        MeasureKind,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("form of joint work"),
    )
    goal = models.ForeignKey(
        "agreements.Goal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("goal"),
    )
    problem = models.ForeignKey(
        "situations.Problem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("prioritised problem"),
    )
    causes = models.ManyToManyField(
        "situations.Cause", blank=True, related_name="measures", verbose_name=_("causes addressed")
    )
    owners = models.ManyToManyField(
        "organisations.Organisation",
        related_name="measures",
        verbose_name=_("responsible"),
        help_text=_("More than one means the measure is run jointly."),
    )
    area = models.ForeignKey(
        "organisations.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
    )
    place = GuardedCharField(_("place"), max_length=200, blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    expected_effect = models.CharField(
        _("expected effect"), max_length=8, choices=ExpectedEffect.choices, default=ExpectedEffect.SHORT
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        help_text=_("How much the measure counts when progress is rolled up to its goal."),
    )
    is_example = models.BooleanField(_("example data"), default=False)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__isnull=True)
                | models.Q(end__isnull=True)
                | models.Q(end__gte=models.F("start")),
                name="measure_dates_order",
                violation_error_message=_("A measure cannot end before it starts."),
            ),
            models.CheckConstraint(condition=models.Q(weight__gte=1), name="measure_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def priority_area(self):
        return self.plan.priority_area or (self.goal.priority_area if self.goal_id else None)


class Direction(models.TextChoices):
    DECREASE = "decrease", _("Should decrease")
    INCREASE = "increase", _("Should increase")


class MeasureIndicator(models.Model):
    """What data will show the measure works: an indicator in an area, with
    the baseline it starts from and the target it aims at."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="indicators")
    indicator = models.ForeignKey("indicators.Indicator", on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(
        "organisations.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    baseline_period = models.CharField(_("baseline period"), max_length=20)
    baseline = models.FloatField(_("baseline"))
    target = models.FloatField(_("target"))
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)

    personal_data_guard_exempt = ("baseline_period",)

    class Meta:
        verbose_name = _("indicator of a measure")
        verbose_name_plural = _("indicators of measures")
        ordering = ["measure", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "indicator", "area"], name="measure_indicator_unique")
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.indicator}"


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
