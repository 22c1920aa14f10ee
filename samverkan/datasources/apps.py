from django.apps import AppConfig


class DatasourcesConfig(AppConfig):
    name = "samverkan.datasources"
    label = "datasources"
