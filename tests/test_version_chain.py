"""The versions of one agreement form a chain without overlaps: adopting a
version ends the one in force the day before, refuses what cannot follow
it, asks why a start lies in the past, answers a repeated submit once, and
the database itself refuses an overlap (SQLite trigger, PostgreSQL
exclusion constraint). Adoption also closes the consultation round."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samverkan.accounts.models import User
from samverkan.agreements.models import Agreement, AgreementVersion, VersionStatus
from samverkan.agreements.services import AlreadyAdopted, draft_revision
from samverkan.audit.models import AuditEvent
from samverkan.calendar import registry
from samverkan.consultations import services
from samverkan.consultations.models import ConsultationRound, RecipientStatus, Statement, VersionAdoption
from samverkan.organisations.models import Organisation

TODAY = timezone.localdate()
NEXT_YEAR = dt.date(TODAY.year + 1, 1, 1)


def org(name):
    return Organisation.objects.get(name=name)


def preparation():
    return User.objects.get(username="beredning")


@pytest.fixture
def central(stockholm):
    return AgreementVersion.objects.get(case_number="KS 2023/740")


def adopt(draft, valid_from, **extra):
    return services.version_adopt(
        version=draft,
        decided_by=org("Kommunstyrelsen"),
        decided_on=min(TODAY, valid_from),
        valid_from=valid_from,
        user=preparation(),
        outcomes={},
        **extra,
    )


def adopt_form(valid_from):
    """The adoption form as posted for the overarching agreement."""
    return {
        "decided_by": org("Kommunstyrelsen").pk,
        "decided_on": TODAY.isoformat(),
        "valid_from": valid_from.isoformat(),
    }


def test_a_new_version_ends_the_one_in_force_the_day_before(central):
    start = NEXT_YEAR + dt.timedelta(days=90)
    draft = draft_revision(version=central, label="Revision")
    adopt(draft, start)
    central.refresh_from_db()
    draft.refresh_from_db()
    assert central.valid_to == start - dt.timedelta(days=1)
    assert central.is_in_force_on(start - dt.timedelta(days=1)) and not central.is_in_force_on(start)
    assert draft.is_in_force_on(start) and draft.supersedes == central
    assert AuditEvent.objects.filter(
        model="agreements.AgreementVersion", object_pk=str(central.pk), changes__has_key="valid_to"
    ).exists()


def test_a_version_starting_on_the_day_the_one_in_force_started_is_refused(central):
    first = draft_revision(version=central, label="Första revisionen")
    adopt(first, NEXT_YEAR)
    first.refresh_from_db()
    second = draft_revision(version=first, label="Andra revisionen")
    with pytest.raises(ValidationError) as refused:
        adopt(second, NEXT_YEAR)
    assert str(NEXT_YEAR + dt.timedelta(days=1)) in str(refused.value)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.valid_from == NEXT_YEAR and first.valid_to is None
    assert second.status == VersionStatus.DRAFT and not second.adoptions.exists()


def test_a_start_in_the_past_needs_a_reason_and_cannot_reach_before_the_version_in_force(central):
    draft = draft_revision(version=central, label="Retroaktiv")
    past = TODAY - dt.timedelta(days=30)
    with pytest.raises(ValidationError) as refused:
        adopt(draft, past)
    assert "backdating_reason" in refused.value.error_dict
    # Before the version in force even started: refused, reason or not.
    with pytest.raises(ValidationError):
        adopt(
            draft, central.valid_from - dt.timedelta(days=1), backdating_reason="Beslutet gällde retroaktivt"
        )
    central.refresh_from_db()
    assert central.valid_to != central.valid_from - dt.timedelta(days=2)
    adoption = adopt(draft, past, backdating_reason="Beslutet gällde från och med sammanträdet")
    central.refresh_from_db()
    assert central.valid_to == past - dt.timedelta(days=1)
    logged = AuditEvent.objects.get(model="consultations.VersionAdoption", object_pk=str(adoption.pk))
    assert logged.changes["backdating_reason"][1] == "Beslutet gällde från och med sammanträdet"


def test_the_database_refuses_overlapping_adopted_versions(central):
    """The rule holds even for a write that bypasses the service."""
    agreement = central.agreement
    assert connection.vendor in {"sqlite", "postgresql"}
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementVersion.objects.create(
            agreement=agreement,
            label="Smyger in",
            status=VersionStatus.ADOPTED,
            valid_from=central.valid_from + dt.timedelta(days=10),
        )
    earlier = central.supersedes
    assert earlier is not None and earlier.valid_to < central.valid_from
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementVersion.objects.filter(pk=earlier.pk).update(valid_to=None)
    # Drafts have no validity yet and never collide.
    AgreementVersion.objects.create(agreement=agreement, label="Utkast", status=VersionStatus.DRAFT)


def test_a_repeated_submit_is_answered_once(central, client):
    draft = draft_revision(version=central, label="Dubbelklick")
    client.force_login(preparation())
    url = reverse("consultations:adopt", args=[draft.pk])
    data = adopt_form(NEXT_YEAR)
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == reverse("agreements:version", args=[draft.pk])
    assert VersionAdoption.objects.filter(version=draft).count() == 1
    page = client.get(second["Location"])
    assert "redan antagits" in page.content.decode()
    with pytest.raises(AlreadyAdopted):
        adopt(draft, NEXT_YEAR)


def test_a_past_start_through_the_form_asks_for_the_reason(central, client):
    draft = draft_revision(version=central, label="Formulär")
    client.force_login(preparation())
    url = reverse("consultations:adopt", args=[draft.pk])
    data = adopt_form(TODAY - dt.timedelta(days=5))
    answer = client.post(url, data)
    assert answer.status_code == 400
    assert "backdating_reason" in answer.context["form"].errors
    assert AgreementVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT


@pytest.mark.django_db(transaction=True)
def test_two_adoptions_at_once_store_one_and_neither_answers_500(stockholm):
    central = AgreementVersion.objects.get(case_number="KS 2023/740")
    draft = draft_revision(version=central, label="Samtidigt")
    url = reverse("consultations:adopt", args=[draft.pk])
    data = adopt_form(NEXT_YEAR)
    user = preparation()
    answers: list[int] = []
    start = threading.Barrier(2)

    def submit():
        client = Client()
        client.force_login(user)
        start.wait()
        answers.append(client.post(url, data).status_code)
        connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [302, 302]
    assert VersionAdoption.objects.filter(version=draft).count() == 1
    assert Agreement.objects.get(pk=central.agreement_id).versions.filter(status="adopted").count() >= 2


# --- adoption closes the round ---------------------------------------------------------


def open_round(draft, case_number, *recipients):
    """A round on `draft` sent ten days ago, answers due in twenty."""
    return services.round_create(
        version=draft,
        title="Remiss",
        case_number=case_number,
        referred_by=org("Kommunstyrelsen"),
        sent_on=TODAY - dt.timedelta(days=10),
        deadline=TODAY + dt.timedelta(days=20),
        recipients=[org(name) for name in recipients],
        user=preparation(),
    )


def test_adopting_with_a_round_open_needs_confirmation_and_closes_the_round(central, client):
    draft = draft_revision(version=central, label="Remissutkast")
    round = open_round(draft, "KS 2026/900", "Idrottsnämnden", "Södermalms stadsdelsnämnd")
    sport = round.recipients.get(organisation__name="Idrottsnämnden")
    soder = round.recipients.get(organisation__name="Södermalms stadsdelsnämnd")
    statement = services.statement_save(
        statement=Statement(recipient=soder, proposed_decision="Överlämnar.", summary="Positiv.")
    )
    services.statement_submit(statement=statement, answered_on=TODAY)

    with pytest.raises(ValidationError) as refused:
        adopt(draft, NEXT_YEAR)
    assert "Idrottsnämnden" in str(refused.value) and "Södermalm" not in str(refused.value)

    client.force_login(preparation())
    form = client.get(reverse("consultations:adopt", args=[draft.pk])).content.decode()
    assert "Idrottsnämnden" in form and 'name="confirm_unanswered"' in form

    adoption = adopt(draft, NEXT_YEAR, unanswered_confirmed=True)
    assert adoption.unanswered == "Idrottsnämnden"
    round = ConsultationRound.objects.get(pk=round.pk)
    assert round.is_closed
    sport.refresh_from_db()
    assert sport.status() == RecipientStatus.CLOSED
    with pytest.raises(ValidationError):
        services.extension_grant(recipient=sport, until=TODAY + dt.timedelta(days=40))
    assert services.reminders_send(round=round, today=TODAY) == 0

    page = client.get(reverse("consultations:round", args=[round.pk])).content.decode()
    assert "consultations/recipients/" not in page  # no extension form
    assert "Ej besvarad" not in page and "Svarade inte" in page
    statement_page = client.get(reverse("consultations:statement", args=[statement.pk])).content.decode()
    assert 'name="proposal-heading"' not in statement_page
    with pytest.raises(ValidationError):
        services.statement_save(statement=Statement(recipient=sport, summary="För sent"))

    items = registry.items(
        central.agreement.municipality, TODAY, TODAY + dt.timedelta(days=60), routine=False
    )
    consultation = [i for i in items if i.kind == "consultation"]
    assert [i.title for i in consultation] == ["KS 2026/900: Södermalms stadsdelsnämnd"]


def test_a_submitted_response_offers_only_the_committees_competing_proposals(central, client):
    draft = draft_revision(version=central, label="Remissutkast")
    round = open_round(draft, "KS 2026/901", "Södermalms stadsdelsnämnd")
    statement = services.statement_save(
        statement=Statement(recipient=round.recipients.get(), proposed_decision="Ö.", summary="Positiv.")
    )
    services.statement_submit(statement=statement, answered_on=TODAY)
    client.force_login(preparation())
    page = client.get(reverse("consultations:statement", args=[statement.pk]))
    form = page.context["forms"]["proposal"]
    assert [value for value, _label in form.fields["origin"].choices] == ["minority"]


def test_an_adopted_successor_is_named_beside_the_version_in_force_with_what_it_addresses(client, stockholm):
    from samverkan.agreements.selectors import district_overview

    in_force = AgreementVersion.objects.get(
        agreement__area__code="norra-innerstaden", status=VersionStatus.ADOPTED
    )
    from samverkan.agreements.compliance import agreement_compliance
    from samverkan.agreements.models import PriorityArea

    revision = draft_revision(version=in_force, label="Revidering 2027")
    for area in in_force.priority_areas.all():  # the version in force leaves a gap the revision closes
        area.addresses.clear()
    revision.valid_from = NEXT_YEAR
    revision.save()
    gaps = agreement_compliance(revision).gaps
    added = PriorityArea.objects.create(version=revision, name="Det som saknades", is_local_priority=True)
    added.addresses.set([a for gap in gaps for a in gap.missing_areas])
    added.categories.set([c for gap in gaps for c in gap.missing_categories])
    adopt(revision, NEXT_YEAR)

    row = next(r for r in district_overview(stockholm, today=TODAY) if r.area.code == "norra-innerstaden")
    assert row.version == in_force and row.in_force and row.compliance.missing_count
    said = [w.message for w in row.warnings]
    assert f"Versionen Revidering 2027 är antagen, gäller från {NEXT_YEAR} och berör alla krav." in said
    client.force_login(User.objects.get(username="politiker"))
    page = client.get(reverse("areas:detail", args=[in_force.agreement.area_id])).content.decode()
    assert f'Gällande version: <a href="/agreements/versions/{in_force.pk}/">' in page
    assert f'Antagen, gäller från {NEXT_YEAR}: <a href="/agreements/versions/{revision.pk}/">' in page
    start = client.get(reverse("agreements:compliance")).content.decode()
    assert "berör alla krav" in start


def test_a_gap_between_an_ended_version_and_the_next_is_said_on_the_overview_and_the_district_page(
    client, stockholm
):
    from samverkan.agreements.selectors import district_overview

    ended = AgreementVersion.objects.get(agreement__area__code="farsta", status=VersionStatus.ADOPTED)
    ended.valid_to = TODAY - dt.timedelta(days=30)
    ended.save()
    revision = draft_revision(version=ended, label="Farsta nästa år")
    adopt(revision, NEXT_YEAR)

    row = next(r for r in district_overview(stockholm, today=TODAY) if r.area.code == "farsta")
    assert row.version == ended and not row.in_force
    said = [w.message for w in row.warnings]
    assert any(f"nästa version gäller först från {NEXT_YEAR}: ingen version gäller nu" in m for m in said), (
        said
    )
    client.force_login(User.objects.get(username="politiker"))
    page = client.get(reverse("areas:detail", args=[ended.agreement.area_id])).content.decode()
    assert "Senaste versionen (gäller inte längre)" in page
    assert f'Antagen, gäller från {NEXT_YEAR}: <a href="/agreements/versions/{revision.pk}/">' in page


def test_an_adoption_dated_in_the_future_or_after_the_version_began_is_refused(central):
    draft = draft_revision(version=central, label="Framtida beslut")
    with pytest.raises(ValidationError) as future:
        services.version_adopt(
            version=draft, decided_by=org("Kommunstyrelsen"), decided_on=TODAY + dt.timedelta(days=30),
            valid_from=NEXT_YEAR, user=preparation(), outcomes={},
        )  # fmt: skip
    assert "decided_on" in future.value.message_dict
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT and not draft.adoptions.exists()
