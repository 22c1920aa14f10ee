"""Consultations, decisions and revisions: drafting from the version in
force, the difference between versions, the referral round with its
extensions and statuses, responses and their amendment proposals, minutes
items that are corrected only by new records, adoption with the outcome of
every proposal, and the seeds replayed as a scenario."""

import datetime as dt
import io
import subprocess
import tomllib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from samverkan.accounts.models import Role, User
from samverkan.agreements.models import AgreementVersion, LineageKind, TextSection, VersionStatus
from samverkan.agreements.revision import VersionChangeKind, version_diff, word_diff
from samverkan.agreements.services import draft_revision
from samverkan.audit.models import AuditEvent
from samverkan.calendar import registry
from samverkan.calendar.services import reminders_send
from samverkan.consultations import selectors, services
from samverkan.consultations.compilation import compile_round
from samverkan.consultations.demo import load_example_consultations
from samverkan.consultations.exports import compilation_docx, diff_docx
from samverkan.consultations.models import (
    AmendmentProposal,
    Anchor,
    ConsultationRound,
    MinutesItem,
    MinutesStatementKind,
    Outcome,
    ProposalOutcome,
    RecipientStatus,
    Statement,
)
from samverkan.consultations.tracing import trace
from samverkan.notifications.models import Notification
from samverkan.organisations.models import Organisation

CONFIG = Path(__file__).parent.parent / "samverkan/configurations/stockholm"
SCENARIO = tomllib.loads((CONFIG / "consultations.toml").read_text())
PNR = "19811228-9874"


@pytest.fixture
def scenario(stockholm):
    return load_example_consultations(SCENARIO, municipality=stockholm)


@pytest.fixture
def central(stockholm):
    return AgreementVersion.objects.get(case_number="KS 2023/740")


def org(name):
    return Organisation.objects.get(name=name)


def preparation():
    return User.objects.get(username="beredning")


def new_round(draft, *recipients, deadline=dt.date(2027, 9, 30)):
    return services.round_create(
        version=draft,
        title="Remiss av reviderad överenskommelse",
        case_number="KS 2027/100",
        referred_by=org("Kommunstyrelsen"),
        sent_on=dt.date(2027, 6, 1),
        deadline=deadline,
        recipients=[org(name) for name in recipients],
        user=preparation(),
    )


def submitted(recipient, *, on=dt.date(2027, 9, 1), proposals=()):
    statement = services.statement_save(
        statement=Statement(
            recipient=recipient, proposed_decision="Nämnden överlämnar svaret.", summary="Positiv."
        )
    )
    for heading, changes in proposals:
        services.proposal_add(
            proposal=AmendmentProposal(statement=statement, heading=heading), changes=changes
        )
    return services.statement_submit(statement=statement, answered_on=on)


def area_of(version, name):
    return version.priority_areas.get(name=name)


VICTIMS = "Särskilt utsatta och sårbara brottsoffer"
YOUNG = "Unga i riskzon för destruktivt beteende"


# --- drafts and the difference ----------------------------------------------------------


def test_a_revision_draft_copies_the_version_in_force_and_keeps_identity(central):
    draft = draft_revision(version=central, label="Utkast 2027", case_number="KS 2027/100")
    assert draft.status == VersionStatus.DRAFT and draft.drafted_from == central
    assert [a.name for a in draft.priority_areas.all()] == [a.name for a in central.priority_areas.all()]
    copy = area_of(draft, VICTIMS)
    assert copy.lineage_in.get().from_area == area_of(central, VICTIMS)
    assert [g.predecessor.text for g in copy.goals.all()] == [
        g.text for g in area_of(central, VICTIMS).goals.all()
    ]
    assert [s.predecessor.heading for s in draft.sections.all()] == [
        s.heading for s in central.sections.all()
    ]
    assert set(draft.parties.all()) == set(central.parties.all())
    # Nothing changed yet, so nothing differs.
    assert version_diff(central, draft)[2] == []
    with pytest.raises(ValidationError, match="finns redan ett revideringsutkast"):
        draft_revision(version=central, label="Ett till")
    with pytest.raises(ValidationError, match="antagen version"):
        draft_revision(version=draft, label="Utkast av utkast")


