from django.apps import AppConfig


class DatasourcesConfig(AppConfig):
    name = "samverkan.datasources"
    label = "datasources"

    def ready(self) -> None:
        from samverkan.datasources import formats

        formats.discover()
