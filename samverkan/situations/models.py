"""Situation pictures: each party's own picture, the joint analysis they
are merged into, the prioritisation of its problems and their causes.

A picture covers one local agreement and one period. The district
administration and the local police area each draft a PartyPicture that
only their own organisation can read until it is submitted; submitting
freezes it. When both have submitted, a JointAnalysis holds the problems of
both with their provenance (which party saw what). The joint analysis is a
living document: each saved JointVersion keeps a snapshot of it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.core import readers
from samverkan.core.fields import GuardedCharField, GuardedTextField
from samverkan.governance.models import RecordedDecision


class SituationPicture(models.Model):
    agreement = models.ForeignKey(
        "agreements.Agreement",
        on_delete=models.PROTECT,
        related_name="situation_pictures",
        verbose_name=_("local agreement"),
    )
    title = GuardedCharField(_("title"), max_length=200)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    created_at = models.DateTimeField(auto_now_add=True)
    is_example = models.BooleanField(_("example data"), default=False)

    class Meta:
        verbose_name = _("situation picture")
        verbose_name_plural = _("situation pictures")
        ordering = ["agreement", "-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "period_start"], name="picture_unique_period"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="picture_period_order",
                violation_error_message=_("The period cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def municipality(self):
        return self.agreement.municipality

    def latest_party_pictures(self) -> list["PartyPicture"]:
        """The newest version of each party's picture."""
        latest: dict[int, PartyPicture] = {}
        for party_picture in self.party_pictures.select_related("organisation").order_by("number"):
            latest[party_picture.organisation_id] = party_picture
        return sorted(latest.values(), key=lambda p: (p.is_police, p.organisation.name))


class PictureStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class PartyPicture(models.Model):
    """One party's own picture. A submitted one is frozen; a change needs a
    new version (`number` + 1, `supersedes` the old one)."""

    picture = models.ForeignKey(SituationPicture, on_delete=models.CASCADE, related_name="party_pictures")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, verbose_name=_("party")
    )
    number = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=PictureStatus.choices, default=PictureStatus.DRAFT
    )
    summary = GuardedTextField(_("summary"), blank=True)
    sources_used = GuardedTextField(
        _("sources used"), blank=True, help_text=_("The data and perspectives this picture is built on.")
    )
    sources_left_out = GuardedTextField(
        _("sources left out"),
        blank=True,
        help_text=_("Sources that were not used, and why: the reader must know what the picture cannot see."),
    )
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_example = models.BooleanField(_("example data"), default=False)

    class Meta:
        verbose_name = _("party's situation picture")
        verbose_name_plural = _("parties' situation pictures")
        ordering = ["picture", "organisation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["picture", "organisation", "number"], name="party_picture_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(submitted_at__isnull=False),
                name="submitted_picture_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.picture} (v{self.number})"

    @property
    def is_police(self) -> bool:
        return self.organisation.is_police

    @property
    def municipality(self):
        return self.picture.municipality

    @property
    def is_draft(self) -> bool:
        return self.status == PictureStatus.DRAFT

    def confidential_readers(self) -> str:
        """A draft is its own organisation's until submitted (samverkan.core.readers)."""
        return readers.organisation(self.organisation_id) if self.is_draft else readers.EVERYONE


class JointAnalysis(models.Model):
    picture = models.OneToOneField(SituationPicture, on_delete=models.CASCADE, related_name="joint")
    city_picture = models.ForeignKey(PartyPicture, on_delete=models.PROTECT, related_name="+")
    police_picture = models.ForeignKey(PartyPicture, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    summary = GuardedTextField(_("joint summary"), blank=True)

    class Meta:
        verbose_name = _("joint analysis")
        verbose_name_plural = _("joint analyses")

    def __str__(self) -> str:
        return str(self.picture)

    @property
    def adopted_decision(self) -> "PrioritisationDecision | None":
        """The latest recorded decision: a later decision replaces an earlier one, whatever
        date each carries (one recorded to correct another stands)."""
        return self.decisions.order_by("-recorded_at", "-pk").first()


class Problem(models.Model):
    """A problem described as a place, a time and a situation; never as a
    person. It belongs either to a party's picture or to the joint analysis,
    where `derived_from` keeps which party problems it came from."""

    party_picture = models.ForeignKey(
        PartyPicture, on_delete=models.CASCADE, null=True, blank=True, related_name="problems"
    )
    analysis = models.ForeignKey(
        JointAnalysis, on_delete=models.CASCADE, null=True, blank=True, related_name="problems"
    )
    title = GuardedCharField(_("problem"), max_length=200)
    place = GuardedCharField(_("where"), max_length=200, blank=True, help_text=_("A place or an area."))
    area = models.ForeignKey(
        "organisations.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
    )
    times = GuardedCharField(
        _("when"), max_length=200, blank=True, help_text=_("Times of day, weekdays or seasons.")
    )
    situation = GuardedTextField(
        _("situation"),
        blank=True,
        help_text=_(
            "What happens at the place and time. Describe places, groups and situations, never individuals."
        ),
    )
    priority_areas = models.ManyToManyField(
        "agreements.PriorityArea", blank=True, related_name="problems", verbose_name=_("priority areas")
    )
    categories = models.ManyToManyField(
        "agreements.MandatoryCategory",
        blank=True,
        related_name="problems",
        verbose_name=_("mandatory categories"),
    )
    derived_from = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="carried_into", verbose_name=_("seen in")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    rank = models.PositiveSmallIntegerField(_("priority"), null=True, blank=True)
    is_example = models.BooleanField(_("example data"), default=False)

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(party_picture__isnull=False, analysis__isnull=True)
                | models.Q(party_picture__isnull=True, analysis__isnull=False),
                name="problem_in_one_picture",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def municipality(self):
        return self.picture.municipality

    def confidential_readers(self) -> str:
        """A problem of a party's draft is that party's (samverkan.core.readers)."""
        if self.party_picture_id is None:
            return readers.EVERYONE
        party_picture = PartyPicture.objects.filter(pk=self.party_picture_id).first()
        return party_picture.confidential_readers() if party_picture else readers.UNKNOWN

    @property
    def picture(self) -> "SituationPicture":
        """The situation picture the problem belongs to, through its party's picture or the joint analysis."""
        owner = self.party_picture or self.analysis
        if owner is None:  # the database's problem_in_one_picture forbids it
            raise ValueError(f"Problem {self.pk} belongs to no picture.")
        return owner.picture


class EvidenceSource(models.TextChoices):
    """The four kinds of source the local problem picture rests on (seed 002)."""

    STATISTICS = "statistics", _("Statistics")
    SURVEY = "survey", _("Safety survey")
    CITIZENS = "citizens", _("Citizens' perspective")
    STAFF = "staff", _("Staff perspective")


class Evidence(models.Model):
    """What shows a problem. Figures are copied in when attached, so a
    submitted picture keeps saying what its authors saw."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="evidence")
    source_kind = models.CharField(_("kind of source"), max_length=12, choices=EvidenceSource.choices)
    text = GuardedTextField(_("what it shows"))
    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    indicator_area = models.ForeignKey(
        "organisations.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    selection = models.JSONField(_("map selection"), null=True, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["problem", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def figures_note(self) -> str:
        return figures_note(self.figures or {})

    @property
    def municipality(self):
        return self.problem.picture.municipality

    def confidential_readers(self) -> str:
        """Evidence of a party's draft problem is that party's (samverkan.core.readers)."""
        problem = Problem.objects.filter(pk=self.problem_id).first()
        return problem.confidential_readers() if problem else readers.UNKNOWN


def figures_note(figures: dict) -> str:
    """Whose figures they are, where they are not the problem's own place's."""
    if not figures.get("instead_of"):
        return ""
    return _("The figures are %(area)s's: the source has none for %(place)s.") % {
        "area": figures["area"],
        "place": figures["instead_of"],
    }


class Criterion(models.TextChoices):
    """Brå's criteria for prioritising problems."""

    FREQUENCY = "frequency", _("Frequency")
    TREND = "trend", _("Trend")
    DEVIATION = "deviation", _("Deviation from the municipality")
    HARM = "harm", _("Harm")
    SIGNAL = "signal", _("Signal crimes")
    AFFECTED = "affected", _("Number affected")
    INFLUENCE = "influence", _("Ability to influence")
    RESOURCES = "resources", _("Resources available")


class PriorityScore(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="scores")
    criterion = models.CharField(_("criterion"), max_length=12, choices=Criterion.choices)
    score = models.PositiveSmallIntegerField(_("score"), help_text=_("0 = not at all, 3 = to a high degree."))

    class Meta:
        verbose_name = _("priority score")
        verbose_name_plural = _("priority scores")
        constraints = [
            models.UniqueConstraint(fields=["problem", "criterion"], name="score_unique"),
            models.CheckConstraint(condition=models.Q(score__lte=3), name="score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.problem}: {self.criterion} = {self.score}"


class PrioritisationDecision(RecordedDecision):
    """The steering group's adoption of the ranked problems: recorded once,
    never edited; a later decision replaces it."""

    analysis = models.ForeignKey(JointAnalysis, on_delete=models.PROTECT, related_name="decisions")
    ranking = models.JSONField(_("ranked problems"))

    class Meta:
        verbose_name = _("prioritisation decision")
        verbose_name_plural = _("prioritisation decisions")
        ordering = ["analysis", "decided_on", "pk"]


class Branch(models.TextChoices):
    """The three branches of the fishbone (the crime triangle)."""

    VICTIM = "victim", _("Victim or target")
    OFFENDER = "offender", _("Offender")
    PLACE = "place", _("Place or situation")


class Confidence(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Cause(models.Model):
    """A cause of a prioritised problem. Top-level causes sit on a branch of
    the fishbone; a cause under another cause builds the cause tree."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="causes")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("under"),
    )
    branch = models.CharField(_("branch"), max_length=10, choices=Branch.choices)
    text = GuardedCharField(_("cause"), max_length=300)
    evidence = GuardedTextField(_("evidence"), blank=True)
    confidence = models.CharField(
        _("confidence"), max_length=8, choices=Confidence.choices, default=Confidence.MEDIUM
    )
    is_example = models.BooleanField(_("example data"), default=False)

    class Meta:
        verbose_name = _("cause")
        verbose_name_plural = _("causes")
        ordering = ["problem", "branch", "pk"]

    def __str__(self) -> str:
        return self.text


class JointVersion(models.Model):
    """A saved state of the joint analysis. The content is a snapshot, so
    later data or edits never change what an earlier version said."""

    analysis = models.ForeignKey(JointAnalysis, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    note = GuardedTextField(_("what changed"), blank=True)
    content = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("version of the joint analysis")
        verbose_name_plural = _("versions of the joint analysis")
        ordering = ["analysis", "number"]
        constraints = [models.UniqueConstraint(fields=["analysis", "number"], name="joint_version_unique")]

    def __str__(self) -> str:
        return f"{self.analysis} v{self.number}"
