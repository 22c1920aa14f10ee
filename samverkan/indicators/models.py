"""Indicators: defined once, computed per area and period, stored as
pre-computed series (narrow tables refreshed incrementally)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.core.fields import GuardedCharField, GuardedTextField
from samverkan.core.personal_data import no_personal_identity_number
from samverkan.datasources import formats
from samverkan.indicators.readings import change_reading


class IndicatorSource(models.TextChoices):
    """The sources the shipped code names (the demo's history, the population BRÅ's
    rates imply). Which sources an indicator may have is the formats' table
    (`formats.indicator_sources`): a format that feeds indicators declares it beside
    its parser, and needs no entry here."""

    BRA = "bra", _("BRÅ: reported crimes")
    POLICE_EVENTS = "police_events", _("Police events")
    SURVEY = "survey", _("Safety survey: share of respondents")
    OBSERVATIONS = "observations", _("Field observations (EST)")


class Denominator(models.TextChoices):
    NONE = "none", _("Count")
    POPULATION = "population", _("Per 1,000 inhabitants")


class Indicator(models.Model):
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="indicators"
    )
    code = models.SlugField(_("code"), max_length=60, validators=[no_personal_identity_number])
    name = GuardedCharField(_("name"), max_length=200)
    description = GuardedTextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=20, choices=formats.indicator_sources)
    source_filter = models.JSONField(
        _("filter"),
        default=dict,
        blank=True,
        help_text=_(
            'BRÅ: {"crime": "3-7 kap. Brott mot person"}; police events: {"event_types": ["Stöld"]}.'
        ),
    )
    denominator = models.CharField(
        _("denominator"), max_length=12, choices=Denominator.choices, default=Denominator.NONE
    )
    priority_areas = models.ManyToManyField(
        "agreements.PriorityArea", blank=True, related_name="indicators", verbose_name=_("priority areas")
    )
    suppress_below = models.PositiveSmallIntegerField(
        _("suppress counts below"),
        default=settings.SAMVERKAN_SUPPRESS_BELOW,
        help_text=_(
            "Counts from 1 up to (not including) this number are not shown, as BRÅ does for small numbers."
        ),
    )
    is_example = models.BooleanField(_("example data"), default=False)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "code"], name="indicator_code_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_share(self) -> bool:
        """A share of respondents (per cent), not a count or rate."""
        return formats.get(self.source).shares is not None


class Population(models.Model):
    area = models.ForeignKey(
        "organisations.Area", on_delete=models.CASCADE, null=True, blank=True, related_name="populations"
    )
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.CASCADE, related_name="populations"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    count = models.PositiveIntegerField(_("inhabitants"))
    source = GuardedCharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("population")
        verbose_name_plural = _("populations")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "area", "year"], name="population_unique"),
            models.UniqueConstraint(
                fields=["municipality", "year"],
                condition=models.Q(area__isnull=True),
                name="population_municipality_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area or self.municipality} {self.year}: {self.count}"


class PeriodKind(models.TextChoices):
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    TERTIAL = "tertial", _("Tertial")
    YEAR = "year", _("Year")


class IndicatorValue(models.Model):
    """One value of an indicator for an area (empty: the whole municipality)
    and period, with its 95 % interval and the test against the period before."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    area = models.ForeignKey(
        "organisations.Area", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    label = models.CharField(_("period label"), max_length=20)
    count = models.PositiveIntegerField(_("count"), null=True, blank=True)
    suppressed = models.BooleanField(_("suppressed"), default=False)
    incomplete = models.BooleanField(
        _("incomplete"),
        default=False,
        help_text=_("Part of the period is missing or suppressed at the source."),
    )
    preliminary = models.BooleanField(
        _("preliminary"), default=False, help_text=_("The source marks some of it as preliminary.")
    )
    parts = models.JSONField(
        _("made up of"),
        default=list,
        blank=True,
        help_text=_(
            "The source areas summed into the value, with their counts, where it is not the area's own."
        ),
    )
    population = models.PositiveIntegerField(_("inhabitants"), null=True, blank=True)
    respondents = models.PositiveIntegerField(_("respondents"), null=True, blank=True)
    value = models.FloatField(_("value"), null=True, blank=True)
    low = models.FloatField(_("lower bound"), null=True, blank=True)
    high = models.FloatField(_("upper bound"), null=True, blank=True)
    change_p = models.FloatField(_("p-value of the change"), null=True, blank=True)
    significant_change = models.BooleanField(_("significant change"), default=False)
    change_rose = models.BooleanField(
        _("rose against the year before"), null=True, blank=True, help_text=_("Empty: not compared.")
    )
    computed_at = models.DateTimeField(auto_now=True)

    personal_data_guard_exempt = ("label",)

    # Recomputed from imported rows: one audit event per refresh names the indicator,
    # the years and the counts written and removed (compute.indicator_refresh), not a
    # delete per old value.
    audit_derived = True

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "area", "period_kind", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "period_kind", "period_start"], name="indicator_value_unique"
            ),
            models.UniqueConstraint(
                fields=["indicator", "period_kind", "period_start"],
                condition=models.Q(area__isnull=True),
                name="indicator_value_municipality_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.label}"

    @property
    def shown_label(self) -> str:
        """The period as the source writes it: "2023 prel." while the figures are preliminary."""
        return preliminary_label(self.label, self.preliminary)

    @property
    def change_reading(self) -> str:
        return change_reading(
            p=self.change_p,
            significant=self.significant_change,
            rose=self.change_rose,
            counts=self.indicator.denominator == Denominator.NONE and not self.indicator.is_share,
        )

    @property
    def made_up_of(self) -> str:
        """Where a district's value came from: "Rinkeby-Kista 1278 + Spånga-Tensta 798", or
        "Rinkeby-Kista .. + Spånga-Tensta .." where the disclosure rule hides the parts."""
        return " + ".join(
            f"{part['area']} {'..' if part['count'] is None else part['count']}"
            + (f" / {part['respondents']}" if part.get("respondents") is not None else "")
            for part in self.parts
        )


def preliminary_label(label: str, preliminary: bool) -> str:
    return f"{label} {_('prel.')}" if preliminary else label