def test_the_difference_names_every_kind_of_change(central):
    draft = draft_revision(version=central, label="Utkast 2027")
    victims = area_of(draft, VICTIMS)
    victims.name = "Särskilt utsatta och sårbara brottsoffer och vittnen"
    services.area_save(area=victims)
    assert victims.lineage_in.get().kind == LineageKind.RENAMED
    third = victims.goals.get(order=3)
    third.text = "Stödet till särskilt utsatta och sårbara brottsoffer och vittnen stärks i samverkan."
    services.goal_save(goal=third)
    services.element_delete(element=victims.goals.get(order=2))
    young = area_of(draft, YOUNG)
    services.goal_save(
        goal=young.goals.model(priority_area=young, text="Unga får god behandling och uppföljning.")
    )
    services.element_delete(element=area_of(draft, "Systemhotande brottslighet"))
    section = draft.sections.get(heading="Mål")
    section.body += " Barn ska särskilt prioriteras."
    services.section_save(section=section)
    services.section_save(section=TextSection(version=draft, heading="Vittnen", body="Vittnen får stöd."))

    old, new, changes = version_diff(draft, central)  # either order: the earlier comes first
    assert (old, new) == (central, draft)
    kinds = {(c.kind, c.after or c.before) for c in changes}
    assert (VersionChangeKind.AREA_RENAMED, "Särskilt utsatta och sårbara brottsoffer och vittnen") in kinds
    assert (VersionChangeKind.GOAL_CHANGED, third.text) in kinds
    assert (VersionChangeKind.GOAL_REMOVED, "Utsatta grupper får information om stöd.") in kinds
    assert (VersionChangeKind.GOAL_ADDED, "Unga får god behandling och uppföljning.") in kinds
    assert (VersionChangeKind.AREA_REMOVED, "Systemhotande brottslighet") in kinds
    assert (VersionChangeKind.SECTION_ADDED, "Vittnen får stöd.") in kinds
    text = next(c for c in changes if c.kind == VersionChangeKind.SECTION_TEXT)
    assert ("added", "Barn ska särskilt prioriteras.") in text.words
    assert len(changes) == 7
    # An adopted version is not edited in place.
    with pytest.raises(ValidationError, match="Bara ett utkast kan ändras"):
        services.area_save(area=area_of(central, YOUNG))


def test_word_diff_marks_removed_and_added_words():
    assert word_diff("brottsligheten ska minska", "den faktiska brottsligheten ska minska") == [
        ("added", "den faktiska"),
        ("same", "brottsligheten ska minska"),
    ]


# --- the round -----------------------------------------------------------------------------


def test_status_per_recipient_follows_deadline_extension_and_answer(central):
    draft = draft_revision(version=central, label="Utkast 2027")
    round = new_round(draft, "Idrottsnämnden", "Södermalms stadsdelsnämnd", "AB Stockholmshem")
    sport, soder, company = (
        round.recipients.get(organisation__name=n)
        for n in ("Idrottsnämnden", "Södermalms stadsdelsnämnd", "AB Stockholmshem")
    )
    assert round.snapshot["areas"][0]["name"] == YOUNG
    services.extension_grant(recipient=sport, until=dt.date(2027, 10, 20), reason="Sammanträde i oktober")
    with pytest.raises(ValidationError):
        services.extension_grant(recipient=soder, until=dt.date(2027, 9, 1))  # before the deadline
    submitted(soder, on=dt.date(2027, 9, 29))
    submitted(company, on=dt.date(2027, 10, 2))
    on = dt.date(2027, 10, 5)
    assert soder.status(on) == RecipientStatus.ANSWERED
    assert company.status(on) == RecipientStatus.LATE  # answered after the deadline
    assert sport.status(on) == RecipientStatus.NOT_ANSWERED  # its extension runs to 20 October
    assert sport.status(dt.date(2027, 10, 21)) == RecipientStatus.LATE
    with pytest.raises(ValidationError, match="redan svarat"):
        services.extension_grant(recipient=soder, until=dt.date(2027, 12, 1))


def test_deadlines_are_in_the_calendar_and_reminders_reach_those_who_have_not_answered(central, cast):
    draft = draft_revision(version=central, label="Utkast 2027")
    round = new_round(draft, "Norra innerstadens stadsdelsnämnd", "Södermalms stadsdelsnämnd")
    submitted(round.recipients.get(organisation__name="Södermalms stadsdelsnämnd"))
    items = [
        i
        for i in registry.items(
            central.agreement.municipality, dt.date(2027, 9, 1), dt.date(2027, 10, 31), routine=False
        )
        if i.kind == "consultation"
    ]
    assert {(i.title, i.done) for i in items} == {
        ("KS 2027/100: Norra innerstadens stadsdelsnämnd", False),
        ("KS 2027/100: Södermalms stadsdelsnämnd", True),
    }
    coordinator = cast[
        Role.DISTRICT_COORDINATOR
    ]  # Norra innerstaden's administration answers for its committee
    assert reminders_send(central.agreement.municipality, dt.date(2027, 9, 16)) >= 1
    assert Notification.objects.filter(user=coordinator, key__contains="consultation").count() == 1
    assert not Notification.objects.filter(
        user=cast["other_coordinator"], key__contains="consultation"
    ).exists()
    # Norra innerstaden's coordinator and steering-group member, once a day.
    assert services.reminders_send(round=round, today=dt.date(2027, 9, 20)) == 2
    assert services.reminders_send(round=round, today=dt.date(2027, 9, 20)) == 0  # once a day


def test_a_submitted_statement_is_frozen_and_needs_its_decision_and_summary(central):
    draft = draft_revision(version=central, label="Utkast 2027")
    recipient = new_round(draft, "Idrottsnämnden").recipients.get()
    statement = services.statement_save(
        statement=Statement(recipient=recipient, proposed_decision="Överlämnar.")
    )
    with pytest.raises(ValidationError, match="sammanfattning"):
        services.statement_submit(statement=statement)
    statement.summary = "Positiv."
    services.statement_submit(statement=statement, answered_on=dt.date(2027, 9, 1))
    statement.summary = "Ändrad i efterhand"
    with pytest.raises(ValidationError, match="kan inte längre ändras"):
        services.statement_save(statement=statement)
    with pytest.raises(ValidationError, match="SÖD 2023/713-2"):
        services.document_add(statement=statement, reference="dnr 713", title="Tjänsteutlåtande")


