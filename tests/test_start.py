"""Each person's start page: what is theirs now, by role."""

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from samverkan.accounts.models import Role
from samverkan.agreements.models import Agreement
from samverkan.configurations.loader import CONFIGURATIONS, read_config_file
from samverkan.indicators.models import Indicator, IndicatorValue
from samverkan.notifications.services import notify
from samverkan.overview.start import start_page
from samverkan.plans.demo import load_example_plans
from samverkan.situations import services as situations
from samverkan.situations.demo import load_example_pictures


def test_sign_in_leads_to_the_start_page(client, cast):
    answer = client.post(reverse("login"), {"username": "samordnare", "password": "samverkan"})
    assert answer.status_code == 302 and answer["Location"] == reverse("start")
    assert client.get(reverse("home"))["Location"] == reverse("start")


def test_a_coordinator_sees_the_drafts_and_notifications_waiting(client, cast):
    coordinator = cast[Role.DISTRICT_COORDINATOR]
    picture = situations.picture_create(
        agreement=Agreement.objects.get(area__code="norra-innerstaden"),
        title="Lägesbild att göra klar",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    draft = situations.party_picture_start(picture=picture, organisation=coordinator.organisation)
    notify([coordinator], key="start-test", message="Något nytt att läsa", url="/plans/")
    client.force_login(coordinator)
    page = client.get(reverse("start"))
    start = page.context["start"]
    assert f"/pictures/party/{draft.pk}/" in [w.url for w in start.waiting]
    assert start.unread >= 1 and "Något nytt att läsa" in page.content.decode()
    assert [glance.row.area.code for glance in start.districts] == ["norra-innerstaden"]
    # Another district's coordinator is not shown Norra innerstaden's draft.
    client.force_login(cast["other_coordinator"])
    other = client.get(reverse("start")).context["start"]
    assert f"/pictures/party/{draft.pk}/" not in [w.url for w in other.waiting]


def test_readers_get_an_overview_without_work_lists(client, cast):
    for role in (Role.POLITICIAN, Role.STEERING_GROUP_MEMBER):
        client.force_login(cast[role])
        page = client.get(reverse("start"))
        assert page.status_code == 200
        text = page.content.decode()
        assert "Väntar på dig" not in text and "Försenat" not in text
        assert len(page.context["start"].districts) > 5  # every district, read only


def test_overdue_items_are_those_of_the_users_organisation(client, cast):
    client.force_login(cast[Role.PREPARATION_GROUP])
    everything = client.get(reverse("start")).context["start"].overdue
    client.force_login(cast["other_coordinator"])
    own = client.get(reverse("start")).context["start"].overdue
    organisation = cast["other_coordinator"].organisation_id
    assert all(organisation in item.organisations for item in own)
    assert len(own) <= len(everything)


def test_a_district_glance_shows_plan_progress_against_the_expected_pace_and_significant_changes(
    stockholm, cast
):
    folder = CONFIGURATIONS / "stockholm"
    load_example_pictures(read_config_file(folder, "situations.toml"), municipality=stockholm)
    load_example_plans(read_config_file(folder, "plans.toml"), municipality=stockholm)
    user = cast[Role.DISTRICT_COORDINATOR]
    area = user.organisation.area
    indicator = Indicator.objects.get(municipality=stockholm, code="misshandel")
    for year, value, significant in [(2024, 12.0, False), (2025, 9.5, True)]:
        IndicatorValue.objects.create(
            indicator=indicator,
            area=area,
            period_kind="year",
            period_start=dt.date(year, 1, 1),
            label=str(year),
            value=value,
            significant_change=significant,
        )
    start = start_page(user, stockholm, dt.date(2026, 3, 1))
    glance = start.districts[0]
    assert glance.plans and all(p.report is not None for p in glance.plans)
    assert all(p.pace in {"on_track", "at_risk", "behind"} for p in glance.plans)
    [change] = glance.changes
    assert change.value.indicator == indicator and not change.rose and change.before == 12.0


def test_a_notification_is_shown_in_the_readers_language(client, cast):
    coordinator = cast[Role.DISTRICT_COORDINATOR]
    notify(
        [coordinator],
        key="language-test",
        message="Follow-up submitted: %(report)s",
        params={"report": "Åtgärdsplan 2025, tertial 1"},
        url="/plans/",
    )
    client.force_login(coordinator)
    swedish = client.get(reverse("notifications")).content.decode()
    assert "Uppföljning inlämnad: Åtgärdsplan 2025, tertial 1" in swedish
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    try:
        english = client.get(reverse("notifications")).content.decode()
    finally:
        translation.activate(settings.LANGUAGE_CODE)  # the request left English active in this thread
    assert "Follow-up submitted: Åtgärdsplan 2025, tertial 1" in english
