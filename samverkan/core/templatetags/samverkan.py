import datetime as dt
from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from samverkan.core.i18n import shown_message

register = template.Library()


def _day(value: dt.date | None, precision: str = "day") -> str:
    if value is None:
        return ""
    if precision == "month":
        return date_format(value, "F Y")
    return value.isoformat()


@register.filter
def period(obj: Any) -> str:
    """A validity as people write it: "2019-02-01 – 2019-05-19",
    "juni 2016 – 2018-05-31", "från 2024-01-01, tills vidare"."""
    precision = getattr(obj, "valid_from_precision", "day")
    start = _day(obj.valid_from, precision)
    end_value = getattr(obj, "effective_end", None) if hasattr(obj, "effective_end") else obj.valid_to
    end = _day(end_value)
    if not start and not end:
        return _("no dates")
    if not end:
        return _("from %(start)s, until further notice") % {"start": start}
    if not start:
        return _("until %(end)s") % {"end": end}
    return f"{start} – {end}"


@register.filter
def field_label(name: str, model_label: str) -> str:
    """A model field's label (in the reader's language) for its name; the name
    when the model or field is unknown (reports stored before labels)."""
    try:
        field = apps.get_model(model_label)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return name
    return str(getattr(field, "verbose_name", name))


@register.filter
def shown(entry: Any) -> str:
    """A message kept in a report, in the reader's language where it can be translated again."""
    return shown_message(entry)
