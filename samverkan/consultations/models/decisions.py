"""What was decided: the committee's minutes items with their proposals,
dissents and statements, the adoption of a version and the outcome of each
proposal."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.consultations.models.statements import AmendmentProposal, Statement
from samverkan.core.fields import GuardedCharField, GuardedTextField
from samverkan.core.models import AppendOnly, Correctable


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
    backdating_reason = GuardedTextField(
        _("reason for a start in the past"),
        blank=True,
        help_text=_("Why the version applies from a day before the adoption was recorded."),
    )
    unanswered = GuardedTextField(
        _("recipients who had not answered"),
        blank=True,
        help_text=_("Recorded when the version was adopted with a consultation round still open."),
    )
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
