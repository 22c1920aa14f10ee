from typing import Any

from django.apps import apps
from django.core import checks
from django.db import models

from samverkan.core.personal_data import no_personal_identity_number


@checks.register(checks.Tags.models)
def every_text_field_is_guarded(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A free-text field without the personal-data guard is a bug."""
    errors: list[checks.CheckMessage] = []
    for model in apps.get_models():
        if not model.__module__.startswith("samverkan."):
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.CharField | models.TextField):
                continue
            # A field restricted to choices holds codes, not free text.
            if field.choices:
                continue
            if field.name in getattr(model, "personal_data_guard_exempt", ()):
                continue
            if no_personal_identity_number not in field.validators:
                errors.append(
                    checks.Error(
                        f"{model._meta.label}.{field.name} is free text without the personal-data guard",
                        hint="Use samverkan.core.fields.GuardedCharField / GuardedTextField.",
                        obj=model,
                        id="samverkan.E001",
                    )
                )
    return errors
