import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import translation


def in_site_language[**P, R](function: Callable[P, R]) -> Callable[P, R]:
    """Run in the site's language (Swedish), whichever language the acting
    user picked: what the function writes is stored, or read by others."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return wrapper


class Message(str):
    """A text translated now that remembers its source text and values, so
    that a stored copy (an import's report) can be shown in the language of
    whoever reads it later. Formatting with `%` and a dict keeps the memory;
    anything else (joining, slicing) gives a plain string."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, text: str, msgid: str, params: dict[str, Any] | None = None) -> "Message":
        made = super().__new__(cls, text)
        made.msgid = msgid
        made.params = params or {}
        return made

    def __mod__(self, values: Any) -> str:
        text = str.__mod__(str(self), values)
        if not isinstance(values, dict) or self.params:
            return text
        return Message(text, self.msgid, {k: _plain(v) for k, v in values.items()})


def _plain(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def remembered(msgid: str) -> Message:
    """gettext that remembers: use as `_` where a message is stored to be shown later."""
    return Message(translation.gettext(msgid), msgid)


def stored_message(message: str) -> dict[str, Any]:
    """What a report keeps of a message: its text now, and where it can, how to translate it again."""
    if isinstance(message, Message):
        return {"message": str(message), "msgid": message.msgid, "params": message.params}
    return {"message": str(message)}


def translatable(label: Any) -> dict[str, str]:
    """A label (lazy or marked) kept as its source text, for a message value
    that is translated when it is shown."""
    with translation.override("en"):
        return {"msgid": str(label)}


def shown_message(entry: Any) -> str:
    """A kept message ({"message", "msgid", "params"}) in the active language,
    its values made with `translatable` translated too; its text as kept when
    it cannot be translated again."""
    if not isinstance(entry, dict):
        return str(entry)
    if not entry.get("msgid"):
        return str(entry.get("message", ""))
    values = {
        key: translation.gettext(value["msgid"]) if isinstance(value, dict) and "msgid" in value else value
        for key, value in (entry.get("params") or {}).items()
    }
    try:
        text = translation.gettext(entry["msgid"])
        return text % values if values else text
    except (KeyError, TypeError, ValueError):
        return str(entry.get("message", ""))
