"""Consultation rounds (remiss) on a draft agreement, the responses of the
committees and companies, the committees' minutes, and what became of each
proposed amendment when the version was adopted.

Recorded decisions (minutes items, adoptions, proposal outcomes) are never
edited: a correction is a new record that names the one it corrects and
says why.
"""

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.core.fields import GuardedCharField, GuardedTextField
from samverkan.core.models import AppendOnly, Correctable


class ConsultationRound(models.Model):
    version = models.ForeignKey(
        "agreements.AgreementVersion",
        on_delete=models.PROTECT,
        related_name="consultation_rounds",
        verbose_name=_("draft"),
    )
    title = GuardedCharField(_("title"), max_length=300)
    case_number = GuardedCharField(
        _("case number"), max_length=60, help_text=_("Diarienummer, e.g. KS 2023/740.")
    )
    referred_by = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("referred by"),
    )
    sent_on = models.DateField(_("sent out"))
    deadline = models.DateField(_("deadline for responses"))
    instructions = GuardedTextField(_("what the recipients are asked"), blank=True)
    # The draft as it was sent out: the elements the responses refer to, and
    # the baseline for telling which later changes answer them.
    snapshot = models.JSONField(_("draft as sent out"), default=dict, editable=False)
    source = GuardedCharField(_("source"), max_length=300, blank=True)
    is_example = models.BooleanField(_("example data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("consultation round")
        verbose_name_plural = _("consultation rounds")
        ordering = ["-sent_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("sent_on")),
                name="consultation_deadline_after_sending",
                violation_error_message=_("The deadline cannot be before the round is sent out."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.title}"

    @property
    def municipality(self):
        return self.version.agreement.municipality


class RecipientStatus(models.TextChoices):
    NOT_ANSWERED = "not_answered", _("Not answered")
    ANSWERED = "answered", _("Answered")
    LATE = "late", _("Late")


class Recipient(models.Model):
    round = models.ForeignKey(ConsultationRound, on_delete=models.CASCADE, related_name="recipients")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("recipient")
    )
    extended_to = models.DateField(_("extension granted until"), null=True, blank=True)
    extension_reason = GuardedCharField(_("reason for the extension"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["round", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "organisation"], name="recipient_once_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.round.case_number})"

    @property
    def deadline(self) -> dt.date:
        return self.extended_to or self.round.deadline

    def clean(self) -> None:
        if self.extended_to and self.round_id and self.extended_to <= self.round.deadline:
            raise ValidationError({"extended_to": _("An extension ends after the round's deadline.")})

    @property
    def submitted_statement(self):
        statement = getattr(self, "statement", None)
        return statement if statement is not None and statement.is_submitted else None

    def status(self, today: dt.date | None = None) -> str:
        today = today or timezone.localdate()
        statement = self.submitted_statement
        if statement is not None:
            return (
                RecipientStatus.LATE if statement.submitted_on > self.deadline else RecipientStatus.ANSWERED
            )
        return RecipientStatus.LATE if today > self.deadline else RecipientStatus.NOT_ANSWERED

    def status_label(self, today: dt.date | None = None) -> str:
        return str(RecipientStatus(self.status(today)).label)


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


# Case numbers with their document suffix: "SÖD 2023/713", "SÖD 2023/713-2", "KS 2023/740-1.3".
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
    return f"consultations/{instance.statement.recipient.round_id}/{instance.statement_id}/{filename}"


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
        return any(c.kind != ChangeKind.COMMENT for c in self.changes.all())


class ChangeKind(models.TextChoices):
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


# Which elements each kind of change may be anchored to.
ANCHORS_FOR = {
    ChangeKind.ADD_GOAL: {Anchor.AREA},
    ChangeKind.CHANGE_GOAL: {Anchor.GOAL},
    ChangeKind.REMOVE_GOAL: {Anchor.GOAL},
    ChangeKind.ADD_AREA: {Anchor.DRAFT},
    ChangeKind.RENAME_AREA: {Anchor.AREA},
    ChangeKind.REMOVE_AREA: {Anchor.AREA},
    ChangeKind.ADD_TEXT: {Anchor.DRAFT, Anchor.AREA, Anchor.SECTION},
    ChangeKind.CHANGE_TEXT: {Anchor.AREA, Anchor.SECTION},
    ChangeKind.COMMENT: {Anchor.DRAFT, Anchor.AREA, Anchor.GOAL, Anchor.SECTION},
}


class ProposedChange(models.Model):
    """One concrete change a proposal asks for, anchored to a named element
    of the draft as it was sent out (by its id in the round's snapshot, so
    the anchor survives the element being removed from the draft later)."""

    proposal = models.ForeignKey(AmendmentProposal, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("change"), max_length=12, choices=ChangeKind.choices)
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
        if self.kind and self.anchor not in ANCHORS_FOR[ChangeKind(self.kind)]:
            raise ValidationError(
                {
                    "anchor": _("“%(kind)s” cannot concern %(anchor)s.")
                    % {"kind": self.get_kind_display(), "anchor": self.get_anchor_display().lower()}
                }
            )
        if self.kind not in {ChangeKind.COMMENT, ChangeKind.REMOVE_GOAL, ChangeKind.REMOVE_AREA} and not (
            self.proposed_text.strip()
        ):
            raise ValidationError({"proposed_text": _("Give the proposed wording.")})


class Recorded(Correctable):
    """A recorded decision of the revision lifecycle: who entered it and when."""

    is_example = models.BooleanField(_("example data"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class MinutesOutcome(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    REJECTED = "rejected", _("Rejected")
    NOTED = "noted", _("Noted (placed on file)")
    RETURNED = "returned", _("Referred back")


class MinutesItem(Recorded):
    """A committee's decision on its response, as its minutes record it."""

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="minutes")
    committee = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("committee")
    )
    meeting_date = models.DateField(_("meeting date"))
    paragraph = GuardedCharField(_("minutes item"), max_length=20, help_text=_("E.g. § 23."))
    case_number = GuardedCharField(_("case number"), max_length=60, blank=True)
    decision = GuardedTextField(_("decision"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=MinutesOutcome.choices)
    order_of_decision = GuardedTextField(_("order of decision"), blank=True)
    source = GuardedCharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("minutes item")
        verbose_name_plural = _("minutes items")
        ordering = ["statement", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.committee} {self.meeting_date:%Y-%m-%d} {self.paragraph}"


class MinutesProposal(AppendOnly):
    """One of the proposals the chair put against each other."""

    item = models.ForeignKey(MinutesItem, on_delete=models.PROTECT, related_name="proposals")
    position = models.PositiveSmallIntegerField(_("order in the decision"))
    label = GuardedCharField(_("proposal"), max_length=300)
    movers = GuardedCharField(
        _("moved by"),
        max_length=500,
        blank=True,
        help_text=_("Members as the minutes name them, with party."),
    )
    parties = GuardedCharField(_("parties"), max_length=100, blank=True, help_text=_("E.g. C, L, M."))
    text = GuardedTextField(_("content"), blank=True)
    is_administration = models.BooleanField(_("the administration's proposal"), default=False)
    adopted = models.BooleanField(_("adopted"), default=False)

    class Meta:
        verbose_name = _("proposal in the minutes")
        verbose_name_plural = _("proposals in the minutes")
        ordering = ["item", "position"]
        constraints = [models.UniqueConstraint(fields=["item", "position"], name="minutes_proposal_position")]

    def __str__(self) -> str:
        return self.label


class MinutesPosition(AppendOnly):
    """Members' position entered in a minutes item, for a proposal."""

    item = models.ForeignKey(MinutesItem, on_delete=models.PROTECT, related_name="%(class)ss")
    members = GuardedCharField(_("members"), max_length=500)
    parties = GuardedCharField(_("parties"), max_length=100, blank=True)
    supports = models.ForeignKey(
        MinutesProposal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)ss",
        verbose_name=_("in favour of"),
    )
    text = GuardedTextField(_("text"), blank=True)

    class Meta:
        abstract = True
        ordering = ["item", "pk"]

    def __str__(self) -> str:
        return self.members


class Dissent(MinutesPosition):
    """A reservation: members who dissented, in favour of which proposal."""

    class Meta(MinutesPosition.Meta):
        verbose_name = _("dissent")
        verbose_name_plural = _("dissents")


class MinutesStatementKind(models.TextChoices):
    DEPUTY = "deputy", _("Deputy's statement")
    SPECIAL = "special", _("Special statement")


class MinutesStatement(MinutesPosition):
    """A deputy's statement (ersättaryttrande) or a special statement
    (särskilt uttalande) entered in the minutes."""

    item = models.ForeignKey(MinutesItem, on_delete=models.PROTECT, related_name="minutes_statements")
    supports = models.ForeignKey(
        MinutesProposal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="minutes_statements",
        verbose_name=_("in favour of"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MinutesStatementKind.choices)

    class Meta(MinutesPosition.Meta):
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["item", "kind", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.members}"


class VersionAdoption(Recorded):
    """The decision that adopted a draft as the agreement's new version."""

    version = models.ForeignKey(
        "agreements.AgreementVersion", on_delete=models.PROTECT, related_name="adoptions"
    )
    decided_by = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decided_on = models.DateField(_("decision date"))
    minutes_reference = GuardedCharField(_("minutes reference"), max_length=120, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source = GuardedCharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("adoption of a version")
        verbose_name_plural = _("adoptions of versions")
        ordering = ["version", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.version} {self.decided_on:%Y-%m-%d}"


class Outcome(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    PARTLY = "partly", _("Partly adopted")
    REJECTED = "rejected", _("Not adopted")


class ProposalOutcome(Recorded):
    """What the deciding body did with an amendment proposal."""

    proposal = models.ForeignKey(AmendmentProposal, on_delete=models.PROTECT, related_name="outcomes")
    adoption = models.ForeignKey(
        VersionAdoption, on_delete=models.PROTECT, related_name="outcomes", verbose_name=_("decision")
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    comment = GuardedTextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("outcome of a proposal")
        verbose_name_plural = _("outcomes of proposals")
        ordering = ["proposal", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.get_outcome_display()}"
