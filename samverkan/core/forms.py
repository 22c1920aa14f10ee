"""The one way a view shows a refusal. A service raises ValidationError,
with field names where it knows them; a view puts it on the form it came
from, or, for a small form posted from a list page, into the page's messages."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm, ChoiceField, Form, ModelChoiceField
from django.http import HttpRequest


def errors_on_form(form: BaseForm, error: ValidationError) -> None:
    """Each message on its field where the form has that field, the rest above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def errors_as_messages(request: HttpRequest, source: ValidationError | BaseForm) -> None:
    """A service's refusal, or an invalid form's errors, as messages on the next page."""
    if isinstance(source, ValidationError):
        found = list(source.messages)
    else:
        found = [str(message) for errors in source.errors.values() for message in errors]
    for message in found:
        messages.error(request, message)


def model_choice(form: BaseForm, name: str) -> ModelChoiceField[Any]:
    """A form's field that chooses rows (its queryset, empty label and labels are set per page)."""
    field = form.fields[name]
    if not isinstance(field, ModelChoiceField):
        raise TypeError(f"{name} is not a model choice field")
    return field


def choice(form: BaseForm, name: str) -> ChoiceField:
    """A form's field with choices set per page."""
    field = form.fields[name]
    if not isinstance(field, ChoiceField):
        raise TypeError(f"{name} is not a choice field")
    return field


@contextmanager
def errors_on(form: BaseForm) -> Iterator[None]:
    """Run a service; a refusal lands on the form (see errors_on_form) instead of answering 500."""
    try:
        yield
    except ValidationError as error:
        errors_on_form(form, error)


class RowForm(Form):
    """A row of a formset that may be left empty. A select without an empty
    option is always sent by the browser, so its value alone does not make
    an extra row filled in (which would then ask for its required fields)."""

    def has_changed(self) -> bool:
        return any(not _always_sent(self.fields[name]) for name in self.changed_data)


def _always_sent(field: Any) -> bool:
    if not isinstance(field, ChoiceField) or isinstance(field, ModelChoiceField):
        return False
    return all(value not in ("", None) for value, _label in list(field.choices))  # type: ignore[arg-type]
