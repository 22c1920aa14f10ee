"""Text fields that carry the personal-data guard.

Every CharField and TextField of a Samverkan model must be one of these (a
system check enforces it), so no free text can hold a personal identity
number whichever way it is written: form, admin, import or service call.
"""

from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.core.validators import ProhibitNullCharactersValidator
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
        # A NUL character is no text (PostgreSQL cannot store one; forms refuse it too).
        if not any(isinstance(v, ProhibitNullCharactersValidator) for v in validators):
            validators.append(ProhibitNullCharactersValidator())
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


def storable_file_name(filename: str, max_bytes: int = 120) -> str:
    """A file name short enough for any file system (a name of 250 "å" is 500
    bytes, where most allow 255): the stem is cut, on a character, so that the
    name takes at most `max_bytes` bytes in UTF-8; the suffix is kept. The
    original name is kept beside the file where it is shown."""
    name = PurePath(filename).name or "file"
    suffix = PurePath(name).suffix
    if len(suffix.encode()) > 16:
        suffix = ""
    stem = name[: len(name) - len(suffix)] if suffix else name
    room = max_bytes - len(suffix.encode())
    while len(stem.encode()) > room:
        stem = stem[:-1]
    return (stem or "file") + suffix
