"""The append-only audit log: who changed what, when, before and after."""

import contextlib
import datetime as dt
import json

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from samverkan.core import readers


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The audit log is append-only")

    def delete(self):
        raise AppendOnlyError("The audit log is append-only")


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        READ = "read", _("Read (restricted)")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        verbose_name=_("who"),
    )
    actor_label = models.CharField(_("who"), max_length=150)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    model = models.CharField(_("what"), max_length=100, db_index=True)
    object_pk = models.CharField(_("object"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=300)
    changes = models.JSONField(_("changes"), default=dict)
    # Whose the changed thing is (or, failing that, the actor's): a municipality's
    # administrators read its own events only. Kept when the municipality is not.
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        verbose_name=_("municipality"),
    )

    # Who may read the before and after (and the object's name), as the changed
    # thing said when it was changed (samverkan.core.readers): a party's draft or a
    # confidential row is told to others only as "changed", never its content.
    # NULL: recorded before readers were kept (a column added without rewriting
    # the append-only table); read as samverkan.core.readers.UNKNOWN.
    readers = models.CharField(_("content readers"), max_length=40, null=True, blank=True)  # noqa: DJ001

    objects = AuditQuerySet.as_manager()

    # Written only by the auditor from values that were guarded when saved.
    personal_data_guard_exempt = ("actor_label", "model", "object_pk", "object_repr", "readers")

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)
        # The latest change (not a read) of given models without a scan: samverkan.audit.stamps.
        indexes = [
            models.Index(
                fields=["model", "id"], name="audit_model_changes", condition=~models.Q(action="read")
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.model} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted")

    @property
    def model_shown(self) -> str:
        """The changed thing's kind as its model names it, in the reader's language."""
        return model_name_shown(self.model)

    def changes_shown(self) -> list[tuple[str, object, object]]:
        """(what, before, after) for each change, each field named as its model names it
        (a bulk event's counts by their own names); unknown names as they were stored."""
        try:
            meta = apps.get_model(self.model)._meta
        except (LookupError, ValueError):
            meta = None
        shown = []
        for name, change in self.changes.items():
            field = None
            if meta is not None and name not in BULK_LABELS:
                with contextlib.suppress(FieldDoesNotExist):  # a field since removed: its stored name
                    field = meta.get_field(name)
            label = field.verbose_name if field is not None else BULK_LABELS.get(name, name)
            before, after = (change + [None, None])[:2] if isinstance(change, list) else (None, change)
            shown.append((str(label), _value_shown(field, before), _value_shown(field, after)))
        return shown

    @property
    def actor_shown(self) -> str:
        return str(_("the system")) if self.actor_label == "system" else self.actor_label

    def content_visible_to(self, user) -> bool:
        """May `user` read this event's before and after and the object's name?"""
        try:
            model = apps.get_model(self.model)
        except (LookupError, ValueError):
            model = None
        return readers.may_read(
            user,
            readers.UNKNOWN if self.readers is None else self.readers,
            confidential_model=model is None or hasattr(model, "confidential_readers"),
        )


# The names of what a bulk event counts (recorder.record_bulk_change's callers).
BULK_LABELS = {
    "years": _("years"),
    "values_removed": _("values removed"),
    "values_written": _("values written"),
    "cause": _("cause"),
    "rows_added": _("rows added"),
    "import": _("import"),
    "shown_in": _("shown in"),
}


LONGEST_VALUE = 200


def _value_shown(field, value: object) -> object:
    """A stored before or after as a reader reads it: a choice by its label, yes or no,
    a moment in local time, and a long value (an import's report, an outline's
    coordinates) cut short."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    choices = dict(field.flatchoices) if field is not None and getattr(field, "choices", None) else {}
    if isinstance(value, str | int) and value in choices:
        return choices[value]
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        with contextlib.suppress(ValueError):
            moment = dt.datetime.fromisoformat(value)
            return date_format(
                timezone.localtime(moment) if timezone.is_aware(moment) else moment, "Y-m-d H:i"
            )
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= LONGEST_VALUE else text[:LONGEST_VALUE] + " …"


def model_name_shown(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name).capitalize()
    except (LookupError, ValueError):
        return label


def is_audited(model: type[models.Model]) -> bool:
    """Whether changes to this model are recorded: Samverkan's own, but for the log itself
    and what a model says is no record (`audited = False`: the sign-in throttle's counts,
    written and cleared on every sign-in)."""
    return is_recorded(model) and not getattr(model, "audit_derived", False)


def is_recorded(model: type[models.Model]) -> bool:
    """Whether the log must show writes to this model: the audited ones row by row, and
    derived data (`audit_derived = True`: indicator values recomputed from imports) as
    one event per recomputation that its writer records (recorder.record_bulk_change)."""
    return (
        model.__module__.startswith("samverkan.")
        and model is not AuditEvent
        and getattr(model, "audited", True)
    )
