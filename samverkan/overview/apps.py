from django.apps import AppConfig


class OverviewConfig(AppConfig):
    """The pages that gather many apps: each person's start page and the
    areas with their figures, data and agreements. The top of the layers:
    no other app imports it."""

    name = "samverkan.overview"
    label = "overview"