def test_documents_and_attachments_refuse_personal_identity_numbers(central, cast):
    draft = draft_revision(version=central, label="Utkast 2027")
    recipient = new_round(draft, "Idrottsnämnden").recipients.get()
    statement = services.statement_save(statement=Statement(recipient=recipient, summary="Utkast"))
    services.document_add(statement=statement, reference="IDN 2027/12-2", title="Tjänsteutlåtande")
    with pytest.raises(ValidationError, match="personnummer"):
        services.attachment_add(
            statement=statement,
            title="Bilaga",
            name="bilaga.txt",
            data=f"Kontaktperson {PNR}".encode(),
            user=cast[Role.PREPARATION_GROUP],
        )
    with pytest.raises(ValidationError, match="PDF"):
        services.attachment_add(
            statement=statement, title="Bild", name="bild.png", data=b"x", user=cast[Role.PREPARATION_GROUP]
        )
    from docx import Document

    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("Förvaltningens synpunkter på förslaget.")
    document.save(buffer)
    attachment = services.attachment_add(
        statement=statement,
        title="Bilaga 1",
        name="bilaga.docx",
        data=buffer.getvalue(),
        user=cast[Role.PREPARATION_GROUP],
    )
    assert attachment.size == len(buffer.getvalue()) and len(attachment.sha256) == 64
    assert attachment.file.read() == buffer.getvalue()


@pytest.mark.parametrize("part", ["header", "footer", "comment", "table", "split run", "properties"])
def test_every_part_of_a_word_attachment_is_read_for_numbers(central, cast, part):
    from docx import Document

    draft = draft_revision(version=central, label="Utkast 2027")
    recipient = new_round(draft, "Idrottsnämnden").recipients.get()
    statement = services.statement_save(statement=Statement(recipient=recipient, summary="Utkast"))
    document = Document()
    paragraph = document.add_paragraph("Förvaltningens synpunkter.")
    hidden = f"Kontakt 811228{chr(0x2011)}9874"  # with a non-breaking hyphen
    if part == "header":
        document.sections[0].header.paragraphs[0].text = hidden
    elif part == "footer":
        document.sections[0].footer.paragraphs[0].text = hidden
    elif part == "comment":
        document.add_comment(paragraph.runs, text=hidden, author="Handläggare")
    elif part == "table":
        document.add_table(rows=1, cols=1).cell(0, 0).text = hidden
    elif part == "split run":
        split = document.add_paragraph("Kontakt 8112")
        split.add_run("28-98")
        split.add_run("74")
    else:
        document.core_properties.subject = hidden
    buffer = io.BytesIO()
    document.save(buffer)
    with pytest.raises(ValidationError, match="personnummer"):
        services.attachment_add(
            statement=statement, title="Bilaga", name="bilaga.docx", data=buffer.getvalue(), user=None
        )
    assert not statement.attachments.exists()


def test_an_attachment_whose_name_holds_a_number_is_refused(central, cast):
    draft = draft_revision(version=central, label="Utkast 2027")
    recipient = new_round(draft, "Idrottsnämnden").recipients.get()
    statement = services.statement_save(statement=Statement(recipient=recipient, summary="Utkast"))
    with pytest.raises(ValidationError, match="Filnamnet") as error:
        services.attachment_add(
            statement=statement, title="Bilaga", name=f"yttrande {PNR}.txt", data=b"Synpunkter.", user=None
        )
    assert "9874" not in str(error.value)
    assert not statement.attachments.exists()


def test_a_change_is_anchored_to_an_element_of_the_draft_as_sent_out(central):
    draft = draft_revision(version=central, label="Utkast 2027")
    round = new_round(draft, "Idrottsnämnden")
    statement = services.statement_save(statement=Statement(recipient=round.recipients.get(), summary="x"))
    victims = area_of(draft, VICTIMS)
    with pytest.raises(ValidationError, match="kan inte gälla"):
        services.proposal_add(
            proposal=AmendmentProposal(statement=statement, heading="Fel"),
            changes=[
                {
                    "kind": "add_goal",
                    "anchor": Anchor.GOAL,
                    "anchor_id": victims.goals.first().pk,
                    "proposed_text": "x",
                }
            ],
        )
    with pytest.raises(ValidationError, match="inte finns i förslaget"):
        services.proposal_add(
            proposal=AmendmentProposal(statement=statement, heading="Fel"),
            changes=[
                {
                    "kind": "add_goal",
                    "anchor": Anchor.AREA,
                    "anchor_id": area_of(central, VICTIMS).pk,
                    "proposed_text": "x",
                }
            ],
        )
    proposal = services.proposal_add(
        proposal=AmendmentProposal(statement=statement, heading="Vittnen"),
        changes=[
            {
                "kind": "rename_area",
                "anchor": Anchor.AREA,
                "anchor_id": victims.pk,
                "proposed_text": "… och vittnen",
            }
        ],
    )
    assert proposal.changes.get().anchor_label == VICTIMS


# --- decisions ---------------------------------------------------------------------------


