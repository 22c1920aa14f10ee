from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "samverkan.core"
    label = "core"

    def ready(self) -> None:
        from samverkan.core import checks  # noqa: F401  (registers the checks)
