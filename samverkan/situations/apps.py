from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SituationsConfig(AppConfig):
    name = "samverkan.situations"
    verbose_name = _("Situation pictures")
