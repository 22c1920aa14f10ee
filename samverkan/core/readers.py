"""Who may read a confidential thing's content, written down where the
content is copied to another channel (the audit log's before and after).

A confidential thing says who its readers are as a short text, so that a
copy made now keeps the rule of the moment it was made:

- ``""``: whoever may read the channel (nothing confidential);
- ``"organisation:<id>"``: that organisation's people only (a party's
  draft situation picture, a confidential observation, an import's rows
  that only its uploader's organisation may see);
- ``"side:police"`` / ``"side:city"``: one party's organisations (an
  internal observation);
- ``"?"``: recorded before readers were kept; a confidential model's
  content is then shown to nobody.

Roles change nothing here, administrators included: an administrator who
may not read a draft does not read it in a copy either."""

from typing import Any

EVERYONE = ""
UNKNOWN = "?"


def organisation(organisation_id: int | None) -> str:
    return f"organisation:{organisation_id}" if organisation_id is not None else UNKNOWN


def side(is_police: bool) -> str:
    return "side:police" if is_police else "side:city"


def of(instance: Any) -> str:
    """The readers of a model instance's content: its own ``confidential_readers()``
    where the model is confidential, else everyone."""
    readers = getattr(instance, "confidential_readers", None)
    return readers() if callable(readers) else EVERYONE


def may_read(user: Any, readers: str, *, confidential_model: bool = True) -> bool:
    """May `user` read content whose readers are `readers`?"""
    if readers == EVERYONE:
        return True
    if readers == UNKNOWN:
        return not confidential_model
    own = getattr(user, "organisation", None)
    if own is None:
        return False
    kind, _, value = readers.partition(":")
    if kind == "organisation":
        return str(own.pk) == value
    if kind == "side":
        return side(own.is_police) == readers
    return False
