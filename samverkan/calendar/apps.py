from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CalendarConfig(AppConfig):
    name = "samverkan.calendar"
    label = "calendar"
    verbose_name = _("Calendar of the yearly cycle")

    def ready(self) -> None:
        autodiscover_modules("deadlines")  # each app's deadlines module registers its providers
