"""Records every change to Samverkan's own models in the audit log.

Signals rather than explicit calls, so that no write path (service, form,
admin, shell) can forget it.
"""

from django.apps import apps
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from samverkan.audit import stamps
from samverkan.audit.context import current_actor
from samverkan.audit.models import AuditEvent, is_audited
from samverkan.core import readers, replay

_SKIP_FIELDS = {"password", "last_login"}


def _jsonable(value):
    if value is None or isinstance(value, str | int | float | bool | dict | list):
        return value
    return str(value)  # dates, decimals, files: their text form


def snapshot(instance) -> dict:
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in _SKIP_FIELDS:
            continue
        data[field.name] = _jsonable(field.value_from_object(instance))
    return data


def municipality_of(instance, actor=None) -> int | None:
    """The municipality a changed row belongs to: its own, the one it names
    (most models have `municipality`, directly or as a property), else the
    actor's. None for what belongs to the installation as a whole."""
    if instance._meta.label == "organisations.Municipality":
        return instance.pk
    own = getattr(instance, "municipality_id", None)
    if isinstance(own, int):
        return own
    try:
        found = getattr(instance, "municipality", None)
    except Exception:  # noqa: BLE001 - a half-built row may not reach its municipality
        found = None
    if found is not None and isinstance(getattr(found, "pk", None), int):
        return int(found.pk)
    organisation = getattr(actor, "organisation", None)
    return organisation.municipality_id if organisation is not None else None


def _record(instance, action: str, changes: dict) -> None:
    _write(
        instance._meta.label,
        instance.pk,
        str(instance),
        action,
        changes,
        lambda actor: municipality_of(instance, actor),
        content_readers=readers.of(instance),
    )


def _write(
    model: str,
    object_pk,
    object_repr: str,
    action: str,
    changes: dict,
    municipality,
    *,
    content_readers: str = readers.EVERYONE,
) -> None:
    if replay.is_replaying():  # a restore from backup: the recorded history itself
        return
    actor, label = current_actor()
    stamps.forget()
    AuditEvent.objects.create(
        actor=actor,
        actor_label=label,
        action=action,
        model=model,
        object_pk=str(object_pk),
        object_repr=object_repr[:300],
        changes=changes,
        municipality_id=municipality(actor),
        readers=content_readers,
    )


def record_bulk_change(
    model,
    *,
    object_pk,
    object_repr: str,
    municipality_id: int | None,
    changes: dict,
    content_readers: str = readers.EVERYONE,
    action: str = AuditEvent.Action.UPDATE,
) -> None:
    """A bulk write (bulk_create, update) bypasses the signals: its writer
    records it as one event, in its transaction, so that the log (and the
    change stamps read from it, samverkan.audit.stamps) still sees it."""
    _write(
        model._meta.label,
        object_pk,
        object_repr,
        action,
        changes,
        lambda _actor: municipality_id,
        content_readers=content_readers,
    )


def recorded_update(queryset: models.QuerySet, **values) -> int:
    """`queryset.update(**values)` with each changed row in the log, as a save
    would record it: an update bypasses the signals, and a status set, a rank
    given or a row moved is part of the record all the same. For the few rows a
    service moves at once; values must be plain (no expressions)."""
    rows = list(queryset)
    count = queryset.model._default_manager.filter(pk__in=[row.pk for row in rows]).update(**values)
    for row in rows:
        before = snapshot(row)
        for name, value in values.items():
            setattr(row, row._meta.get_field(name).attname, getattr(value, "pk", value))
        changes = {k: [before.get(k), v] for k, v in snapshot(row).items() if before.get(k) != v}
        if changes and is_audited(type(row)):
            _record(row, AuditEvent.Action.UPDATE, changes)
    return count


def record_reads(user, instances, *, why: str) -> None:
    """Log that `user` was shown restricted items (an internal observation, a
    party's draft): one event per item, naming where it was shown."""
    if replay.is_replaying():  # a restore from backup: the recorded history itself
        return
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=user,
            actor_label=user.get_username(),
            action=AuditEvent.Action.READ,
            model=instance._meta.label,
            object_pk=str(instance.pk),
            object_repr=str(instance)[:300],
            changes={"shown_in": why},
            municipality_id=municipality_of(instance, user),
            readers=readers.of(instance),
        )
        for instance in instances
    )


def _before_save(sender, instance, raw=False, **kwargs):
    if raw or not is_audited(sender) or instance.pk is None:
        instance._audit_before = None
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(old) if old is not None else None


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw or not is_audited(sender):
        return
    after = snapshot(instance)
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        _record(
            instance,
            AuditEvent.Action.CREATE,
            {k: [None, v] for k, v in after.items() if v not in (None, "")},
        )
        return
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if changes:
        _record(instance, AuditEvent.Action.UPDATE, changes)


def _after_delete(sender, instance, **kwargs):
    if is_audited(sender):
        _record(instance, AuditEvent.Action.DELETE, {k: [v, None] for k, v in snapshot(instance).items()})


def _m2m(sender, instance, action, model, pk_set, reverse=False, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"} or not is_audited(type(instance)):
        return
    field_name = next(
        (f.name for f in type(instance)._meta.many_to_many if f.remote_field.through is sender),
        sender._meta.model_name,
    )
    labels = sorted(str(obj) for obj in model._default_manager.filter(pk__in=pk_set or []))
    joined = ", ".join(labels) or "*"
    change = [None, joined] if action == "post_add" else [joined, None]
    _record(instance, AuditEvent.Action.UPDATE, {field_name: change})


def connect() -> None:
    for model in apps.get_models():
        if not is_audited(model):
            continue
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"audit-pre-{model._meta.label}")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"audit-post-{model._meta.label}")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"audit-del-{model._meta.label}")
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            if isinstance(through, type) and issubclass(through, models.Model):
                m2m_changed.connect(_m2m, sender=through, dispatch_uid=f"audit-m2m-{through._meta.label}")
