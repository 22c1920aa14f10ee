"""What a recipient sends back: its statement, with document references,
attachments and amendment proposals anchored to the draft."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.consultations.models.rounds import Recipient
from samverkan.core.fields import GuardedCharField, GuardedTextField, storable_file_name
from samverkan.core.models import Correctable


class StatementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Statement(models.Model):
    """The official statement (tjänsteutlåtande) a recipient sends back."""

    recipient = models.OneToOneField(Recipient, on_delete=models.PROTECT, related_name="statement")
    status = models.CharField(
        _("status"), max_length=10, choices=StatementStatus.choices, default=StatementStatus.DRAFT
    )
    case_number = GuardedCharField(
        _("the recipient's case number"), max_length=60, blank=True, help_text=_("E.g. SÖD 2023/713.")
    )
    proposed_decision = GuardedTextField(_("proposed decision"), blank=True)
    summary = GuardedTextField(_("summary"), blank=True)
    views = GuardedTextField(_("views and proposals"), blank=True)
    goal_fulfilment = GuardedTextField(_("goal fulfilment"), blank=True)
    child_consequences = GuardedTextField(_("consequences for children"), blank=True)
    submitted_on = models.DateField(_("answered on"), null=True, blank=True)
    is_example = models.BooleanField(_("example data"), default=False)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(submitted_on__isnull=False),
                name="submitted_statement_has_date",
                violation_error_message=_("A submitted response has the date it was answered."),
            )
        ]

    def __str__(self) -> str:
        return str(_("Response from %(org)s") % {"org": self.recipient.organisation})

    @property
    def is_submitted(self) -> bool:
        return self.status == StatementStatus.SUBMITTED

    @property
    def current_minutes(self):
        return Correctable.current(self.minutes.all())


CASE_NUMBER = re.compile(r"^[A-ZÅÄÖ]{1,8}(?: [A-ZÅÄÖ]{1,8})? \d{4}/\d{1,6}(?:-\d+(?:\.\d+)*)?$")


def valid_case_number(value: str) -> None:
    if not CASE_NUMBER.match(value.strip()):
        raise ValidationError(
            _("Write a case number as the registry does, e.g. SÖD 2023/713-2 or KS 2023/740."),
            code="case_number",
        )


class DocumentReference(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="documents")
    reference = GuardedCharField(_("document reference"), max_length=60, validators=[valid_case_number])
    title = GuardedCharField(_("title"), max_length=300)

    class Meta:
        verbose_name = _("document reference")
        verbose_name_plural = _("document references")
        ordering = ["statement", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "reference"], name="document_reference_once")
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


def attachment_path(instance, filename: str) -> str:
    return (
        f"consultations/{instance.statement.recipient.round_id}/{instance.statement_id}/"
        f"{storable_file_name(filename)}"
    )


class Attachment(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="attachments")
    title = GuardedCharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    sha256 = models.CharField(_("checksum"), max_length=64, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    # The file's bytes are checked when uploaded; its path is generated.
    personal_data_guard_exempt = ("file", "sha256")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["statement", "uploaded_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def filename(self) -> str:
        return (self.file.name or "").rsplit("/", 1)[-1]


class ProposalOrigin(models.TextChoices):
    STATEMENT = "statement", _("The official statement")
    MINORITY = "minority", _("A competing proposal in the minutes")


class AmendmentProposal(models.Model):
    """A proposed change to the draft, in a response or in a proposal that
    members put forward when the committee decided on it."""

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="proposals")
    heading = GuardedCharField(_("heading"), max_length=300)
    justification = GuardedTextField(_("justification"), blank=True)
    origin = models.CharField(
        _("put forward in"), max_length=10, choices=ProposalOrigin.choices, default=ProposalOrigin.STATEMENT
    )
    put_forward_by = GuardedCharField(
        _("put forward by"), max_length=300, blank=True, help_text=_("For a competing proposal: its parties.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_example = models.BooleanField(_("example data"), default=False)

    class Meta:
        verbose_name = _("amendment proposal")
        verbose_name_plural = _("amendment proposals")
        ordering = ["statement", "order", "pk"]

    def __str__(self) -> str:
        return self.heading

    @property
    def current_outcome(self):
        return Correctable.current(self.outcomes.all())

    @property
    def asks_for_change(self) -> bool:
        """An amendment, not only a view: some change it names is not a comment."""
        return any(c.kind != ProposedChangeKind.COMMENT for c in self.changes.all())


class ProposedChangeKind(models.TextChoices):
    """What a proposed change asks of the draft (a `ProposedChange`)."""

    ADD_GOAL = "add_goal", _("Add a goal")
    CHANGE_GOAL = "change_goal", _("Reword a goal")
    REMOVE_GOAL = "remove_goal", _("Remove a goal")
    ADD_AREA = "add_area", _("Add a priority area")
    RENAME_AREA = "rename_area", _("Rename a priority area")
    REMOVE_AREA = "remove_area", _("Remove a priority area")
    ADD_TEXT = "add_text", _("Add text")
    CHANGE_TEXT = "change_text", _("Change text")
    COMMENT = "comment", _("View without a proposed change")


class Anchor(models.TextChoices):
    DRAFT = "draft", _("The draft as a whole")
    AREA = "area", _("Priority area")
    GOAL = "goal", _("Goal")
    SECTION = "section", _("Text section")


ANCHORS_FOR = {
    ProposedChangeKind.ADD_GOAL: {Anchor.AREA},
    ProposedChangeKind.CHANGE_GOAL: {Anchor.GOAL},
    ProposedChangeKind.REMOVE_GOAL: {Anchor.GOAL},
    ProposedChangeKind.ADD_AREA: {Anchor.DRAFT},
    ProposedChangeKind.RENAME_AREA: {Anchor.AREA},
    ProposedChangeKind.REMOVE_AREA: {Anchor.AREA},
    ProposedChangeKind.ADD_TEXT: {Anchor.DRAFT, Anchor.AREA, Anchor.SECTION},
    ProposedChangeKind.CHANGE_TEXT: {Anchor.AREA, Anchor.SECTION},
    ProposedChangeKind.COMMENT: {Anchor.DRAFT, Anchor.AREA, Anchor.GOAL, Anchor.SECTION},
}


class ProposedChange(models.Model):
    """One concrete change a proposal asks for, anchored to a named element
    of the draft as it was sent out (by its id in the round's snapshot, so
    the anchor survives the element being removed from the draft later)."""

    proposal = models.ForeignKey(AmendmentProposal, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("change"), max_length=12, choices=ProposedChangeKind.choices)
    anchor = models.CharField(_("concerns"), max_length=10, choices=Anchor.choices, default=Anchor.DRAFT)
    anchor_id = models.PositiveIntegerField(_("element"), null=True, blank=True)
    anchor_label = GuardedCharField(_("element as named in the draft"), max_length=500, blank=True)
    proposed_text = GuardedTextField(_("proposed wording"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")
        ordering = ["proposal", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(anchor="draft", anchor_id__isnull=True)
                | (~models.Q(anchor="draft") & models.Q(anchor_id__isnull=False)),
                name="proposed_change_anchor_complete",
                violation_error_message=_("A change to a named element says which element."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.anchor_label or self.get_anchor_display()}"

    def clean(self) -> None:
        if self.kind and self.anchor not in ANCHORS_FOR[ProposedChangeKind(self.kind)]:
            raise ValidationError(
                {
                    "anchor": _("“%(kind)s” cannot concern %(anchor)s.")
                    % {"kind": self.get_kind_display(), "anchor": self.get_anchor_display().lower()}
                }
            )
        if self.kind not in {
            ProposedChangeKind.COMMENT,
            ProposedChangeKind.REMOVE_GOAL,
            ProposedChangeKind.REMOVE_AREA,
        } and not (self.proposed_text.strip()):
            raise ValidationError({"proposed_text": _("Give the proposed wording.")})
