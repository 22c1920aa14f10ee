from django.db import models
from django.utils.translation import gettext_lazy as _


class ValidityQuerySet(models.QuerySet):
    def valid_on(self, day):
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day),
        )

    def overlapping(self, start, end):
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

    def is_valid_on(self, day) -> bool:
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

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError(f"A recorded {self._meta.verbose_name} is never changed; record a new one.")
        super().save(*args, **kwargs)
