"""Agreements between the city and the police, their versions and contents.

An Agreement is the lasting relation (the overarching agreement of a
municipality, or the local agreement of one district); each signed text is
an AgreementVersion with its own case number and validity. Priority areas
and goals belong to a version; lineage links areas of successive versions.
"""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.core.fields import GuardedCharField, GuardedTextField
from samverkan.core.models import Validity, validity_constraint


class Scope(models.TextChoices):
    CENTRAL = "central", _("Overarching")
    LOCAL = "local", _("Local")


class CouncilGoal(models.Model):
    """A goal of the municipal council that agreements contribute to."""

    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.PROTECT)
    code = GuardedCharField(_("number"), max_length=20)
    title = GuardedCharField(_("title"), max_length=300)

    class Meta:
        verbose_name = _("council goal")
        verbose_name_plural = _("council goals")
        constraints = [models.UniqueConstraint(fields=["municipality", "code"], name="council_goal_unique")]

    def __str__(self) -> str:
        return f"KF {self.code} {self.title}"


class Agreement(models.Model):
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="agreements"
    )
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    title = GuardedCharField(_("title"), max_length=300)
    area = models.ForeignKey(
        "organisations.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("district area"),
        help_text=_("The district area a local agreement covers."),
    )
    revision_interval_years = models.PositiveSmallIntegerField(
        _("revision interval (years)"),
        null=True,
        blank=True,
        help_text=_("The agreement must be revised this often; empty when no interval is set."),
    )
    council_goal = models.ForeignKey(
        CouncilGoal, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("council goal")
    )
    purpose = GuardedTextField(_("purpose"), blank=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["scope", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope="central", area__isnull=True)
                | models.Q(scope="local", area__isnull=False),
                name="agreement_local_has_area",
                violation_error_message=_(
                    "A local agreement covers a district area; an overarching one does not."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.title


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted")


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")


class AgreementVersion(Validity):
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="versions")
    label = GuardedCharField(_("label"), max_length=200)
    case_number = GuardedCharField(
        _("case number"), max_length=60, blank=True, help_text=_("Diarienummer, e.g. KS 2023/740.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.ADOPTED
    )
    decided_on = models.DateField(_("decision date"), null=True, blank=True)
    decided_by = GuardedCharField(_("decided by"), max_length=200, blank=True)
    valid_from_precision = models.CharField(
        _("precision of start date"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_("Month when the sources give only the month (e.g. 'June 2016')."),
    )
    drafted_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revision_drafts",
        verbose_name=_("drafted from"),
        help_text=_("The version in force that a revision draft was drafted from."),
    )
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("replaces"),
    )
    parties = models.ManyToManyField(
        "organisations.Organisation", related_name="agreement_versions", verbose_name=_("parties")
    )
    summary = GuardedTextField(_("summary"), blank=True)
    source = GuardedCharField(_("source"), max_length=300, blank=True)
    is_example = models.BooleanField(_("example data"), default=False)

    class Meta:
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        ordering = ["agreement", "valid_from"]
        constraints = [
            validity_constraint("agreement_version_validity"),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(valid_from__isnull=False),
                name="adopted_version_has_start",
                violation_error_message=_("An adopted version needs a start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} – {self.label}"

    @property
    def scope(self) -> str:
        return self.agreement.scope

    @property
    def effective_end(self) -> dt.date | None:
        """The last day this version applied: its own end, or the day before
        the version that replaced it started, whichever is earlier."""
        ends = [self.valid_to] if self.valid_to else []
        successor = getattr(self, "superseded_by", None)
        if successor is not None and successor.valid_from and successor.status == VersionStatus.ADOPTED:
            ends.append(successor.valid_from - dt.timedelta(days=1))
        return min(ends) if ends else None

    def is_in_force_on(self, day: dt.date) -> bool:
        if self.status != VersionStatus.ADOPTED or self.valid_from is None or day < self.valid_from:
            return False
        end = self.effective_end
        return end is None or day <= end


class Annex(models.Model):
    class Kind(models.TextChoices):
        PRIORITY_AREAS = "priority_areas", _("Priority areas")
        ACTION_PLAN = "action_plan", _("Action plan")
        FOLLOW_UP_PLAN = "follow_up_plan", _("Follow-up plan")
        OTHER = "other", _("Other")

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="annexes")
    number = models.PositiveSmallIntegerField(_("number"))
    title = GuardedCharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = GuardedTextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("annex")
        verbose_name_plural = _("annexes")
        ordering = ["version", "number"]
        constraints = [models.UniqueConstraint(fields=["version", "number"], name="annex_number_unique")]

    def __str__(self) -> str:
        return _("Annex %(number)s: %(title)s") % {"number": self.number, "title": self.title}


class MandatoryCategory(models.Model):
    """A category every local agreement under a framework must take a
    position on (2015: "ungdomar", "brottsoffer", "organiserad brottslighet")."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="mandatory_categories"
    )
    name = GuardedCharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("mandatory category")
        verbose_name_plural = _("mandatory categories")
        ordering = ["version", "name"]

    def __str__(self) -> str:
        return self.name


class PriorityArea(models.Model):
    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="priority_areas")
    name = GuardedCharField(_("name"), max_length=300)
    description = GuardedTextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_local_priority = models.BooleanField(
        _("local priority"),
        default=False,
        help_text=_("Added by the district on top of the overarching agreement's areas."),
    )
    addresses = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="addressed_by",
        verbose_name=_("addresses overarching areas"),
        help_text=_("The overarching agreement's priority areas this local area addresses."),
    )
    categories = models.ManyToManyField(
        MandatoryCategory,
        blank=True,
        related_name="addressed_by",
        verbose_name=_("addresses mandatory categories"),
    )
    retirement_note = GuardedTextField(
        _("what became of it"),
        blank=True,
        help_text=_("For an area without a successor: where the work went instead."),
    )
    is_example = models.BooleanField(_("example data"), default=False)

    class Meta:
        verbose_name = _("priority area")
        verbose_name_plural = _("priority areas")
        ordering = ["version", "order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def category_names(self) -> list[str]:
        """Distinct names: successive frameworks may impose the same category."""
        return sorted({c.name for c in self.categories.all()})


class Goal(models.Model):
    priority_area = models.ForeignKey(PriorityArea, on_delete=models.CASCADE, related_name="goals")
    text = GuardedTextField(_("goal"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    predecessor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("earlier goal"),
        help_text=_("The goal of an earlier version this goal continues."),
    )
    is_example = models.BooleanField(_("example data"), default=False)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["priority_area", "order"]

    def __str__(self) -> str:
        return self.text


class TextSection(models.Model):
    """A section of an agreement's own text (purpose, organisation, follow-up),
    kept with the section of the earlier version it continues."""

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="sections")
    heading = GuardedCharField(_("heading"), max_length=300)
    body = GuardedTextField(_("text"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    predecessor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("earlier section"),
    )
    source = GuardedCharField(_("source"), max_length=300, blank=True)
    is_example = models.BooleanField(_("example data"), default=False)

    class Meta:
        verbose_name = _("text section")
        verbose_name_plural = _("text sections")
        ordering = ["version", "order", "pk"]

    def __str__(self) -> str:
        return self.heading


class LineageKind(models.TextChoices):
    CONTINUED = "continued", _("Continued")
    RENAMED = "renamed", _("Renamed")
    MERGED = "merged", _("Merged into")
    SPLIT = "split", _("Split; part went to")


class PriorityAreaLineage(models.Model):
    """Which area of an earlier version became which area of a later one."""

    from_area = models.ForeignKey(PriorityArea, on_delete=models.CASCADE, related_name="lineage_out")
    to_area = models.ForeignKey(PriorityArea, on_delete=models.CASCADE, related_name="lineage_in")
    kind = models.CharField(_("kind"), max_length=12, choices=LineageKind.choices)
    note = GuardedTextField(_("note"), blank=True)
    is_example = models.BooleanField(_("example data"), default=False)

    class Meta:
        verbose_name = _("priority area lineage")
        verbose_name_plural = _("priority area lineage")
        constraints = [
            models.UniqueConstraint(fields=["from_area", "to_area"], name="lineage_unique"),
            models.CheckConstraint(
                condition=~models.Q(from_area=models.F("to_area")), name="lineage_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_area} → {self.to_area}"

    @property
    def incoming_label(self) -> str:
        """The link as read from the later area."""
        return str(
            {
                LineageKind.CONTINUED: _("Continues"),
                LineageKind.RENAMED: _("Earlier name"),
                LineageKind.MERGED: _("Took over"),
                LineageKind.SPLIT: _("Took over part of"),
            }[LineageKind(self.kind)]
        )
