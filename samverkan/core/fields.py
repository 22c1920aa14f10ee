"""Text fields that carry the personal-data guard.

Every CharField and TextField of a Samverkan model must be one of these (a
system check enforces it), so no free text can hold a personal identity
number whichever way it is written: form, admin, import or service call.
"""

from typing import TYPE_CHECKING, Any

from django.db import models

from samverkan.core.personal_data import no_personal_identity_number

if TYPE_CHECKING:
    _Field = models.Field[str, str]
    _CharField = models.CharField[str, str]
    _TextField = models.TextField[str, str]
else:
    _Field = object
    _CharField, _TextField = models.CharField, models.TextField


class _GuardedMixin(_Field):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        validators = list(kwargs.pop("validators", []))
        if no_personal_identity_number not in validators:
            validators.append(no_personal_identity_number)
        kwargs["validators"] = validators
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)
        return name, path, args, kwargs


class GuardedCharField(_GuardedMixin, _CharField):
    pass


class GuardedTextField(_GuardedMixin, _TextField):
    pass
