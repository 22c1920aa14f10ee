from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EstConfig(AppConfig):
    name = "samverkan.est"
    verbose_name = _("EST: the weekly operational picture")
