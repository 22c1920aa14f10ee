"""Reads of the revision lifecycle: who answers for a recipient, what a
change may concern, which proposals a decision must settle."""

from django.utils.translation import gettext as _

from samverkan.agreements.models import AgreementVersion
from samverkan.consultations.models import (
    AmendmentProposal,
    Anchor,
    ConsultationRound,
    ProposalOrigin,
    Recipient,
    StatementStatus,
)
from samverkan.organisations.models import Organisation


def serving(organisation: Organisation) -> list[Organisation]:
    """The organisation and the administrations that prepare its matters:
    the district administration answers for its district committee."""
    return [organisation, *organisation.administrations.all()]


def anchors(round: ConsultationRound) -> list[tuple[str, int | None, str]]:
    """The elements of the draft as sent out that a change can concern:
    (anchor, id, label)."""
    found: list[tuple[str, int | None, str]] = [(Anchor.DRAFT, None, round.version.label)]
    for area in round.snapshot.get("areas", []):
        found.append((Anchor.AREA, area["id"], area["name"]))
        for number, goal in enumerate(area["goals"], start=1):
            found.append((Anchor.GOAL, goal["id"], f"{area['name']}, {_('goal')} {number}: {goal['text']}"))
    for section in round.snapshot.get("sections", []):
        found.append((Anchor.SECTION, section["id"], section["heading"]))
    return found


def anchor_labels(round: ConsultationRound) -> dict[tuple[str, int | None], str]:
    return {(anchor, pk): label for anchor, pk, label in anchors(round)}


def proposals_to_decide(version: AgreementVersion) -> list[AmendmentProposal]:
    """The amendment proposals of the submitted responses on this draft
    that ask for a change (not only state a view)."""
    proposals = AmendmentProposal.objects.filter(
        statement__recipient__round__version=version, statement__status=StatementStatus.SUBMITTED
    ).prefetch_related("changes")
    return [p for p in proposals if p.asks_for_change]


def proposal_origins(statement) -> list[str]:
    """Where a proposal on this response can still come from: the response
    itself while it is a draft, the committee's minutes after it was
    submitted, nowhere once the draft has been adopted."""
    if statement.recipient.round.is_closed:
        return []
    if statement.is_submitted:
        return [ProposalOrigin.MINORITY]
    return [ProposalOrigin.STATEMENT, ProposalOrigin.MINORITY]


def unanswered(version: AgreementVersion) -> list[Recipient]:
    """The recipients of the rounds on this draft that have not submitted a
    response: adopting the draft closes their rounds without them."""
    recipients = (
        Recipient.objects.filter(round__version=version)
        .exclude(statement__status=StatementStatus.SUBMITTED)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    return list(recipients)
