"""Action plans, their adoption, and their measures with the indicators that
show whether they work."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.agreements.models import Scope
from samverkan.core.fields import GuardedCharField, GuardedTextField
from samverkan.core.personal_data import no_personal_identity_number
from samverkan.governance.models import RecordedDecision


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
        return self.heading

    @property
    def heading(self) -> str:
        """The title with the year, once: a title that already names the year keeps it."""
        return self.title if str(self.year) in self.title else f"{self.title} {self.year}"

    @property
    def municipality(self):
        return self.agreement.municipality

    @property
    def is_central(self) -> bool:
        return self.agreement.scope == Scope.CENTRAL

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
