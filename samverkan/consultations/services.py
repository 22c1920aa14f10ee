"""Every write of the revision lifecycle: drafts, rounds, responses, minutes,
adoption and outcomes. Each validates fully before it saves; the audit log
records every save through its signals."""

import datetime as dt
import hashlib
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from samverkan.agreements.models import AgreementVersion, Goal, PriorityArea, TextSection, VersionStatus
from samverkan.agreements.revision import elements
from samverkan.agreements.services import AlreadyAdopted, area_renamed, version_chain_fit
from samverkan.consultations.attachments import ATTACHMENT_MAX_BYTES, ATTACHMENT_TYPES
from samverkan.consultations.models import (
    AmendmentProposal,
    Anchor,
    Attachment,
    ConsultationRound,
    Dissent,
    DocumentReference,
    MinutesItem,
    MinutesProposal,
    MinutesStatement,
    Outcome,
    ProposalOutcome,
    ProposedChange,
    Recipient,
    Statement,
    StatementStatus,
    VersionAdoption,
)
from samverkan.consultations.selectors import (
    anchor_labels,
    proposal_origins,
    proposals_to_decide,
    serving,
    unanswered,
)
from samverkan.core.file_texts import first_identity_number
from samverkan.core.i18n import in_site_language
from samverkan.core.personal_data import masked, refuse_identity_number_in_name
from samverkan.notifications.services import notify, people_of


def _saved(instance):
    instance.full_clean()
    instance.save()
    return instance


# --- editing a draft ---------------------------------------------------------------


def _draft(version: AgreementVersion) -> AgreementVersion:
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(_("Only a draft can be changed; an adopted version is revised by a new draft."))
    return version


@transaction.atomic
def area_save(*, area: PriorityArea) -> PriorityArea:
    _draft(area.version)
    renamed = area.pk is not None and PriorityArea.objects.get(pk=area.pk).name != area.name
    _saved(area)
    if renamed:
        area_renamed(area)
    return area


@transaction.atomic
def goal_save(*, goal: Goal) -> Goal:
    _draft(goal.priority_area.version)
    if goal.pk is None and not goal.order:
        goal.order = goal.priority_area.goals.count() + 1
    return _saved(goal)


@transaction.atomic
def section_save(*, section: TextSection) -> TextSection:
    _draft(section.version)
    if section.pk is None and not section.order:
        section.order = section.version.sections.count() + 1
    return _saved(section)


@transaction.atomic
def element_delete(*, element) -> None:
    version = element.version if hasattr(element, "version") else element.priority_area.version
    _draft(version)
    element.delete()


# --- consultation rounds ----------------------------------------------------------


@transaction.atomic
def round_create(
    *,
    version: AgreementVersion,
    title: str,
    case_number: str,
    referred_by,
    sent_on: dt.date,
    deadline: dt.date,
    recipients=(),
    instructions: str = "",
    user=None,
    source: str = "",
    is_example: bool = False,
    past: bool = False,
) -> ConsultationRound:
    """Send a draft out for consultation; the draft as it is now is kept with
    the round, so the responses can be read against what they were sent.
    `past` records a round held before the agreement was registered here,
    on the version it led to."""
    if version.status != VersionStatus.DRAFT and not past:
        raise ValidationError(_("Only a draft is sent out for consultation."))
    consultation = _saved(
        ConsultationRound(
            version=version,
            title=title,
            case_number=case_number,
            referred_by=referred_by,
            sent_on=sent_on,
            deadline=deadline,
            instructions=instructions,
            snapshot=elements(version),
            created_by=user,
            source=source,
            is_example=is_example,
        )
    )
    for organisation in recipients:
        recipient_add(round=consultation, organisation=organisation)
    return consultation


def _open(round: ConsultationRound) -> ConsultationRound:
    if round.is_closed:
        raise ValidationError(_("The round is closed: the draft has been adopted."))
    return round


@transaction.atomic
def recipient_add(*, round: ConsultationRound, organisation) -> Recipient:
    _open(round)
    if round.recipients.filter(organisation=organisation).exists():
        raise ValidationError(_("%(org)s is already a recipient.") % {"org": organisation})
    return _saved(Recipient(round=round, organisation=organisation))


