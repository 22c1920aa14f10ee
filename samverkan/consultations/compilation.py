"""The compilation of a consultation round: what every recipient said
about each element of the draft as it was sent out, and where each
recipient's response stands."""

from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.consultations.models import Anchor, ConsultationRound, ProposedChangeKind, StatementStatus
from samverkan.consultations.tracing import answers, round_changes, submitted_proposals


def _entry(proposal, change, made: bool) -> dict:
    outcome = proposal.current_outcome
    return {
        "proposal": proposal,
        "organisation": proposal.statement.recipient.organisation.name,
        "origin": proposal.get_origin_display(),
        "put_forward_by": proposal.put_forward_by,
        "heading": proposal.heading,
        "kind": change.get_kind_display(),
        "is_comment": change.kind == ProposedChangeKind.COMMENT,
        "text": change.proposed_text,
        "justification": proposal.justification,
        "outcome": outcome.get_outcome_display() if outcome else "",
        "made": made,
    }


def compile_round(round: ConsultationRound, today=None) -> dict:
    today = today or timezone.localdate()
    made = round_changes(round)
    by_anchor: dict[tuple, list] = {}
    for proposal in submitted_proposals([round]):
        for change in proposal.changes.all():
            done = any(answers(change, m) for m in made)
            by_anchor.setdefault((change.anchor, change.anchor_id), []).append(_entry(proposal, change, done))

    snapshot = round.snapshot
    rows = [
        {
            "kind": Anchor.DRAFT,
            "label": _("The draft as a whole"),
            "entries": by_anchor.get((Anchor.DRAFT, None), []),
        }
    ]
    for area in snapshot.get("areas", []):
        rows.append(
            {
                "kind": Anchor.AREA,
                "label": area["name"],
                "text": area["description"],
                "entries": by_anchor.get((Anchor.AREA, area["id"]), []),
                "goals": [
                    {
                        "number": number,
                        "label": goal["text"],
                        "entries": by_anchor.get((Anchor.GOAL, goal["id"]), []),
                    }
                    for number, goal in enumerate(area["goals"], start=1)
                ],
            }
        )
    for section in snapshot.get("sections", []):
        rows.append(
            {
                "kind": Anchor.SECTION,
                "label": section["heading"],
                "text": section["body"],
                "entries": by_anchor.get((Anchor.SECTION, section["id"]), []),
            }
        )

    recipients = []
    drafts_hidden = 0
    for recipient in round.recipients.select_related("organisation").prefetch_related(
        "statement__minutes__proposals", "statement__documents"
    ):
        written = getattr(recipient, "statement", None)
        drafts_hidden += written is not None and written.status == StatementStatus.DRAFT
        statement = recipient.submitted_statement
        minutes = statement.current_minutes if statement else None
        recipients.append(
            {
                "recipient": recipient,
                "organisation": recipient.organisation.name,
                "deadline": recipient.deadline,
                "extended": recipient.extended_to is not None,
                "status": recipient.status(today),
                "status_label": recipient.status_label(today),
                "statement": statement,
                "minutes": minutes,
            }
        )
    answered = sum(1 for r in recipients if r["statement"] is not None)
    return {
        "round": round,
        "rows": rows,
        "recipients": recipients,
        "answered": answered,
        "entries": sum(len(v) for v in by_anchor.values()),
        "made": made,
        "today": today,
        "drafts_hidden": drafts_hidden,
    }
