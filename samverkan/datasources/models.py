"""Imported data: every file kept as it came, every row traceable to it."""

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.core import readers
from samverkan.core.fields import GuardedCharField, GuardedTextField, storable_file_name
from samverkan.core.personal_data import no_personal_identity_number
from samverkan.datasources.formats import kind_choices
from samverkan.organisations.models import CITY_KINDS, POLICE_KINDS


def original_path(batch: "ImportBatch", filename: str) -> str:
    return f"imports/{batch.kind}/{batch.sha256[:2]}/{batch.sha256}/{storable_file_name(filename)}"


class ImportBatchQuerySet(models.QuerySet["ImportBatch"]):
    def visible_to(self, user: Any) -> "ImportBatchQuerySet":
        """Batches follow their rows' confidentiality: everyone sees their own
        organisation's, and those of others only when every row is one they may
        see. Roles change nothing here, administrators included: a batch, its
        report and its kept original hold its rows."""
        organisation_id = getattr(user, "organisation_id", None)
        if organisation_id is None:
            return self.filter(restricted=False)
        return self.filter(models.Q(organisation_id=organisation_id) | models.Q(restricted=False))


class ImportBatch(models.Model):
    """One file offered for import: kept with its checksum whatever happens."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be checked")
        CHECKING = "checking", _("Being checked")
        IMPORTING = "importing", _("Being imported")
        PREVIEWED = "previewed", _("Checked, not imported")
        REJECTED = "rejected", _("Rejected")
        DUPLICATE = "duplicate", _("Already imported")
        IMPORTED = "imported", _("Imported")

    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="imports"
    )
    kind = models.CharField(_("source"), max_length=20, choices=kind_choices)
    filename = GuardedCharField(_("file name"), max_length=255)
    original = models.FileField(_("original file"), upload_to=original_path, max_length=400)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    read_as = models.CharField(_("read as"), max_length=60, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PREVIEWED)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploader's organisation"),
        help_text=_(
            "The batch, its report and its file are for this organisation only while it holds restricted rows."
        ),
    )
    restricted = models.BooleanField(
        _("holds restricted rows"),
        default=True,
        help_text=_(
            "Rows that not every party may see (or not yet checked): then only the uploader's "
            "organisation sees the batch, administrators included."
        ),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)
    report = models.JSONField(_("report"), default=dict)
    options = models.JSONField(
        _("options"),
        default=dict,
        blank=True,
        help_text=_("How to read the file, e.g. which field names an area."),
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    is_example = models.BooleanField(
        _("example data"),
        default=False,
        help_text=_(
            "Generated example data of the demo, not from a real source: marked Example wherever shown."
        ),
    )

    objects = ImportBatchQuerySet.as_manager()

    # The worker's progress while it checks and imports (committed at once so the page
    # can show it); the outcome is saved, and recorded, when the import ends.
    audit_quiet_fields = ("status", "progress", "report")
    personal_data_guard_exempt = ("sha256", "read_as")

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "kind", "sha256"],
                condition=models.Q(status="imported"),
                name="a_file_is_imported_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.filename}"

    @property
    def in_progress(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.CHECKING, self.Status.IMPORTING}

    def confidential_readers(self) -> str:
        """A batch with restricted rows is its uploader's organisation's (samverkan.core.readers)."""
        return readers.organisation(self.organisation_id) if self.restricted else readers.EVERYONE

    @staticmethod
    def checksum(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()


class RegionAlias(models.Model):
    """How a source names a region, and which configured area it is. An
    alias with no area and `is_municipality` off is outside the configured
    areas (e.g. a neighbouring municipality) and kept as such.

    An automatic alias records how the name was matched and follows the
    matching when it improves; one a person set (automatic off) is kept."""

    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.CASCADE, related_name="region_aliases"
    )
    name = GuardedCharField(_("name in the source"), max_length=200)
    area = models.ForeignKey(
        "organisations.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="aliases"
    )
    is_municipality = models.BooleanField(_("the whole municipality"), default=False)
    automatic = models.BooleanField(
        _("matched automatically"),
        default=True,
        help_text=_("Off when a person chose the area; such a choice is kept when matching improves."),
    )

    class Meta:
        verbose_name = _("region name")
        verbose_name_plural = _("region names")
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="region_alias_unique")]

    def __str__(self) -> str:
        return self.name


class BraPeriod(models.TextChoices):
    """The periods BRÅ publishes counts for."""

    YEAR = "year", _("Year")
    HALF = "half", _("Half-year")
    QUARTER = "quarter", _("Quarter")
    MONTH = "month", _("Month")


def bra_period_days(year: int, kind: str, period: int) -> tuple[dt.date, dt.date]:
    """The first and the last day of a BRÅ period: a year (0), half-year, quarter or month."""
    months = {
        BraPeriod.YEAR: (1, 12),
        BraPeriod.HALF: (6 * period - 5, 6 * period),
        BraPeriod.QUARTER: (3 * period - 2, 3 * period),
        BraPeriod.MONTH: (period, period),
    }
    first, last = months[BraPeriod(kind)]
    end = dt.date(year + last // 12, last % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date(year, first, 1), end


def outside_validity(area: Any, first: dt.date, last: dt.date) -> bool:
    """A period wholly before an area began or after it ceased."""
    return bool(
        area is not None
        and ((area.valid_from and last < area.valid_from) or (area.valid_to and first > area.valid_to))
    )


class ReportedCrimeCount(models.Model):
    """One BRÅ value: reported crimes of a category in a region and period."""

    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.PROTECT, related_name="+")
    region = GuardedCharField(_("region in the source"), max_length=200)
    area = models.ForeignKey(
        "organisations.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_municipality = models.BooleanField(_("the whole municipality"), default=False)
    crime = GuardedCharField(_("crime category"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    period_kind = models.CharField(_("period"), max_length=8, choices=BraPeriod.choices)
    period = models.PositiveSmallIntegerField(
        _("period number"), help_text=_("Month 1–12, quarter 1–4, half 1–2; 0 for a year.")
    )
    count = models.PositiveIntegerField(
        _("count"),
        null=True,
        blank=True,
        help_text=_("Empty when suppressed, or when the source gives a rate only."),
    )
    suppressed = models.BooleanField(_("suppressed (..)"), default=False)
    rate_per_100k = models.FloatField(_("per 100,000 inhabitants"), null=True, blank=True)
    preliminary = models.BooleanField(_("preliminary"), default=False)
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="crime_counts")
    line = models.PositiveIntegerField(_("line in the file"))

    class Meta:
        verbose_name = _("reported crime count")
        verbose_name_plural = _("reported crime counts")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "region", "crime", "year", "period_kind", "period"],
                name="crime_count_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(suppressed=True, count__isnull=True)
                | models.Q(suppressed=False, count__isnull=False)
                | models.Q(suppressed=False, rate_per_100k__isnull=False),
                name="suppressed_has_no_value",
            ),
        ]
        indexes = [models.Index(fields=["area", "crime", "year"])]

    def __str__(self) -> str:
        return f"{self.region} {self.crime} {self.year}/{self.period}"

    def days(self) -> tuple[dt.date, dt.date]:
        """The first and the last day of the period the value counts."""
        return bra_period_days(self.year, self.period_kind, self.period)


class LocationPrecision(models.TextChoices):
    MUNICIPALITY = "municipality", _("Centre of the municipality")
    NAMED = "named", _("Municipality named in the title; position of the county")
    COUNTY = "county", _("Centre of the county")
    UNKNOWN = "unknown", _("Unknown")


class PoliceEvent(models.Model):
    """An event published by the Swedish Police. Its position is the centre
    of the municipality or county it names, never the place of the incident."""

    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.PROTECT, related_name="+")
    event_id = models.BigIntegerField(_("event id"))
    occurred_at = models.DateTimeField(
        _("time"), help_text=_("When it happened: the time in the title, else when it was published.")
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    name = GuardedCharField(_("title"), max_length=300)
    summary = GuardedTextField(_("summary"), blank=True)
    url = models.URLField(_("link"), max_length=500, validators=[no_personal_identity_number])
    event_type = GuardedCharField(_("type"), max_length=120)
    location_name = GuardedCharField(_("location"), max_length=120)
    longitude = models.FloatField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    precision = models.CharField(_("location precision"), max_length=12, choices=LocationPrecision.choices)
    named_area = models.ForeignKey(
        "organisations.Area",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area named in the text"),
        help_text=_("A configured area whose name is the only one mentioned in the title or summary."),
    )
    in_municipality = models.BooleanField(_("in this municipality"), default=False)
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="police_events"
    )

    class Meta:
        verbose_name = _("police event")
        verbose_name_plural = _("police events")
        ordering = ["-occurred_at"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "event_id"], name="police_event_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ObservationCategory(models.Model):
    """One line of the municipality's EST checklist."""

    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.CASCADE, related_name="observation_categories"
    )
    name = GuardedCharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("observation category")
        verbose_name_plural = _("observation categories")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="observation_category_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Classification(models.TextChoices):
    """How far an observation may travel. Joint products (the EST weekly
    picture, indicators, counts in a drawn area) use open observations only;
    the others are shown only to those they are meant for, and each such
    reading is written to the audit log."""

    OPEN = "open", _("Open: everyone in the collaboration")
    INTERNAL = "internal", _("Internal: only my own party (the city or the police)")
    SECRET = "secret", _("Confidential: only my own organisation")