@transaction.atomic
def extension_grant(*, recipient: Recipient, until: dt.date, reason: str = "") -> Recipient:
    if recipient.submitted_statement is not None:
        raise ValidationError(_("The recipient has already answered."))
    _open(recipient.round)
    before = recipient.extended_to, recipient.extension_reason
    recipient.extended_to, recipient.extension_reason = until, reason
    try:
        return _saved(recipient)
    except ValidationError:
        recipient.extended_to, recipient.extension_reason = before
        raise


@in_site_language
@transaction.atomic
def reminders_send(*, round: ConsultationRound, today: dt.date | None = None, url: str = "") -> int:
    """Remind each recipient that has not answered, once per day at most."""
    today = today or timezone.localdate()
    if round.is_closed:
        return 0
    sent = 0
    for recipient in round.recipients.select_related("organisation").prefetch_related("statement"):
        if recipient.submitted_statement is not None:
            continue
        sent += notify(
            people_of(serving(recipient.organisation)),
            key=f"consultation:{recipient.pk}:{today}",
            message=gettext_noop("Consultation %(case)s: the response from %(org)s is due %(date)s."),
            params={
                "case": round.case_number,
                "org": recipient.organisation.name,
                "date": f"{recipient.deadline:%Y-%m-%d}",
            },
            url=url,
        )
    return sent


# --- responses ---------------------------------------------------------------------


def _editable(statement: Statement) -> Statement:
    if statement.is_submitted:
        raise ValidationError(_("The response has been submitted and can no longer be changed."))
    _open(statement.recipient.round)
    return statement


@transaction.atomic
def statement_save(*, statement: Statement) -> Statement:
    _editable(Statement.objects.get(pk=statement.pk) if statement.pk is not None else statement)
    return _saved(statement)


@transaction.atomic
def statement_submit(*, statement: Statement, answered_on: dt.date | None = None) -> Statement:
    _editable(statement)
    if not (statement.proposed_decision.strip() and statement.summary.strip()):
        raise ValidationError(
            _("A response states its proposed decision and a summary before it is submitted.")
        )
    statement.status = StatementStatus.SUBMITTED
    statement.submitted_on = answered_on or timezone.localdate()
    return _saved(statement)


@transaction.atomic
def document_add(*, statement: Statement, reference: str, title: str) -> DocumentReference:
    if statement.documents.filter(reference=reference.strip()).exists():
        raise ValidationError({"reference": _("That document is already listed.")})
    return _saved(DocumentReference(statement=statement, reference=reference.strip(), title=title))


@transaction.atomic
def attachment_add(*, statement: Statement, title: str, name: str, data: bytes, user) -> Attachment:
    """Keep a file with the response, after reading it for personal identity
    numbers: an attachment is free text too."""
    _editable(statement)
    try:
        refuse_identity_number_in_name(name)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    suffix = PurePath(name).suffix.lower()
    if suffix not in ATTACHMENT_TYPES:
        raise ValidationError({"file": _("Attach a PDF, Word (.docx) or text file.")})
    if len(data) > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 20 MB.")})
    try:
        # Every part of it: the text, properties, comments, links, outline, embedded files.
        found = first_identity_number(name, data)
    except Exception as error:  # a damaged file of any of the three kinds
        raise ValidationError({"file": _("The file cannot be read: %(error)s") % {"error": error}}) from error
    if found is not None:
        raise ValidationError(
            {
                "file": _(
                    "The file holds what looks like a Swedish personal identity number or coordination "
                    "number (%(number)s) in %(part)s. Samverkan must not hold personal data about "
                    "individuals: remove it and attach the file again; nothing was kept."
                )
                % {"number": found.match.masked, "part": masked(found.part)}
            }
        )
    attachment = Attachment(
        statement=statement,
        title=title,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        uploaded_by=user,
    )
    attachment.file.save(PurePath(name).name, ContentFile(data), save=False)
    return _saved(attachment)


@transaction.atomic
def proposal_add(*, proposal: AmendmentProposal, changes: list[dict[str, Any]]) -> AmendmentProposal:
    """An amendment proposal with its concrete changes, each anchored to an
    element of the draft as it was sent out."""
    statement = proposal.statement
    if proposal.origin not in proposal_origins(statement):
        _editable(statement)
    if not changes:
        raise ValidationError(_("Name at least one change the proposal asks for."))
    if not proposal.order:
        proposal.order = statement.proposals.count() + 1
    _saved(proposal)
    labels = anchor_labels(statement.recipient.round)
    for change in changes:
        _change_save(proposal, change, labels)
    return proposal


