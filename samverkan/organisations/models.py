"""Municipalities (tenants), the organisations that collaborate, and the
geographic areas they work in, with the areas' history."""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.core.fields import GuardedCharField, GuardedTextField
from samverkan.core.models import Validity, validity_constraint
from samverkan.core.personal_data import no_personal_identity_number


class Municipality(models.Model):
    code = models.CharField(
        _("municipality code"),
        max_length=4,
        unique=True,
        help_text=_("The four-digit code of Statistics Sweden, e.g. 0180."),
    )
    name = GuardedCharField(_("name"), max_length=100)
    police_region = models.ForeignKey(
        "Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("police region"),
    )
    place_name = GuardedCharField(
        _("place name"),
        max_length=100,
        blank=True,
        help_text=_("How sources such as the police name the municipality, e.g. 'Stockholm'."),
    )
    geometry = models.JSONField(
        _("boundary"),
        null=True,
        blank=True,
        help_text=_(
            "GeoJSON geometry in WGS84 (longitude, latitude), from a file of municipality boundaries."
        ),
    )
    geometry_source = GuardedCharField(_("boundary source"), max_length=300, blank=True)

    personal_data_guard_exempt = ("code",)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^\d{4}$"), name="municipality_code_4_digits"
            )
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationKind(models.TextChoices):
    COUNCIL = "council", _("Municipal council")
    EXECUTIVE_BOARD = "executive_board", _("City executive board")
    COMMITTEE = "committee", _("Committee")
    EXECUTIVE_OFFICE = "executive_office", _("City executive office")
    DISTRICT_ADMINISTRATION = "district_administration", _("District administration")
    SPECIALIST_ADMINISTRATION = "specialist_administration", _("Specialist administration")
    COMPANY = "company", _("City company")
    POLICE_REGION = "police_region", _("Police region")
    POLICE_AREA = "police_area", _("Local police area")


CITY_KINDS = {
    OrganisationKind.COUNCIL,
    OrganisationKind.EXECUTIVE_BOARD,
    OrganisationKind.COMMITTEE,
    OrganisationKind.EXECUTIVE_OFFICE,
    OrganisationKind.DISTRICT_ADMINISTRATION,
    OrganisationKind.SPECIALIST_ADMINISTRATION,
    OrganisationKind.COMPANY,
}
POLICE_KINDS = {OrganisationKind.POLICE_REGION, OrganisationKind.POLICE_AREA}


class Organisation(Validity):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="organisations")
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    name = GuardedCharField(_("name"), max_length=200)
    short_name = GuardedCharField(_("short name"), max_length=40, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    committee = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="administrations",
        limit_choices_to={"kind__in": [OrganisationKind.COMMITTEE, OrganisationKind.EXECUTIVE_BOARD]},
        verbose_name=_("answers to committee"),
    )
    area = models.ForeignKey(
        "Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("area served"),
    )
    is_example = models.BooleanField(_("example data"), default=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name"]
        constraints = [validity_constraint("organisation_validity")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_police(self) -> bool:
        return self.kind in POLICE_KINDS


class AreaKind(models.TextChoices):
    DISTRICT = "district", _("District committee area")
    NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood")


class Subdivision(models.TextChoices):
    """How a municipality chose to be divided into areas when it set itself up
    (configurations.MunicipalitySetup)."""

    NONE = "none", _("None: the whole municipality is one area")
    DISTRICTS = "districts", _("Districts (stadsdelar or kommundelar) of our own")
    DESO = "deso", _("DeSO areas (Statistics Sweden's demographic statistical areas)")
    REGSO = "regso", _("RegSO areas (Statistics Sweden's regional statistical areas)")


class Area(Validity):
    """A geographic area with a validity period. Reorganisations end an area
    and start new ones; AreaSuccession links them, so data and indicators
    stay comparable across the change."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="areas")
    kind = models.CharField(_("kind"), max_length=20, choices=AreaKind.choices)
    name = GuardedCharField(_("name"), max_length=100)
    code = models.SlugField(
        _("code"), max_length=60, allow_unicode=True, validators=[no_personal_identity_number]
    )
    geometry = models.JSONField(
        _("geometry"),
        null=True,
        blank=True,
        help_text=_("GeoJSON geometry in WGS84 (longitude, latitude)."),
    )
    geometry_source = GuardedCharField(_("geometry source"), max_length=300, blank=True)
    is_example = models.BooleanField(_("example data"), default=False)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["kind", "name", "valid_from"]
        constraints = [
            validity_constraint("area_validity"),
            models.UniqueConstraint(fields=["municipality", "code"], name="area_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    def reference_day(self, today: dt.date) -> dt.date:
        """The day to describe the area on: today, or its last day if it has ceased."""
        return self.valid_to if self.valid_to and self.valid_to < today else today


class AreaMembership(Validity):
    """A neighbourhood belongs to a district area for a period."""

    neighbourhood = models.ForeignKey(
        Area,
        on_delete=models.CASCADE,
        related_name="memberships",
        limit_choices_to={"kind": AreaKind.NEIGHBOURHOOD},
    )
    district = models.ForeignKey(
        Area,
        on_delete=models.CASCADE,
        related_name="member_links",
        limit_choices_to={"kind": AreaKind.DISTRICT},
    )

    class Meta:
        verbose_name = _("area membership")
        verbose_name_plural = _("area memberships")
        constraints = [validity_constraint("area_membership_validity")]

    def __str__(self) -> str:
        return f"{self.neighbourhood} → {self.district}"


class SuccessionKind(models.TextChoices):
    MERGER = "merger", _("Merged into")
    SPLIT = "split", _("Split into")
    RENAME = "rename", _("Renamed to")
    BOUNDARY = "boundary", _("Boundary change")


class AreaSuccession(models.Model):
    """On `date` the predecessor (or part of it) became the successor."""

    predecessor = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="successions")
    successor = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="predecessions")
    date = models.DateField(_("from date"))
    kind = models.CharField(_("kind"), max_length=20, choices=SuccessionKind.choices)
    note = GuardedTextField(_("note"), blank=True)
    is_example = models.BooleanField(_("example data"), default=False)

    class Meta:
        verbose_name = _("area succession")
        verbose_name_plural = _("area successions")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="area_succession_unique"),
            models.CheckConstraint(
                condition=~models.Q(predecessor=models.F("successor")), name="area_succession_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.date})"
