"""Replays a configuration's consultation rounds (`consultations.toml`):
the referred drafts, the recipients with their extensions, responses,
amendment proposals, minutes items and the outcome of each proposal when
the version was adopted. Loading again changes nothing."""

from samverkan.accounts.models import Role, User
from samverkan.agreements.models import AgreementVersion
from samverkan.agreements.services import draft_revision
from samverkan.consultations import services
from samverkan.consultations.models import AmendmentProposal, Anchor, ConsultationRound, Statement
from samverkan.organisations.models import Organisation


def _anchor(round: ConsultationRound, change: dict) -> tuple[str, int | None]:
    snapshot = round.snapshot
    if "section" in change:
        section = next(s for s in snapshot["sections"] if s["heading"] == change["section"])
        return Anchor.SECTION, section["id"]
    if "area" not in change:
        return Anchor.DRAFT, None
    area = next(a for a in snapshot["areas"] if a["name"] == change["area"])
    if "goal" in change:
        return Anchor.GOAL, area["goals"][change["goal"] - 1]["id"]
    return Anchor.AREA, area["id"]


def _change(round: ConsultationRound, data: dict) -> dict:
    anchor, anchor_id = _anchor(round, data)
    return {
        "kind": data["kind"],
        "anchor": anchor,
        "anchor_id": anchor_id,
        "proposed_text": data.get("text", ""),
    }


def load_example_consultations(data: dict, *, municipality) -> list[ConsultationRound]:
    orgs = {o.name: o for o in Organisation.objects.filter(municipality=municipality)}
    user = User.objects.filter(role=Role.PREPARATION_GROUP, organisation__municipality=municipality).first()
    loaded = []
    for item in data.get("rounds", []):
        version = AgreementVersion.objects.get(
            agreement__municipality=municipality, case_number=item["version"]
        )
        existing = ConsultationRound.objects.filter(version=version, case_number=item["case_number"]).first()
        if existing is not None:
            loaded.append(existing)
            continue
        round = services.round_create(
            version=version,
            title=item["title"],
            case_number=item["case_number"],
            referred_by=orgs[item["referred_by"]],
            sent_on=item["sent_on"],
            deadline=item["deadline"],
            instructions=item.get("instructions", ""),
            source=item.get("source", ""),
            user=user,
            is_example=item.get("example", False),
            past=True,
        )
        outcomes: dict[int, tuple[str, str]] = {}
        for entry in item.get("recipients", []):
            outcomes |= _recipient(round, entry, orgs, user)
        adoption = item.get("adoption")
        if adoption:
            services.adoption_record_past(
                version=version,
                user=user,
                outcomes=outcomes,
                decided_by=orgs[adoption["decided_by"]],
                decided_on=adoption["decided_on"],
                valid_from=adoption["valid_from"],
                minutes_reference=adoption.get("minutes_reference", ""),
                source=adoption.get("source", ""),
                is_example=adoption.get("example", False),
            )
        loaded.append(round)
    for item in data.get("drafts", []):
        loaded.append(_draft_under_way(item, municipality, orgs, user))
    return loaded


def _draft_under_way(item: dict, municipality, orgs: dict, user) -> ConsultationRound:
    """A revision draft out for consultation now, changed since it was sent."""
    existing = ConsultationRound.objects.filter(
        version__agreement__municipality=municipality, case_number=item["case_number"]
    ).first()
    if existing is not None:
        return existing
    version = AgreementVersion.objects.get(agreement__municipality=municipality, case_number=item["from"])
    draft = draft_revision(version=version, label=item["label"], case_number=item["case_number"])
    draft.is_example = True
    draft.save()
    data = item["round"]
    round = services.round_create(
        version=draft,
        title=data["title"],
        case_number=item["case_number"],
        referred_by=orgs[data["referred_by"]],
        sent_on=data["sent_on"],
        deadline=data["deadline"],
        instructions=data.get("instructions", ""),
        user=user,
        is_example=True,
    )
    for entry in data.get("recipients", []):
        _recipient(round, entry, orgs, user)
    for change in item.get("after_round", []):
        area = draft.priority_areas.get(name=change["area"])
        area.name = change["rename"]
        services.area_save(area=area)
    return round


def _recipient(round, entry: dict, orgs: dict, user) -> dict:
    recipient = services.recipient_add(round=round, organisation=orgs[entry["org"]])
    if "extended_to" in entry:
        services.extension_grant(
            recipient=recipient, until=entry["extended_to"], reason=entry.get("extension_reason", "")
        )
    data = entry.get("statement")
    if data is None:
        return {}
    statement = services.statement_save(
        statement=Statement(
            recipient=recipient,
            case_number=data.get("case_number", ""),
            proposed_decision=data.get("proposed_decision", ""),
            summary=data.get("summary", ""),
            views=data.get("views", ""),
            goal_fulfilment=data.get("goal_fulfilment", ""),
            child_consequences=data.get("child_consequences", ""),
            is_example=data.get("example", True),
        )
    )
    for document in data.get("documents", []):
        services.document_add(statement=statement, reference=document["reference"], title=document["title"])
    outcomes = {}
    for order, item in enumerate(data.get("proposals", []), start=1):
        proposal = services.proposal_add(
            proposal=AmendmentProposal(
                statement=statement,
                heading=item["heading"],
                justification=item.get("justification", ""),
                origin=item.get("origin", "statement"),
                put_forward_by=item.get("put_forward_by", ""),
                order=order,
                is_example=data.get("example", True),
            ),
            changes=[_change(round, change) for change in item["changes"]],
        )
        if "outcome" in item:
            outcomes[proposal.pk] = (item["outcome"]["outcome"], item["outcome"].get("comment", ""))
    if not data.get("draft"):
        services.statement_submit(statement=statement, answered_on=data["answered_on"])
    minutes = data.get("minutes")
    if minutes:
        services.minutes_record(
            statement=statement,
            committee=recipient.organisation,
            meeting_date=minutes["meeting_date"],
            paragraph=minutes["paragraph"],
            case_number=minutes.get("case_number", ""),
            decision=minutes["decision"],
            outcome=minutes["outcome"],
            order_of_decision=minutes.get("order_of_decision", ""),
            proposals=[
                {
                    "label": p["label"],
                    "movers": p.get("movers", ""),
                    "parties": p.get("parties", ""),
                    "text": p.get("text", ""),
                    "is_administration": p.get("is_administration", False),
                    "adopted": p.get("adopted", False),
                }
                for p in minutes.get("proposals", [])
            ],
            dissents=[dict(d) for d in minutes.get("dissents", [])],
            minutes_statements=[dict(s) for s in minutes.get("minutes_statements", [])],
            user=user,
            source=minutes.get("source", ""),
            is_example=minutes.get("example", False),
        )
    return outcomes