@transaction.atomic
def change_add(*, proposal, change: dict) -> ProposedChange:
    """One more concrete change for a proposal, anchored to an element of
    the draft as it was sent out."""
    if proposal.origin not in proposal_origins(proposal.statement):
        _editable(proposal.statement)
    return _change_save(proposal, change, anchor_labels(proposal.statement.recipient.round))


def _change_save(proposal, change: dict, labels: dict) -> ProposedChange:
    key = (change.get("anchor", Anchor.DRAFT), change.get("anchor_id"))
    if key not in labels:
        raise ValidationError(_("The change concerns an element that is not in the draft as sent out."))
    return _saved(
        ProposedChange(
            proposal=proposal,
            kind=change["kind"],
            anchor=key[0],
            anchor_id=key[1],
            anchor_label=labels[key][:500],
            proposed_text=change.get("proposed_text", ""),
            order=proposal.changes.count() + 1,
        )
    )


# --- recorded decisions ------------------------------------------------------------


@transaction.atomic
def minutes_record(
    *,
    statement: Statement,
    committee,
    meeting_date: dt.date,
    paragraph: str,
    decision: str,
    outcome: str,
    user,
    case_number: str = "",
    order_of_decision: str = "",
    proposals=(),
    dissents=(),
    minutes_statements=(),
    corrects: MinutesItem | None = None,
    correction_reason: str = "",
    source: str = "",
    is_example: bool = False,
) -> MinutesItem:
    """Record a committee's minutes item with its competing proposals (in the
    order they were put), dissents and statements. A correction is a new
    item naming the one it corrects; nothing recorded is changed."""
    if corrects is not None and corrects.statement_id != statement.pk:
        raise ValidationError(_("A correction corrects an item of the same response."))
    if sum(1 for p in proposals if p.get("adopted")) > 1:
        raise ValidationError(_("Only one of the competing proposals can be the decision."))
    item = _saved(
        MinutesItem(
            statement=statement,
            committee=committee,
            meeting_date=meeting_date,
            paragraph=paragraph,
            case_number=case_number,
            decision=decision,
            outcome=outcome,
            order_of_decision=order_of_decision,
            recorded_by=user,
            corrects=corrects,
            correction_reason=correction_reason,
            source=source,
            is_example=is_example,
        )
    )
    by_position = {}
    for position, data in enumerate(proposals, start=1):
        by_position[position] = _saved(MinutesProposal(item=item, position=position, **data))

    def supported(data):
        position = data.pop("supports", None)
        if position in (None, ""):
            return None
        if int(position) not in by_position:
            raise ValidationError(_("A dissent or statement supports a proposal that is not in the item."))
        return by_position[int(position)]

    for data in dissents:
        data = dict(data)
        _saved(Dissent(item=item, supports=supported(data), **data))
    for data in minutes_statements:
        data = dict(data)
        _saved(MinutesStatement(item=item, supports=supported(data), **data))
    return item