def minutes(statement, **extra):
    return services.minutes_record(
        statement=statement,
        committee=statement.recipient.organisation,
        meeting_date=dt.date(2027, 9, 14),
        paragraph="§ 12",
        decision="Nämnden överlämnar förvaltningens tjänsteutlåtande.",
        outcome="adopted",
        user=preparation(),
        proposals=[
            {"label": "Förvaltningens förslag", "is_administration": True, "adopted": True},
            {"label": "Gemensamt förslag", "movers": "Ledamot (C)", "parties": "C, L"},
        ],
        dissents=[{"members": "Ledamot (C)", "parties": "C, L", "supports": 2}],
        minutes_statements=[{"kind": "deputy", "members": "Ersättare (KD)", "parties": "KD", "supports": 2}],
        **extra,
    )


def test_a_minutes_item_is_corrected_only_by_a_new_record(central):
    draft = draft_revision(version=central, label="Utkast 2027")
    statement = submitted(new_round(draft, "Södermalms stadsdelsnämnd").recipients.get())
    item = minutes(statement)
    assert item.dissents.get().supports.label == "Gemensamt förslag"
    assert item.minutes_statements.get().supports.position == 2
    item.paragraph = "§ 13"
    with pytest.raises(ValueError, match="never changed"):
        item.save()
    with pytest.raises(ValueError, match="never changed"):
        item.proposals.first().save()
    with pytest.raises(ValidationError, match="Ange varför"):
        minutes(statement, corrects=MinutesItem.objects.get(pk=item.pk))
    correction = minutes(
        statement, corrects=MinutesItem.objects.get(pk=item.pk), correction_reason="Fel paragraf"
    )
    item = MinutesItem.objects.get(pk=item.pk)
    assert item.paragraph == "§ 12" and not item.is_current and correction.is_current
    assert statement.current_minutes == correction
    assert correction.history() == [correction, item]
    with pytest.raises(ValidationError, match="redan rättad"):
        minutes(statement, corrects=item, correction_reason="Igen")
    with pytest.raises(ValidationError, match="Bara ett av förslagen"):
        services.minutes_record(
            statement=statement,
            committee=statement.recipient.organisation,
            meeting_date=dt.date(2027, 9, 14),
            paragraph="§ 14",
            decision="x",
            outcome="adopted",
            user=preparation(),
            proposals=[{"label": "A", "adopted": True}, {"label": "B", "adopted": True}],
        )


def test_adoption_records_every_proposal_and_the_diff_links_the_change_that_answers_it(central):
    draft = draft_revision(version=central, label="Överenskommelse 2028", case_number="KS 2027/100")
    round = new_round(draft, "Södermalms stadsdelsnämnd", "Idrottsnämnden")
    victims, young = area_of(draft, VICTIMS), area_of(draft, YOUNG)
    statement = submitted(
        round.recipients.get(organisation__name="Södermalms stadsdelsnämnd"),
        proposals=[
            (
                "Vittnen",
                [
                    {
                        "kind": "rename_area",
                        "anchor": Anchor.AREA,
                        "anchor_id": victims.pk,
                        "proposed_text": "Särskilt utsatta och sårbara brottsoffer och vittnen",
                    }
                ],
            ),
            (
                "En fjärde målsättning",
                [
                    {
                        "kind": "add_goal",
                        "anchor": Anchor.AREA,
                        "anchor_id": young.pk,
                        "proposed_text": "Unga får god behandling.",
                    }
                ],
            ),
        ],
    )
    submitted(
        round.recipients.get(organisation__name="Idrottsnämnden"),
        proposals=[("Idrottsmiljöer", [{"kind": "comment", "anchor": Anchor.DRAFT, "anchor_id": None}])],
    )
    witnesses, fourth = statement.proposals.order_by("order")
    # After the round the draft takes up one of the proposals.
    victims.name = "Särskilt utsatta och sårbara brottsoffer och vittnen"
    services.area_save(area=victims)
    assert selectors.proposals_to_decide(draft) == [
        witnesses,
        fourth,
    ]  # the comment is a view, not a proposal

    adopt = {
        "version": draft,
        "decided_by": org("Kommunstyrelsen"),
        "decided_on": timezone.localdate(),  # a decision is not dated in the future
        "valid_from": dt.date(2028, 1, 1),
        "user": preparation(),
    }
    with pytest.raises(ValidationError, match="varje ändringsförslag"):
        services.version_adopt(**adopt, outcomes={witnesses.pk: (Outcome.ADOPTED, "")})
    adoption = services.version_adopt(
        **adopt,
        outcomes={witnesses.pk: (Outcome.ADOPTED, ""), fourth.pk: (Outcome.REJECTED, "Ryms i mål 2.")},
    )
    draft.refresh_from_db()
    central.refresh_from_db()
    assert draft.status == VersionStatus.ADOPTED and draft.supersedes == central
    assert central.effective_end == dt.date(2027, 12, 31)
    assert adoption.outcomes.count() == 2

    old, new, changes = version_diff(central, draft)
    traced = {t.proposal.heading: t for t in trace(old, new, changes)}
    renamed = next(c for c in changes if c.kind == VersionChangeKind.AREA_RENAMED)
    assert [t.proposal for t in renamed.proposals] == [witnesses]
    assert traced["Vittnen"].shown == [renamed] and not traced["Vittnen"].mismatch
    assert traced["En fjärde målsättning"].shown == [] and not traced["En fjärde målsättning"].mismatch
    assert "Idrottsmiljöer" not in traced

    # The outcome is corrected by a new record, never in place.
    outcome = fourth.current_outcome
    correction = services.outcome_correct(
        outcome=outcome,
        new_outcome=Outcome.ADOPTED,
        comment="",
        reason="Fel i protokollet",
        user=preparation(),
    )
    assert AmendmentProposal.objects.get(pk=fourth.pk).current_outcome == correction
    assert ProposalOutcome.objects.get(pk=outcome.pk).outcome == Outcome.REJECTED
    old, new, changes = version_diff(central, draft)
    assert {t.proposal.heading: t.mismatch for t in trace(old, new, changes)}["En fjärde målsättning"]

    # A wrong date in the adoption is corrected by a new record too.
    fixed = services.adoption_correct(
        adoption=adoption, reason="Fel datum", user=preparation(), valid_from=dt.date(2028, 2, 1)
    )
    draft.refresh_from_db()
    assert draft.valid_from == dt.date(2028, 2, 1) and fixed.corrects == adoption


