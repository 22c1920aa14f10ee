"""EST (Effektiv samordning för trygghet): between the yearly pictures, each
week's observations, police events and other new data of a district are
compiled into a short weekly picture, sent to the agreed recipients and
discussed at a weekly meeting that sets focus areas and hotspots for the
coming week and quick measures with owners. Reporters get feedback on what
became of their observations."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.core.fields import GuardedCharField, GuardedTextField


class EstGroup(models.Model):
    """The people in a district who compile and discuss the weekly picture;
    the recipients are organisations, so staff changes need no edits here."""

    area = models.ForeignKey(
        "organisations.Area",
        on_delete=models.PROTECT,
        related_name="est_groups",
        verbose_name=_("district area"),
    )
    name = GuardedCharField(_("name"), max_length=200)
    recipients = models.ManyToManyField(
        "organisations.Organisation", related_name="est_groups", verbose_name=_("recipients")
    )
    meeting_day = models.PositiveSmallIntegerField(
        _("meeting day"), default=1, help_text=_("1 = Monday … 7 = Sunday.")
    )
    is_example = models.BooleanField(_("example data"), default=False)

    class Meta:
        verbose_name = _("EST group")
        verbose_name_plural = _("EST groups")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(meeting_day__range=(1, 7)), name="meeting_day_range")
        ]

    def __str__(self) -> str:
        return self.name


class WeeklyPicture(models.Model):
    """One week of a district, compiled from the data as it stood; the
    content is a snapshot so later imports never change what was sent."""

    group = models.ForeignKey(EstGroup, on_delete=models.CASCADE, related_name="weekly_pictures")
    week_start = models.DateField(_("week starting"))
    content = models.JSONField(default=dict)
    compiled_at = models.DateTimeField(_("compiled"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_to = models.PositiveIntegerField(_("sent to (people)"), default=0)

    class Meta:
        verbose_name = _("weekly picture")
        verbose_name_plural = _("weekly pictures")
        ordering = ["group", "-week_start"]
        constraints = [models.UniqueConstraint(fields=["group", "week_start"], name="weekly_picture_unique")]

    def __str__(self) -> str:
        year, week, _day = self.week_start.isocalendar()
        return f"{self.group} v. {week} {year}"

    @property
    def week_label(self) -> str:
        year, week, _day = self.week_start.isocalendar()
        return f"{year} v. {week:02d}"


class WeeklyMeeting(models.Model):
    picture = models.OneToOneField(WeeklyPicture, on_delete=models.CASCADE, related_name="meeting")
    held_on = models.DateField(_("held on"))
    focus = GuardedTextField(_("focus areas for the coming week"))
    hotspots = GuardedTextField(_("hotspots for the coming week"), blank=True)
    notes = GuardedTextField(_("other notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("weekly meeting")
        verbose_name_plural = _("weekly meetings")

    def __str__(self) -> str:
        return f"{self.picture} ({self.held_on:%Y-%m-%d})"


class QuickMeasure(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Not done")

    meeting = models.ForeignKey(WeeklyMeeting, on_delete=models.CASCADE, related_name="quick_measures")
    text = GuardedCharField(_("measure"), max_length=300)
    place = GuardedCharField(_("place"), max_length=200, blank=True)
    owner = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, verbose_name=_("owner"))
    due = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PLANNED)

    class Meta:
        verbose_name = _("quick measure")
        verbose_name_plural = _("quick measures")
        ordering = ["meeting", "due", "pk"]

    def __str__(self) -> str:
        return self.text


class ObservationFeedback(models.Model):
    """What became of an observation, told back to the reporter."""

    class Outcome(models.TextChoices):
        NOTED = "noted", _("Noted in the weekly picture")
        ACTED = "acted", _("Led to a measure")
        FORWARDED = "forwarded", _("Forwarded to the responsible owner")
        NO_ACTION = "no_action", _("No action")

    observation = models.OneToOneField(
        "datasources.Observation", on_delete=models.CASCADE, related_name="feedback"
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    text = GuardedTextField(_("feedback"), blank=True)
    meeting = models.ForeignKey(
        WeeklyMeeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    given_at = models.DateTimeField(auto_now=True)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("feedback on an observation")
        verbose_name_plural = _("feedback on observations")

    def __str__(self) -> str:
        return f"{self.observation}: {self.get_outcome_display()}"
