"""JSON rows for backups that keep times to the microsecond (Django's own
JSON serializer cuts them to milliseconds, so a restored audit log would
differ from the one backed up). Registered as the format `sjson`."""

import datetime as dt
from typing import Any

from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder


class ExactEncoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self) -> None:
        super()._init_options()  # type: ignore[misc]  # private in Django, not in its stubs
        self.json_kwargs["cls"] = ExactEncoder


Deserializer = django_json.Deserializer