def test_every_state_change_is_in_the_audit_log(central):
    draft = draft_revision(version=central, label="Utkast 2027")
    round = new_round(draft, "Idrottsnämnden")
    recipient = round.recipients.get()
    services.extension_grant(recipient=recipient, until=dt.date(2027, 10, 15))
    statement = submitted(recipient, on=dt.date(2027, 10, 1))
    minutes(statement)
    services.version_adopt(
        version=draft,
        decided_by=org("Kommunstyrelsen"),
        decided_on=timezone.localdate(),
        valid_from=dt.date(2028, 1, 1),
        user=preparation(),
        outcomes={},
    )
    events = AuditEvent.objects.all()
    assert events.filter(
        model="agreements.AgreementVersion", action="create", object_pk=str(draft.pk)
    ).exists()
    assert events.filter(model="consultations.ConsultationRound", action="create").exists()
    assert events.get(model="consultations.Recipient", action="update").changes["extended_to"] == [
        None,
        "2027-10-15",
    ]
    assert events.filter(model="consultations.Statement", action="update", changes__has_key="status").exists()
    assert events.filter(model="consultations.MinutesItem", action="create").exists()
    assert events.filter(model="consultations.Dissent", action="create").exists()
    assert events.filter(model="consultations.VersionAdoption", action="create").exists()
    updates = events.filter(model="agreements.AgreementVersion", action="update", object_pk=str(draft.pk))
    assert ["draft", "adopted"] in [e.changes.get("status") for e in updates]


# --- the seeds as a scenario ------------------------------------------------------------


def test_the_2019_round_has_the_sports_committees_extension_statement_and_the_special_statement(scenario):
    round = ConsultationRound.objects.get(case_number="KS 2019/656")
    assert round.deadline == dt.date(2019, 9, 4)
    sport = round.recipients.get(organisation__name="Idrottsnämnden")
    assert sport.extended_to == dt.date(2019, 9, 24) and sport.status() == RecipientStatus.ANSWERED
    assert round.recipients.get(organisation__name="AB Stockholmshem").status() == RecipientStatus.LATE
    statement = sport.statement
    assert statement.proposed_decision.startswith(
        "1. Idrottsnämnden hänvisar till förvaltningens tjänsteutlåtande"
    )
    assert "trygga och säkra idrottsanläggningar" in statement.goal_fulfilment
    assert "fler barn och ungdomar" in statement.child_consequences
    special = statement.current_minutes.minutes_statements.get(kind=MinutesStatementKind.SPECIAL)
    assert special.parties == "C, M, L, MP" and "delegationernas avgränsning" in special.text
    # Loading again changes nothing.
    assert load_example_consultations(SCENARIO, municipality=round.municipality) == scenario
    assert ConsultationRound.objects.count() == 3


def test_sodermalm_minutes_23_and_the_three_proposals(scenario):
    statement = Statement.objects.get(case_number="SÖD 2023/713")
    item = statement.current_minutes
    assert item.paragraph == "§ 23" and item.outcome == "adopted"
    administration, joint = item.proposals.all()
    assert administration.is_administration and administration.adopted and not joint.adopted
    dissent = item.dissents.get()
    assert dissent.supports == joint and dissent.parties == "C, L, M"
    deputy = item.minutes_statements.get(kind=MinutesStatementKind.DEPUTY)
    assert deputy.members == "Erik Ehrs (KD)" and deputy.supports == joint
    assert "SÖD 2023/713-2" in statement.documents.values_list("reference", flat=True)
    proposals = list(statement.proposals.all())
    assert [p.heading for p in proposals] == [
        "Unga i riskzon för destruktivt beteende: en fjärde målsättning",
        "Särskilt utsatta och sårbara brottsoffer och vittnen",
        "Barn ska särskilt prioriteras",
    ]
    assert [c.kind for c in proposals[1].changes.all()] == ["rename_area", "change_goal"]
    assert {p.current_outcome.outcome for p in proposals} == {Outcome.REJECTED}
    compiled = compile_round(ConsultationRound.objects.get(case_number="KS 2023/740"))
    victims = next(r for r in compiled["rows"] if r["label"] == VICTIMS)
    assert {e["heading"] for e in victims["entries"]} == {
        "Särskilt utsatta och sårbara brottsoffer och vittnen",
        "Barn ska särskilt prioriteras",
    }
    assert victims["goals"][2]["entries"][0]["text"].endswith("och vittnen stärks i samverkan.")
    # Norra innerstaden's draft is not in the compilation.
    assert compiled["answered"] == 2 and compiled["drafts_hidden"] == 1


