"""The weekly EST rhythm: compile, compare, send, meet, act, give feedback, roll up."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from samverkan.accounts.models import Role
from samverkan.datasources.models import ObservationCategory
from samverkan.datasources.services import observation_record
from samverkan.est import services
from samverkan.est.compile import unusual, week_start_of
from samverkan.est.models import EstGroup, QuickMeasure, WeeklyPicture
from tests.conftest import deliver_mail

# Sergels torg, in Norra innerstaden since 2024.
PLATTAN = (18.0649, 59.3326)
WEEK = dt.date(2025, 3, 10)  # a Monday


def test_unusual_uses_the_poisson_tail_of_the_weeks_before():
    # Mean 1: P(X >= 4) = 1 - e^-1 (1 + 1 + 1/2 + 1/6) = 0.019; P(X >= 3) = 0.080.
    assert unusual(4, [1, 1, 1, 1]) is True
    assert unusual(3, [1, 1, 1, 1]) is False
    assert unusual(2, [0, 0, 0, 0]) is False  # fewer than three never alarms
    assert unusual(9, []) is False  # no history, no comparison
    assert unusual(6, [5, 6, 4, 5]) is False


def test_a_week_starts_on_monday():
    assert week_start_of(dt.date(2025, 3, 16)) == WEEK and week_start_of(WEEK) == WEEK


@pytest.fixture
def group(stockholm):
    return EstGroup.objects.get(name="EST Norra innerstaden")


def observe(user, day, hour=21, category="Klotter", description="Klotter på väggen"):
    return observation_record(
        municipality=user.organisation.municipality,
        user=user,
        category=ObservationCategory.objects.get(name=category),
        observed_at=timezone.make_aware(dt.datetime.combine(day, dt.time(hour))),
        longitude=PLATTAN[0],
        latitude=PLATTAN[1],
        address="",
        description=description,
    )


@pytest.fixture
def weeks(cast):
    reporter = cast[Role.DISTRICT_COORDINATOR]
    for back in range(1, 5):  # one a week for the four weeks before
        observe(reporter, WEEK - dt.timedelta(weeks=back) + dt.timedelta(days=2))
    for day in range(4):  # then four in the week
        observe(reporter, WEEK + dt.timedelta(days=day))
    observe(reporter, WEEK + dt.timedelta(days=5), category="Nedskräpning", description="Skräp vid bänkarna")
    return reporter


def test_the_week_is_compiled_and_compared_with_the_weeks_before(group, weeks):
    picture = services.weekly_picture_compile(group=group, week_start=WEEK + dt.timedelta(days=3))
    content = picture.content
    assert picture.week_start == WEEK and picture.week_label == "2025 v. 11"
    assert content["observations"]["total"] == 5 and content["observations"]["previous_mean"] == 1.0
    rows = {r["category"]: r for r in content["observations"]["by_category"]}
    assert rows["Klotter"]["count"] == 4 and rows["Klotter"]["unusual"] is True
    assert rows["Nedskräpning"]["unusual"] is False
    assert [h["count"] for h in content["hotspots"]] == [5]
    assert [i["category"] for i in content["items"]][-1] == "Nedskräpning"


def test_sending_reaches_the_recipient_organisations_and_freezes_the_week(group, weeks, cast):
    picture = services.weekly_picture_compile(group=group, week_start=WEEK)
    count = services.weekly_picture_send(picture=picture)
    addresses = sorted(m.to[0] for m in deliver_mail())
    assert count == 3 and addresses == [
        "polis@demo.example",
        "samordnare@demo.example",
        "styrgrupp@demo.example",
    ]
    assert "Klotter: 4 *" in mail.outbox[0].body
    with pytest.raises(ValidationError):
        services.weekly_picture_send(picture=picture)
    observe(weeks, WEEK + dt.timedelta(days=6))  # reported late
    again = services.weekly_picture_compile(group=group, week_start=WEEK)
    assert again.pk == picture.pk and again.content["observations"]["total"] == 5


def test_the_meeting_sets_focus_and_quick_measures_and_reporters_get_feedback(client, cast, group, weeks):
    picture = services.weekly_picture_compile(group=group, week_start=WEEK)
    client.force_login(cast[Role.POLICE_CONTACT])
    response = client.post(
        reverse("est:meeting", args=[picture.pk]),
        {
            "held_on": "2025-03-18",
            "focus": "Plattan kvällstid",
            "hotspots": "Uppgång T-Centralen",
            "notes": "",
        },
    )
    assert response.status_code == 302
    police = cast[Role.POLICE_CONTACT].organisation
    response = client.post(
        reverse("est:measure_add", args=[picture.pk]),
        {"text": "Sanera klottret", "place": "Gångtunneln", "owner": police.pk, "due": "2025-03-21"},
    )
    measure = QuickMeasure.objects.get()
    assert response.status_code == 302 and measure.meeting.focus == "Plattan kvällstid"
    client.post(reverse("est:measure_status", args=[measure.pk]), {"status": "done"})
    assert QuickMeasure.objects.get().status == "done"

    item = picture.content["items"][0]
    client.post(
        reverse("est:feedback", args=[picture.pk, item["observation"]]),
        {
            f"fb-{item['observation']}-outcome": "acted",
            f"fb-{item['observation']}-text": "Sanerat på fredagen",
        },
    )
    client.force_login(weeks)
    mine = client.get(reverse("est:mine")).content.decode()
    assert "Ledde till en åtgärd: Sanerat på fredagen" in mine and "Ännu inte behandlad" in mine


def test_feedback_only_reaches_observations_of_that_week(client, cast, group, weeks):
    picture = services.weekly_picture_compile(group=group, week_start=WEEK)
    outside = observe(weeks, WEEK + dt.timedelta(weeks=3))
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    response = client.post(
        reverse("est:feedback", args=[picture.pk, outside.pk]),
        {f"fb-{outside.pk}-outcome": "acted", f"fb-{outside.pk}-text": "x"},
    )
    assert response.status_code == 403


def test_monthly_and_tertial_summaries_roll_up_the_weeks(client, cast, group, weeks):
    for start in [WEEK - dt.timedelta(weeks=1), WEEK]:
        services.weekly_picture_compile(group=group, week_start=start)
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    month = client.get(reverse("est:summary", args=[group.pk]) + "?period=month&year=2025&n=3")
    assert month.context["summary"]["weeks"] == 2 and month.context["summary"]["observations"] == 6
    # March 2025 has five Mondays: two compiled of five, said so.
    assert month.context["weeks_in_period"] == 5 and "2 av 5" in month.content.decode()
    assert "ofullständig" in month.content.decode()
    tertial = client.get(reverse("est:summary", args=[group.pk]) + "?period=tertial&year=2025&n=1")
    assert tertial.context["summary"]["observations"] == 6
    assert client.get(reverse("est:summary", args=[group.pk]) + "?period=tertial&n=4").status_code == 400


def test_a_weekly_picture_is_hidden_from_those_outside_the_recipients(client, cast, group, weeks):
    picture = services.weekly_picture_compile(group=group, week_start=WEEK)
    url = reverse("est:week", args=[picture.pk])
    for role, status in [
        (Role.DISTRICT_COORDINATOR, 200),
        (Role.POLICE_CONTACT, 200),
        (Role.PREPARATION_GROUP, 200),
        (Role.POLITICIAN, 403),
        ("other_coordinator", 403),
    ]:
        client.force_login(cast[role])
        assert client.get(url).status_code == status, role


@pytest.mark.django_db(transaction=True)
def test_the_weekly_command_queues_work_that_the_worker_does(stockholm, cast):
    group = EstGroup.objects.get(name="EST Norra innerstaden")
    observe(cast[Role.DISTRICT_COORDINATOR], WEEK + dt.timedelta(days=1))
    call_command("compile_weekly_pictures", week=WEEK + dt.timedelta(days=4), verbosity=0)
    assert not WeeklyPicture.objects.exists()
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    picture = WeeklyPicture.objects.get(group=group)
    assert picture.sent_at is not None and picture.sent_to == 3 and len(mail.outbox) == 3
