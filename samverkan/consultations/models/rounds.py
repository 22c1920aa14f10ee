"""A draft sent out for consultation, and who was asked to answer by when."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from samverkan.core.fields import GuardedCharField, GuardedTextField


class ConsultationRound(models.Model):
    version = models.ForeignKey(
        "agreements.AgreementVersion",
        on_delete=models.PROTECT,
        related_name="consultation_rounds",
        verbose_name=_("draft"),
    )
    title = GuardedCharField(_("title"), max_length=300)
    case_number = GuardedCharField(
        _("case number"), max_length=60, help_text=_("Diarienummer, e.g. KS 2023/740.")
    )
    referred_by = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("referred by"),
    )
    sent_on = models.DateField(_("sent out"))
    deadline = models.DateField(_("deadline for responses"))
    instructions = GuardedTextField(_("what the recipients are asked"), blank=True)
    # The draft as it was sent out: the elements the responses refer to, and
    # the baseline for telling which later changes answer them.
    snapshot = models.JSONField(_("draft as sent out"), default=dict, editable=False)
    source = GuardedCharField(_("source"), max_length=300, blank=True)
    is_example = models.BooleanField(_("example data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("consultation round")
        verbose_name_plural = _("consultation rounds")
        ordering = ["-sent_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("sent_on")),
                name="consultation_deadline_after_sending",
                violation_error_message=_("The deadline cannot be before the round is sent out."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.title}"

    @property
    def municipality(self):
        return self.version.agreement.municipality

    @cached_property
    def is_closed(self) -> bool:
        """A round closes when the adoption of its draft is recorded: no
        more responses, extensions or reminders. (A version registered as
        adopted before Samverkan keeps its round open until its adoption is
        recorded, so its history can be entered in order.)"""
        return bool(self.version.adoptions.all())  # read once, or from a prefetch


class RecipientStatus(models.TextChoices):
    NOT_ANSWERED = "not_answered", _("Not answered")
    ANSWERED = "answered", _("Answered")
    LATE = "late", _("Late")
    CLOSED = "closed", _("Did not answer")


class Recipient(models.Model):
    round = models.ForeignKey(ConsultationRound, on_delete=models.CASCADE, related_name="recipients")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("recipient")
    )
    extended_to = models.DateField(_("extension granted until"), null=True, blank=True)
    extension_reason = GuardedCharField(_("reason for the extension"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["round", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "organisation"], name="recipient_once_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.round.case_number})"

    @property
    def deadline(self) -> dt.date:
        return self.extended_to or self.round.deadline

    def clean(self) -> None:
        if self.extended_to and self.round_id and self.extended_to <= self.round.deadline:
            raise ValidationError({"extended_to": _("An extension ends after the round's deadline.")})

    @property
    def submitted_statement(self):
        statement = getattr(self, "statement", None)
        return statement if statement is not None and statement.is_submitted else None

    def status(self, today: dt.date | None = None) -> str:
        today = today or timezone.localdate()
        statement = self.submitted_statement
        if statement is not None:
            return (
                RecipientStatus.LATE if statement.submitted_on > self.deadline else RecipientStatus.ANSWERED
            )
        if self.round.is_closed:
            return RecipientStatus.CLOSED
        return RecipientStatus.LATE if today > self.deadline else RecipientStatus.NOT_ANSWERED

    def status_label(self, today: dt.date | None = None) -> str:
        return str(RecipientStatus(self.status(today)).label)