@transaction.atomic
def version_adopt(
    *,
    version: AgreementVersion,
    decided_by,
    decided_on: dt.date,
    valid_from: dt.date,
    user,
    outcomes: dict,
    valid_to: dt.date | None = None,
    minutes_reference: str = "",
    backdating_reason: str = "",
    unanswered_confirmed: bool = False,
    source: str = "",
    is_example: bool = False,
) -> VersionAdoption:
    """Adopt a draft as the agreement's new version, and record what became
    of every amendment proposal made on it. The version in force ends the
    day before; a start in the past needs a reason; adopting while
    recipients have not answered needs their names confirmed, and closes
    the round. A draft adopted meanwhile (a repeated submit) raises
    AlreadyAdopted and changes nothing."""
    version = AgreementVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise AlreadyAdopted(_("This draft has already been adopted."))
    today = timezone.localdate()
    if decided_on > today:
        raise ValidationError(
            {
                "decided_on": _("A decision cannot be dated in the future (today is %(today)s).")
                % {"today": today}
            }
        )
    if valid_from < today and not backdating_reason.strip():
        raise ValidationError(
            {"backdating_reason": _("The version would apply from a day in the past: say why.")}
        )
    waiting = [str(recipient.organisation) for recipient in unanswered(version)]
    if waiting and not unanswered_confirmed:
        raise ValidationError(
            {
                "confirm_unanswered": _(
                    "These recipients have not answered: %(names)s. Confirm that the version is "
                    "adopted without their responses."
                )
                % {"names": ", ".join(waiting)}
            }
        )
    missing = [p for p in proposals_to_decide(version) if p.pk not in outcomes]
    if missing:
        raise ValidationError(
            _("Record what became of every amendment proposal: %(names)s.")
            % {"names": "; ".join(p.heading for p in missing)}
        )
    adoption = _saved(
        VersionAdoption(
            version=version,
            decided_by=decided_by,
            decided_on=decided_on,
            minutes_reference=minutes_reference,
            valid_from=valid_from,
            valid_to=valid_to,
            backdating_reason=backdating_reason.strip(),
            unanswered=", ".join(waiting),
            recorded_by=user,
            source=source,
            is_example=is_example,
        )
    )
    _apply(adoption)
    _record_outcomes(adoption, outcomes, user)
    return adoption


def _record_outcomes(adoption: VersionAdoption, outcomes: dict, user) -> None:
    for proposal in proposals_to_decide(adoption.version):
        outcome, comment = outcomes[proposal.pk]
        _saved(
            ProposalOutcome(
                proposal=proposal,
                adoption=adoption,
                outcome=outcome,
                comment=comment,
                recorded_by=user,
                is_example=adoption.is_example,
            )
        )


@transaction.atomic
def adoption_record_past(*, version: AgreementVersion, user, outcomes: dict, **fields) -> VersionAdoption:
    """Record the adoption of a version that is already registered as
    adopted (an agreement that predates Samverkan), with the outcome of the
    proposals made on it. The record must agree with the version."""
    if version.status != VersionStatus.ADOPTED or version.valid_from != fields["valid_from"]:
        raise ValidationError(_("The recorded adoption does not agree with the registered version."))
    if version.adoptions.exists():
        raise ValidationError(_("The adoption of this version is already recorded."))
    adoption = _saved(VersionAdoption(version=version, recorded_by=user, **fields))
    _record_outcomes(adoption, outcomes, user)
    return adoption


def _apply(adoption: VersionAdoption) -> None:
    version = adoption.version
    version_chain_fit(version=version, valid_from=adoption.valid_from, valid_to=adoption.valid_to)
    version.status = VersionStatus.ADOPTED
    version.valid_from = adoption.valid_from
    version.valid_to = adoption.valid_to
    version.decided_on = adoption.decided_on
    version.decided_by = adoption.decided_by.name
    predecessor = version.drafted_from
    if predecessor is not None and version.supersedes_id is None:
        taken = getattr(predecessor, "superseded_by", None)
        if taken is not None and taken.pk != version.pk:
            raise ValidationError(
                _("%(old)s has already been replaced by %(new)s.") % {"old": predecessor, "new": taken}
            )
        version.supersedes = predecessor
    _saved(version)


@transaction.atomic
def adoption_correct(*, adoption: VersionAdoption, reason: str, user, **fields) -> VersionAdoption:
    """Correct the recorded adoption (e.g. a wrong date) by a new record."""
    data = {
        "decided_by": adoption.decided_by,
        "decided_on": adoption.decided_on,
        "minutes_reference": adoption.minutes_reference,
        "valid_from": adoption.valid_from,
        "valid_to": adoption.valid_to,
        "source": adoption.source,
    } | fields
    correction = _saved(
        VersionAdoption(
            version=adoption.version, corrects=adoption, correction_reason=reason, recorded_by=user, **data
        )
    )
    _apply(correction)
    return correction


@transaction.atomic
def outcome_correct(*, outcome: ProposalOutcome, new_outcome: str, comment: str, reason: str, user):
    if new_outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    return _saved(
        ProposalOutcome(
            proposal=outcome.proposal,
            adoption=outcome.adoption,
            outcome=new_outcome,
            comment=comment,
            corrects=outcome,
            correction_reason=reason,
            recorded_by=user,
        )
    )
