from django.apps import AppConfig


class ConfigurationsConfig(AppConfig):
    name = "samverkan.configurations"
    label = "configurations"
