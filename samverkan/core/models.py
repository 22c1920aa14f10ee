from collections.abc import Iterable
from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.core.fields import GuardedTextField

_M = TypeVar("_M", bound=models.Model)
_C = TypeVar("_C", bound="Correctable")


class ValidityQuerySet(models.QuerySet[_M]):
    def valid_on(self, day: date) -> "ValidityQuerySet[_M]":
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day),
        )

    def overlapping(self, start: date, end: date | None) -> "ValidityQuerySet[_M]":
        """Valid at some day in [start, end]; end None means open-ended."""
        q = models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=start)
        if end is not None:
            q &= models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=end)
        return self.filter(q)


class Validity(models.Model):
    """A validity period with inclusive ends. An empty end means "tills vidare"."""

    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        abstract = True

    def is_valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


def validity_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(valid_from__isnull=True)
        | models.Q(valid_to__isnull=True)
        | models.Q(valid_to__gte=models.F("valid_from")),
        name=name,
        violation_error_message=_("A validity cannot end before it starts."),
    )


class AppendOnly(models.Model):
    """A recorded decision or approval is never changed; record a new one."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError(f"A recorded {self._meta.verbose_name} is never changed; record a new one.")
        super().save(*args, **kwargs)


class Correctable(AppendOnly):
    """An append-only record that can be corrected only by recording a new one
    that names it and says why; the corrected record stays as it was."""

    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
        verbose_name=_("corrects"),
    )
    correction_reason = GuardedTextField(_("reason for the correction"), blank=True)

    class Meta:
        abstract = True

    @property
    def is_current(self) -> bool:
        return not hasattr(self, "corrected_by")

    corrects_id: int | None

    def clean(self) -> None:
        super().clean()
        if self.corrects_id and not self.correction_reason.strip():
            raise ValidationError({"correction_reason": _("Say why the record is corrected.")})
        # (Assigning `corrects` already marks the in-memory record corrected: ask the database.)
        records: Any = type(self)._default_manager  # of the concrete model; the base is abstract
        if self.corrects_id and records.filter(corrects_id=self.corrects_id).exclude(pk=self.pk).exists():
            raise ValidationError(_("That record has already been corrected; correct the latest one."))

    @staticmethod
    def current(records: Iterable[_C]) -> _C | None:
        """The one record of a correction chain that no later record corrects."""
        return next((r for r in records if r.is_current), None)

    def history(self) -> "list[Correctable]":
        """This record and every record it corrects, latest first."""
        chain: list[Correctable] = [self]
        while chain[-1].corrects is not None:
            chain.append(chain[-1].corrects)
        return chain
