from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.core.fields import GuardedCharField
from samverkan.core.i18n import shown_message


class Notification(models.Model):
    """An in-app message to one user (a compilation sent back, a reminder)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = GuardedCharField(_("message"), max_length=300)
    message = models.CharField(
        _("message template"),
        max_length=300,
        blank=True,
        help_text=_("The system's message as written in the code, shown in each reader's language."),
    )
    params = models.JSONField(_("message values"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    key = models.CharField(_("key"), max_length=200, help_text=_("Sends each notice to a user at most once."))
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    personal_data_guard_exempt = ("url", "key", "message")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once")]

    def __str__(self) -> str:
        return self.shown

    @property
    def shown(self) -> str:
        """The message in the reader's (the active) language; the stored text
        when there is no template or its values no longer fit it."""
        return shown_message({"message": self.text, "msgid": self.message, "params": self.params})