def test_the_example_draft_under_way_has_taken_up_a_proposal_made_on_it(client, cast, scenario):
    round = ConsultationRound.objects.get(case_number="KS 2026/512")
    draft, central = round.version, AgreementVersion.objects.get(case_number="KS 2023/740")
    assert draft.status == VersionStatus.DRAFT and draft.drafted_from == central and draft.is_example
    today = dt.date(2026, 11, 22)
    statuses = {r.organisation.name: r.status(today) for r in round.recipients.all()}
    assert statuses == {
        "Södermalms stadsdelsnämnd": RecipientStatus.ANSWERED,
        "Norra innerstadens stadsdelsnämnd": RecipientStatus.NOT_ANSWERED,
        "Idrottsnämnden": RecipientStatus.NOT_ANSWERED,
    }
    items = registry.items(round.municipality, dt.date(2026, 12, 1), dt.date(2027, 1, 31), routine=False)
    assert {(i.date, i.title, i.done) for i in items if i.kind == "consultation"} == {
        (dt.date(2026, 12, 18), "KS 2026/512: Idrottsnämnden", False),
        (dt.date(2026, 12, 18), "KS 2026/512: Södermalms stadsdelsnämnd", True),
        (dt.date(2027, 1, 15), "KS 2026/512: Norra innerstadens stadsdelsnämnd", False),
    }
    client.force_login(cast[Role.POLITICIAN])
    page = client.get(
        reverse("consultations:compare", args=[central.agreement_id]), {"old": central.pk, "new": draft.pk}
    )
    renamed = next(c for c in page.context["changes"] if c.kind == VersionChangeKind.AREA_RENAMED)
    assert renamed.after == "Särskilt utsatta och sårbara brottsoffer och vittnen"
    assert [t.proposal.heading for t in renamed.proposals] == ["Vittnen i området för brottsoffer"]
    assert "Besvarar förslaget" in page.content.decode()
    # Still undecided: the draft is not adopted.
    assert "Ännu inte avgjort" in page.content.decode()


def test_the_2019_to_2024_diff_shows_the_areas_and_the_proposals_outcome(client, cast, scenario):
    old = AgreementVersion.objects.get(case_number="KS 2019/656")
    new = AgreementVersion.objects.get(case_number="KS 2023/740")
    client.force_login(cast[Role.POLITICIAN])
    page = client.get(
        reverse("consultations:compare", args=[new.agreement_id]), {"old": old.pk, "new": new.pk}
    ).content.decode()
    assert "Samverkansområde bytte namn" in page
    for text in (
        "Ung i risk för kriminalitet",
        "Arbetet mot våldsbejakande extremism",
        "Gemensam kommunikation",
    ):
        assert text in page
    assert page.count("Ej antaget") == 3
    data = diff_docx(
        {
            "agreement": new.agreement,
            "old": old,
            "new": new,
            "changes": (c := version_diff(old, new)[2]),
            "proposals": trace(old, new, c),
        }
    )
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "Ung i risk för kriminalitet" in text and "Barn ska särskilt prioriteras" in text