class ObservationQuerySet(models.QuerySet["Observation"]):
    def shared(self) -> "ObservationQuerySet":
        """What joint products and figures may use."""
        return self.filter(classification=Classification.OPEN)

    def visible_to(self, user: Any) -> "ObservationQuerySet":
        """Open observations, and restricted ones to those they are meant for:
        internal ones to the reporting party's side, confidential ones to the
        reporting organisation. Roles change nothing here, administrators included."""
        open_ = models.Q(classification=Classification.OPEN)
        organisation = getattr(user, "organisation", None)
        if organisation is None:
            return self.filter(open_)
        side = POLICE_KINDS if organisation.is_police else CITY_KINDS
        return self.filter(
            open_
            | models.Q(classification=Classification.INTERNAL, organisation__kind__in=side)
            | models.Q(classification=Classification.SECRET, organisation=organisation)
        )


class Observation(models.Model):
    """A field observation in the EST way: a place, a time, a category from
    the checklist and a short description. About places and situations,
    never about individuals."""

    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.PROTECT, related_name="+")
    observed_at = models.DateTimeField(_("time"))
    category = models.ForeignKey(ObservationCategory, on_delete=models.PROTECT, verbose_name=_("category"))
    description = GuardedTextField(_("short description"), max_length=500, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    address = GuardedCharField(_("address or place"), max_length=200, blank=True)
    area = models.ForeignKey(
        "organisations.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district area"),
    )
    neighbourhood = models.ForeignKey(
        "organisations.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("neighbourhood"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, verbose_name=_("reporter's organisation")
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="observations"
    )
    classification = models.CharField(
        _("who may see it"), max_length=10, choices=Classification.choices, default=Classification.OPEN
    )
    fingerprint = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ObservationQuerySet.as_manager()

    personal_data_guard_exempt = ("fingerprint",)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["-observed_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=False, latitude__isnull=False) | ~models.Q(address=""),
                name="observation_has_a_place",
                violation_error_message=_("Mark the place on the map or write an address or place name."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.observed_at:%Y-%m-%d %H:%M}"

    @property
    def is_restricted(self) -> bool:
        return self.classification != Classification.OPEN

    def confidential_readers(self) -> str:
        """As `ObservationQuerySet.visible_to` says (samverkan.core.readers)."""
        if self.classification == Classification.SECRET:
            return readers.organisation(self.organisation_id)
        if self.classification == Classification.INTERNAL:
            return readers.side(self.organisation.kind in POLICE_KINDS)
        return readers.EVERYONE

    @staticmethod
    def make_fingerprint(**fields) -> str:
        text = "|".join(str(fields.get(k, "")) for k in sorted(fields))
        return hashlib.sha256(text.encode()).hexdigest()


class SurveyResult(models.Model):
    """One answer share of a safety survey (trygghetsmätning) for an area and year."""

    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.PROTECT, related_name="+")
    region = GuardedCharField(_("area in the source"), max_length=200)
    area = models.ForeignKey(
        "organisations.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_municipality = models.BooleanField(_("the whole municipality"), default=False)
    year = models.PositiveSmallIntegerField(_("year"))
    question = GuardedCharField(_("question"), max_length=300)
    count = models.PositiveIntegerField(_("answers in the category"))
    respondents = models.PositiveIntegerField(_("respondents"))
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="survey_results")
    line = models.PositiveIntegerField(_("line in the file"))

    class Meta:
        verbose_name = _("survey result")
        verbose_name_plural = _("survey results")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "region", "year", "question"], name="survey_result_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(count__lte=models.F("respondents")), name="survey_count_within_respondents"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}: {self.question}"


class FetchLog(models.Model):
    """Every call to an external API, so that rate limits hold across restarts."""

    url = models.URLField(max_length=500, validators=[no_personal_identity_number])
    called_at = models.DateTimeField(db_index=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    batch = models.ForeignKey(ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    note = GuardedCharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("API call")
        verbose_name_plural = _("API calls")
        ordering = ["-called_at"]

    def __str__(self) -> str:
        return f"{self.called_at:%Y-%m-%d %H:%M:%S} {self.url} {self.status}"
