"""Which change between two versions answers which amendment proposal.

A change answers a proposal only if it was made after the draft was sent
out: each round keeps the draft as sent, and the changes from that to the
version as it now stands are the ones the responses can have caused. Those
are matched to the proposals by the element they concern and the kind of
change asked for, and then to the changes between any two versions through
the elements' lineage.
"""

from dataclasses import dataclass, field

from samverkan.agreements.revision import (
    AREA,
    GOAL,
    SECTION,
    Change,
    Lineage,
    diff,
    elements,
    ordered,
    version_diff,
    version_key,
)
from samverkan.agreements.revision import VersionChangeKind as K
from samverkan.consultations.models import (
    AmendmentProposal,
    Anchor,
    ConsultationRound,
    Outcome,
    ProposedChangeKind,
    StatementStatus,
)

# The kinds of version change each kind of proposed change asks for.
ANSWERED_BY = {
    ProposedChangeKind.ADD_GOAL: {K.GOAL_ADDED},
    ProposedChangeKind.CHANGE_GOAL: {K.GOAL_CHANGED},
    ProposedChangeKind.REMOVE_GOAL: {K.GOAL_REMOVED},
    ProposedChangeKind.ADD_AREA: {K.AREA_ADDED},
    ProposedChangeKind.RENAME_AREA: {K.AREA_RENAMED},
    ProposedChangeKind.REMOVE_AREA: {K.AREA_REMOVED, K.AREA_MERGED},
    ProposedChangeKind.ADD_TEXT: {K.AREA_TEXT, K.SECTION_TEXT, K.SECTION_ADDED},
    ProposedChangeKind.CHANGE_TEXT: {K.AREA_TEXT, K.SECTION_TEXT, K.SECTION_RENAMED},
}
_ELEMENT = {Anchor.AREA: AREA, Anchor.GOAL: GOAL, Anchor.SECTION: SECTION}


def answers(proposed, change: Change) -> bool:
    """Does this change of a draft do what the proposed change asked?"""
    if change.kind not in ANSWERED_BY.get(proposed.kind, ()):
        return False
    if proposed.anchor == Anchor.DRAFT:
        # Text for the draft as a whole is answered by a new section only.
        return change.kind in {K.AREA_ADDED, K.SECTION_ADDED}
    ids = {change.new_id, change.old_id}
    if proposed.anchor == Anchor.AREA and change.element == GOAL:
        return change.area_id == proposed.anchor_id
    return change.element == _ELEMENT[proposed.anchor] and proposed.anchor_id in ids


def answering(proposal, made: list[Change]) -> list[Change]:
    """The changes made to a draft that answer any change the proposal asks for."""
    return [c for c in made if any(answers(p, c) for p in proposal.changes.all())]


def traced_on_draft(proposals) -> list["TracedProposal"]:
    """Each proposal with the changes made to its draft since it was sent out."""
    made_in: dict[int, list[Change]] = {}
    traced = []
    for proposal in proposals:
        round = proposal.statement.recipient.round
        if round.pk not in made_in:
            made_in[round.pk] = round_changes(round)
        traced.append(TracedProposal(proposal, made=answering(proposal, made_in[round.pk])))
    return traced


def _compatible(made: str, shown: str) -> bool:
    """A change made to a draft may show as another kind against an older
    version: a goal reworded after referral is 'added' if it is new since."""
    if made == shown:
        return True
    return (
        (made == K.AREA_RENAMED and shown in {K.AREA_ADDED, K.AREA_MERGED, K.AREA_SPLIT})
        or (made == K.GOAL_CHANGED and shown == K.GOAL_ADDED)
        or (made in {K.SECTION_TEXT, K.SECTION_RENAMED} and shown == K.SECTION_ADDED)
    )


def _corresponds(made: Change, shown: Change, lineage: Lineage) -> bool:
    if made.element != shown.element or not _compatible(made.kind, shown.kind):
        return False
    if made.new_id is not None and shown.new_id is not None:
        return made.new_id in lineage.ancestors(shown.element, shown.new_id)
    if made.old_id is not None and shown.old_id is not None and made.new_id is None and shown.new_id is None:
        return shown.old_id in lineage.ancestors(shown.element, made.old_id)
    return False


def round_changes(round: ConsultationRound, lineage: Lineage | None = None) -> list[Change]:
    """What was changed in the draft after it was sent out."""
    lineage = lineage or Lineage.of_agreement(round.version.agreement, round.snapshot)
    return diff(round.snapshot, elements(round.version), lineage)


@dataclass
class TracedProposal:
    proposal: AmendmentProposal
    made: list = field(default_factory=list)  # changes made to the draft after referral that answer it
    shown: list = field(default_factory=list)  # the changes between the compared versions that answer it

    @property
    def outcome(self):
        return self.proposal.current_outcome

    @property
    def mismatch(self) -> bool:
        """The recorded outcome and the text disagree."""
        outcome = self.outcome
        if outcome is None or not self.proposal.asks_for_change:
            return False
        if outcome.outcome == Outcome.REJECTED:
            return bool(self.made)
        return not self.made


def submitted_proposals(rounds):
    return (
        AmendmentProposal.objects.filter(
            statement__recipient__round__in=rounds, statement__status=StatementStatus.SUBMITTED
        )
        .select_related("statement__recipient__organisation", "statement__recipient__round")
        .prefetch_related("changes", "outcomes__adoption__decided_by", "outcomes__corrected_by")
        .order_by("statement__recipient__round__sent_on", "statement__recipient__organisation__name", "order")
    )


def _rounds_between(old, new) -> list[ConsultationRound]:
    """The rounds on the drafts that led from `old` (excluded) to `new`."""
    earlier, later = version_key(old), version_key(new)
    return [
        r
        for r in ConsultationRound.objects.filter(version__agreement=old.agreement).select_related("version")
        if earlier < version_key(r.version) <= later
    ]


def _lineage(old, rounds) -> Lineage:
    return Lineage.of_agreement(old.agreement, *(r.snapshot for r in rounds))


def compare(first, second) -> tuple:
    """The changes between two versions, the earlier first, and the
    proposals made on the drafts between them: (old, new, changes, traced).
    The lineage, with the drafts as sent out, is read once for both."""
    old, new = ordered(first, second)
    rounds = _rounds_between(old, new)
    lineage = _lineage(old, rounds)
    old, new, changes = version_diff(old, new, lineage=lineage)
    return old, new, changes, _trace(changes, rounds, lineage)


def trace(old, new, changes: list[Change]) -> list[TracedProposal]:
    """Attach to each change the proposals it answers, and return every
    proposal made on the drafts between the two versions with its changes."""
    rounds = _rounds_between(old, new)
    return _trace(changes, rounds, _lineage(old, rounds))


def _trace(changes: list[Change], rounds, lineage: Lineage) -> list[TracedProposal]:
    made_in = {r.pk: round_changes(r, lineage) for r in rounds}
    traced = []
    for proposal in submitted_proposals(rounds):
        if not proposal.asks_for_change:
            continue  # a view, not a proposed amendment
        item = TracedProposal(proposal)
        made = made_in[proposal.statement.recipient.round_id]
        item.made = answering(proposal, made)
        for change in changes:
            if any(_corresponds(m, change, lineage) for m in item.made):
                change.proposals.append(item)
                item.shown.append(change)
        traced.append(item)
    return traced
