"""The one way a view shows a service's refusal (samverkan.core.forms)."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from samverkan.core.forms import errors_on, errors_on_form


class TitleForm(forms.Form):
    title = forms.CharField()


def valid_form() -> TitleForm:
    form = TitleForm({"title": "Trygghetsvandring"})
    assert form.is_valid()
    return form


def test_a_refusal_naming_a_field_of_the_form_lands_on_that_field_and_the_rest_above_it():
    form = valid_form()
    with errors_on(form):
        raise ValidationError({"title": "Upptaget.", "owners": "Minst en ansvarig."})
    assert form.errors["title"] == ["Upptaget."]
    assert form.non_field_errors() == ["Minst en ansvarig."]


def test_a_refusal_without_a_field_lands_above_the_form():
    form = valid_form()
    errors_on_form(form, ValidationError(["Bara ett av förslagen kan bli beslut.", "Och en till."]))
    assert form.non_field_errors() == ["Bara ett av förslagen kan bli beslut.", "Och en till."]


def test_a_service_that_agrees_leaves_the_form_without_errors():
    form = valid_form()
    with errors_on(form):
        pass
    assert not form.errors


def test_other_exceptions_are_not_swallowed():
    with pytest.raises(KeyError), errors_on(valid_form()):
        raise KeyError("title")