def test_the_compilation_and_diff_export_as_pdf_and_word(client, cast, scenario, tmp_path):
    round = ConsultationRound.objects.get(case_number="KS 2023/740")
    client.force_login(cast[Role.STEERING_GROUP_MEMBER])
    pdf = client.get(reverse("consultations:compilation_export", args=[round.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    (tmp_path / "c.pdf").write_bytes(pdf.content)
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(tmp_path / "c.pdf"), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "Södermalms stadsdelsnämnd" in text and "Särskilt utsatta och sårbara brottsoffer" in text
    assert "Utkast: förvaltningen" not in text  # a response being drafted stays out
    from docx import Document

    docx = Document(io.BytesIO(compilation_docx(compile_round(round))))
    assert any("Barn ska särskilt prioriteras" in p.text for p in docx.paragraphs)
    old = AgreementVersion.objects.get(case_number="KS 2019/656")
    diff = client.get(
        reverse("consultations:compare_export", args=[round.version.agreement_id, "pdf"]),
        {"old": old.pk, "new": round.version.pk},
    )
    (tmp_path / "d.pdf").write_bytes(diff.content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "1", str(tmp_path / "d.pdf"), str(tmp_path / "p")],
        check=True,
    )
    assert list(tmp_path.glob("p*.png"))
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "d.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = " ".join(text.split())
    assert "Otillåten påverkan" in text and "Ej antaget" in text


# --- the pages ------------------------------------------------------------------------------


def test_a_statement_is_written_proposed_and_submitted_through_the_pages(client, cast, central):
    draft = draft_revision(version=central, label="Utkast 2027")
    round = new_round(draft, "Norra innerstadens stadsdelsnämnd")
    recipient = round.recipients.get()
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    edit = reverse("consultations:statement_edit", args=[recipient.pk])
    refused = client.post(edit, {"proposed_decision": "Överlämnar", "summary": f"Se {PNR}"})
    assert refused.status_code == 400 and "personnummer" in refused.content.decode()
    assert not Statement.objects.filter(recipient=recipient).exists()
    assert (
        client.post(
            edit, {"proposed_decision": "Överlämnar", "summary": "Positiv", "case_number": "NI 2027/5"}
        ).status_code
        == 302
    )
    statement = recipient.statement
    victims = area_of(draft, VICTIMS)
    added = client.post(
        reverse("consultations:proposal_add", args=[statement.pk]),
        {
            "proposal-heading": "Vittnen",
            "proposal-origin": "statement",
            "proposal-kind": "rename_area",
            "proposal-element": f"area:{victims.pk}",
            "proposal-proposed_text": "Brottsoffer och vittnen",
        },
    )
    assert added.status_code == 302
    proposal = statement.proposals.get()
    wrong = client.post(
        reverse("consultations:change_add", args=[proposal.pk]),
        {
            f"change-{proposal.pk}-kind": "add_goal",
            f"change-{proposal.pk}-element": "draft:",
            f"change-{proposal.pk}-proposed_text": "x",
        },
    )
    assert wrong.status_code == 400 and "kan inte gälla" in wrong.content.decode()
    client.force_login(cast[Role.POLITICIAN])
    assert client.get(reverse("consultations:statement", args=[statement.pk])).status_code == 403
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    done = client.post(
        reverse("consultations:statement_submit", args=[statement.pk]), {"submit-answered_on": "2027-09-01"}
    )
    assert done.status_code == 302
    statement.refresh_from_db()
    assert statement.is_submitted and statement.submitted_on == dt.date(2027, 9, 1)
    client.force_login(cast[Role.POLITICIAN])
    assert (
        "Brottsoffer och vittnen"
        in client.get(reverse("consultations:statement", args=[statement.pk])).content.decode()
    )


def test_the_minutes_form_records_and_corrects(client, cast, central):
    draft = draft_revision(version=central, label="Utkast 2027")
    statement = submitted(new_round(draft, "Södermalms stadsdelsnämnd").recipients.get())
    client.force_login(cast["other_coordinator"])  # Södermalm's administration keeps its committee's minutes
    url = reverse("consultations:minutes", args=[statement.pk])
    data = {
        "meeting_date": "2027-09-14",
        "paragraph": "§ 23",
        "decision": "Nämnden överlämnar förvaltningens tjänsteutlåtande.",
        "outcome": "adopted",
        "p-TOTAL_FORMS": "2",
        "p-INITIAL_FORMS": "0",
        "p-0-label": "Förvaltningens förslag",
        "p-0-is_administration": "on",
        "p-0-adopted": "on",
        "p-1-label": "Gemensamt förslag",
        "p-1-parties": "C, L, M",
        "d-TOTAL_FORMS": "1",
        "d-INITIAL_FORMS": "0",
        "d-0-members": "Ledamöter (C, L, M)",
        "d-0-supports": "2",
        "s-TOTAL_FORMS": "1",
        "s-INITIAL_FORMS": "0",
        "s-0-kind": "deputy",
        "s-0-members": "Ersättare (KD)",
        "s-0-supports": "2",
    }
    assert client.post(url, data).status_code == 302
    item = statement.minutes.get()
    assert item.dissents.get().supports.label == "Gemensamt förslag"
    assert client.get(url, {"corrects": item.pk}).status_code == 200
    missing_reason = client.post(url, data | {"corrects": item.pk})
    assert missing_reason.status_code == 400
    corrected = client.post(
        url, data | {"corrects": item.pk, "paragraph": "§ 24", "correction_reason": "Fel paragraf"}
    )
    assert corrected.status_code == 302, [
        line for line in corrected.content.decode().splitlines() if "error" in line
    ]
    assert [m.paragraph for m in statement.minutes.order_by("pk")] == ["§ 23", "§ 24"]
    assert statement.current_minutes.paragraph == "§ 24"


def test_the_empty_extra_rows_of_the_minutes_form_are_optional(client, cast, central):
    """The statement row's kind is a select without an empty choice, so the
    browser always sends it; the row is still empty and asks for nothing."""
    draft = draft_revision(version=central, label="Utkast 2027")
    statement = submitted(new_round(draft, "Södermalms stadsdelsnämnd").recipients.get())
    client.force_login(cast["other_coordinator"])
    url = reverse("consultations:minutes", args=[statement.pk])
    answer = client.post(
        url,
        {
            "meeting_date": "2027-09-14",
            "paragraph": "§ 23",
            "decision": "Nämnden överlämnar förvaltningens tjänsteutlåtande.",
            "outcome": "adopted",
            "p-TOTAL_FORMS": "2",
            "p-INITIAL_FORMS": "0",
            "p-0-label": "Förvaltningens förslag",
            "p-0-adopted": "on",
            "p-1-label": "",
            "d-TOTAL_FORMS": "1",
            "d-INITIAL_FORMS": "0",
            "d-0-supports": "",
            "s-TOTAL_FORMS": "1",
            "s-INITIAL_FORMS": "0",
            "s-0-kind": "deputy",
            "s-0-supports": "",
        },
    )
    assert answer.status_code == 302
    item = statement.minutes.get()
    assert item.proposals.count() == 1 and not item.minutes_statements.exists() and not item.dissents.exists()


def test_minutes_with_two_adopted_proposals_are_refused_on_the_form(client, cast, central):
    """A refusal the service raises without a field name lands above the form (it once recursed: 500)."""
    draft = draft_revision(version=central, label="Utkast 2027")
    statement = submitted(new_round(draft, "Södermalms stadsdelsnämnd").recipients.get())
    client.force_login(cast["other_coordinator"])
    page = client.post(
        reverse("consultations:minutes", args=[statement.pk]),
        {
            "meeting_date": "2027-09-14",
            "paragraph": "§ 23",
            "decision": "Nämnden beslutar.",
            "outcome": "adopted",
            "p-TOTAL_FORMS": "2",
            "p-INITIAL_FORMS": "0",
            "p-0-label": "Förvaltningens förslag",
            "p-0-is_administration": "on",
            "p-0-adopted": "on",
            "p-1-label": "Gemensamt förslag",
            "p-1-adopted": "on",
            "d-TOTAL_FORMS": "0",
            "d-INITIAL_FORMS": "0",
            "s-TOTAL_FORMS": "0",
            "s-INITIAL_FORMS": "0",
        },
    )
    assert page.status_code == 400
    assert page.context["form"].non_field_errors()
    assert not statement.minutes.exists()


def test_the_recorded_adoption_is_corrected_from_the_version_page(client, cast, scenario):
    central = AgreementVersion.objects.get(case_number="KS 2023/740")
    adoption = central.adoptions.get()
    client.force_login(cast[Role.PREPARATION_GROUP])
    page = client.get(reverse("agreements:version", args=[central.pk])).content.decode()
    assert "Rätta det registrerade antagandet" in page
    url = reverse("consultations:adoption_correct", args=[adoption.pk])
    data = {
        "adoption-decided_on": "2023-12-13",
        "adoption-valid_from": "2024-01-01",
        "adoption-minutes_reference": "",
    }
    client.post(url, data)
    assert central.adoptions.count() == 1  # no reason, no correction
    client.post(url, data | {"adoption-reason": "Kommunfullmäktige beslutade den 13 december"})
    correction = central.adoptions.get(corrects=adoption)
    central.refresh_from_db()
    assert central.decided_on == dt.date(2023, 12, 13) and correction.is_current
    assert central.adoptions.get(pk=adoption.pk).decided_on == dt.date(2023, 11, 29)
    assert (
        client.post(url, data | {"adoption-reason": "Igen"}).status_code == 403
    )  # only the latest is corrected
    client.force_login(cast[Role.POLITICIAN])
    assert (
        "Rätta det registrerade antagandet"
        not in client.get(reverse("agreements:version", args=[central.pk])).content.decode()
    )


def test_the_draft_is_edited_through_its_page(client, cast, central):
    client.force_login(cast[Role.PREPARATION_GROUP])
    made = client.post(
        reverse("consultations:revise", args=[central.pk]),
        {"label": "Utkast 2027", "case_number": "KS 2027/100"},
    )
    draft = AgreementVersion.objects.get(label="Utkast 2027")
    assert made["Location"] == reverse("consultations:draft", args=[draft.pk])
    victims = area_of(draft, VICTIMS)
    prefix = f"area-{victims.pk}"
    assert (
        client.post(
            reverse("consultations:element_edit", args=["area", victims.pk]),
            {f"{prefix}-name": "Brottsoffer och vittnen", f"{prefix}-description": ""},
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("consultations:element_add", args=[draft.pk, "goal"]),
            {"area": victims.pk, f"add-goal-{victims.pk}-text": ""},
        ).status_code
        == 400
    )
    assert (
        client.post(
            reverse("consultations:element_add", args=[draft.pk, "goal"]),
            {"area": victims.pk, f"add-goal-{victims.pk}-text": "Vittnen får stöd."},
        ).status_code
        == 302
    )
    goal = victims.goals.get(order=1)
    assert (
        client.post(
            reverse("consultations:element_edit", args=["goal", goal.pk]), {"delete": "1"}
        ).status_code
        == 302
    )
    page = client.get(
        reverse("consultations:compare", args=[central.agreement_id]), {"old": central.pk, "new": draft.pk}
    )
    text = page.content.decode()
    assert "Brottsoffer och vittnen" in text and "Vittnen får stöd." in text and goal.text in text
    client.force_login(cast[Role.POLITICIAN])
    assert client.get(reverse("consultations:draft", args=[draft.pk])).status_code == 403


def test_a_statement_under_its_former_address_is_moved_for_good(client, cast, scenario):
    statement = Statement.objects.get(case_number="SÖD 2023/713")
    client.force_login(cast[Role.PREPARATION_GROUP])
    page = client.get(f"/consultations/responses/{statement.pk}/")
    assert page.status_code == 301 and page["Location"] == reverse(
        "consultations:statement", args=[statement.pk]
    )
    minutes = client.get(f"/consultations/responses/{statement.pk}/minutes/")
    assert minutes["Location"] == reverse("consultations:minutes", args=[statement.pk])
