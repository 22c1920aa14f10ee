from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "samverkan.plans"
    verbose_name = _("Action plans and follow-up")

    def ready(self) -> None:
        from samverkan.plans import on_analysis  # noqa: F401  (its section of the joint analysis's page)
