"""Consultation rounds (remiss) on a draft agreement, the statements of the
committees and companies, the committees' minutes, and what became of each
proposed amendment when the version was adopted.

Recorded decisions (minutes items, adoptions, proposal outcomes) are never
edited: a correction is a new record that names the one it corrects and
says why.
"""

from samverkan.consultations.models.decisions import (
    Dissent,
    MinutesItem,
    MinutesOutcome,
    MinutesPosition,
    MinutesProposal,
    MinutesStatement,
    MinutesStatementKind,
    Outcome,
    ProposalOutcome,
    Recorded,
    VersionAdoption,
)
from samverkan.consultations.models.rounds import (
    ConsultationRound,
    Recipient,
    RecipientStatus,
)
from samverkan.consultations.models.statements import (
    ANCHORS_FOR,
    CASE_NUMBER,
    AmendmentProposal,
    Anchor,
    Attachment,
    DocumentReference,
    ProposalOrigin,
    ProposedChange,
    ProposedChangeKind,
    Statement,
    StatementStatus,
    attachment_path,
    valid_case_number,
)

__all__ = [
    "ANCHORS_FOR",
    "AmendmentProposal",
    "Anchor",
    "Attachment",
    "CASE_NUMBER",
    "ProposedChangeKind",
    "ConsultationRound",
    "Dissent",
    "DocumentReference",
    "MinutesItem",
    "MinutesOutcome",
    "MinutesPosition",
    "MinutesProposal",
    "MinutesStatement",
    "MinutesStatementKind",
    "Outcome",
    "ProposalOrigin",
    "ProposalOutcome",
    "ProposedChange",
    "Recipient",
    "RecipientStatus",
    "Recorded",
    "Statement",
    "StatementStatus",
    "VersionAdoption",
    "attachment_path",
    "valid_case_number",
]
