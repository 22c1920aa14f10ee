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

    # Reading one's notifications is not a change to the record.
    audit_quiet_fields = ("read_at",)

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


class Mail(models.Model):
    """An e-mail waiting to go out, stored in the transaction of the change that caused it
    and sent by the worker after that change is committed: a mail server that is down
    delays the mail, never the change. Retried with growing pauses; administrators see
    its state (`/notifications/mail/`)."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, not retried")

    notification = models.ForeignKey(
        Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="mails"
    )
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.WAITING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    # The mail of a guarded notification; its state is the worker's bookkeeping, not a record.
    personal_data_guard_exempt = ("to", "subject", "body", "last_error")
    audited = False

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="mail_due")]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
