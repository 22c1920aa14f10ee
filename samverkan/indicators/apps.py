from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "samverkan.indicators"
    label = "indicators"

    def ready(self) -> None:
        from samverkan.indicators import receivers  # noqa: F401  (connects the refresh after imports)
