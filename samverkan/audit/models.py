"""The append-only audit log: who changed what, when, before and after."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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

    objects = AuditQuerySet.as_manager()

    # Written only by the auditor from values that were guarded when saved.
    personal_data_guard_exempt = ("actor_label", "model", "object_pk", "object_repr")

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


def is_audited(model: type[models.Model]) -> bool:
    """Whether changes to this model are recorded: Samverkan's own, but for the log itself."""
    return model.__module__.startswith("samverkan.") and model is not AuditEvent
