"""A district's people set up in the app: who may open a district's page,
adding a person with an invitation to choose a password, giving roles
within one's reach, forming the local steering group with its seats, and
the decision lists that then offer that group."""

import re

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse

from samverkan.accounts.models import Role, User
from samverkan.agreements.models import Agreement
from samverkan.governance.models import Body, BodyKind
from samverkan.governance.selectors import deciding_bodies
from samverkan.organisations.models import Area, Organisation

PNR = "19811228-9874"


@pytest.fixture
def soder(stockholm):
    return Area.objects.get(code="sodermalm")


@pytest.fixture
def soder_police(soder):
    return (
        Organisation.objects.filter(kind="police_area", agreement_versions__agreement__area=soder)
        .distinct()
        .get()
    )


@pytest.fixture
def soder_police_contact(soder_police):
    return User.objects.create_user("pol.sodermalm", role=Role.POLICE_CONTACT, organisation=soder_police)


def person_form(organisation, **change):
    """The add-a-person form as posted: a police contact of `organisation`."""
    return {
        "action": "person",
        "person-first_name": "Kim",
        "person-last_name": "Polis",
        "person-username": "kim.polis",
        "person-email": "kim.polis@example.se",
        "person-organisation": organisation.pk,
        "person-role": Role.POLICE_CONTACT,
    } | change


def page(soder):
    return reverse("bodies:district", args=[soder.pk])


def test_who_may_set_up_a_district(client, cast, soder, soder_police_contact):
    own = cast[Role.DISTRICT_COORDINATOR].organisation.area
    for user, area, expected in [
        (cast[Role.DISTRICT_COORDINATOR], own, 200),
        (cast[Role.DISTRICT_COORDINATOR], soder, 403),
        (cast["other_coordinator"], soder, 200),
        (cast[Role.PREPARATION_GROUP], soder, 200),
        (cast[Role.ADMINISTRATOR], soder, 200),
        (cast[Role.POLITICIAN], soder, 403),
        (cast[Role.STEERING_GROUP_MEMBER], soder, 403),
        (cast[Role.POLICE_CONTACT], soder, 403),  # of another police area
        (soder_police_contact, soder, 200),
    ]:
        client.force_login(user)
        assert client.get(reverse("bodies:district", args=[area.pk])).status_code == expected, (user, area)
    client.force_login(cast["other_coordinator"])
    assert client.get(reverse("bodies:districts")).status_code == 302  # straight to the own district


def test_a_police_contact_adds_a_person_who_chooses_a_password(
    client, soder, soder_police_contact, soder_police
):
    client.force_login(soder_police_contact)
    added = client.post(page(soder), person_form(soder_police), follow=True)
    assert added.status_code == 200
    person = User.objects.get(username="kim.polis")
    assert person.role == Role.POLICE_CONTACT and not person.has_usable_password()
    text = added.content.decode()
    link = re.search(r"/accounts/invitation/[^/\s]+/[^/\s]+/", text).group(0)
    client.logout()
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "new_password1" in form.content.decode()
    chosen = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"new_password1": "Trygg-Stad-2027!", "new_password2": "Trygg-Stad-2027!"},
    )
    assert chosen.status_code == 302
    assert authenticate(username="kim.polis", password="Trygg-Stad-2027!") == person


@pytest.mark.parametrize(
    "change, field",
    [
        ({"person-first_name": f"Kim {PNR}"}, "first_name"),
        ({"person-username": "beredning"}, "username"),
        ({"person-role": Role.ADMINISTRATOR}, "role"),
        ({"person-role": Role.DISTRICT_COORDINATOR}, "role"),  # not in a police organisation
        ({"person-organisation": "999999"}, "organisation"),
        ({"person-last_name": ""}, "last_name"),
    ],
)
def test_bad_people_are_refused_on_the_form(
    client, cast, soder, soder_police, soder_police_contact, change, field
):
    client.force_login(soder_police_contact)
    data = person_form(soder_police, **change)
    before = User.objects.count()
    answer = client.post(page(soder), data)
    assert answer.status_code == 400
    assert field in answer.context["forms"]["person"].errors
    assert User.objects.count() == before


def test_roles_are_given_within_reach(client, cast, soder):
    coordinator = cast["other_coordinator"]
    colleague = User.objects.create_user(
        "kollega", role=Role.POLITICIAN, organisation=coordinator.organisation, last_name="Kollega"
    )
    client.force_login(coordinator)
    client.post(
        page(soder),
        {"action": "role", "user": colleague.pk, f"role-{colleague.pk}-role": "steering_group_member"},
    )
    colleague.refresh_from_db()
    assert colleague.role == Role.STEERING_GROUP_MEMBER
    client.post(
        page(soder), {"action": "role", "user": colleague.pk, f"role-{colleague.pk}-role": "administrator"}
    )
    colleague.refresh_from_db()
    assert colleague.role == Role.STEERING_GROUP_MEMBER
    # Somebody of another district is not reached from this page.
    other = cast[Role.DISTRICT_COORDINATOR]
    answer = client.post(
        page(soder), {"action": "role", "user": other.pk, f"role-{other.pk}-role": "politician"}
    )
    assert answer.status_code == 404
    other.refresh_from_db()
    assert other.role == Role.DISTRICT_COORDINATOR


def test_the_local_steering_group_is_formed_and_then_decides_for_the_district(
    client, cast, soder, soder_police
):
    agreement = Agreement.objects.get(area=soder)
    assert not Body.objects.filter(agreement=agreement).exists()
    # Without a local group, the central groups decide.
    assert {b.kind for b in deciding_bodies(agreement)} <= {
        BodyKind.CENTRAL_STEERING_GROUP,
        BodyKind.PREPARATION_GROUP,
    }
    client.force_login(cast["other_coordinator"])
    formed = client.post(page(soder), {"action": "group", "group-name": "Lokal styrgrupp Södermalm"})
    assert formed.status_code == 302
    group = Body.objects.get(agreement=agreement)
    assert (
        group.kind == BodyKind.LOCAL_STEERING_GROUP and group.parent.kind == BodyKind.CENTRAL_STEERING_GROUP
    )
    assert client.post(page(soder), {"action": "group", "group-name": "En till"}).status_code == 400
    seat = {
        "action": "seat",
        "seat-organisation": soder_police.pk,
        "seat-role_title": "Lokalpolisområdeschef",
        "seat-count": "1",
    }
    assert client.post(page(soder), seat).status_code == 302
    elsewhere = Organisation.objects.get(name="Norra innerstadens stadsdelsförvaltning")
    refused = client.post(page(soder), seat | {"seat-organisation": elsewhere.pk})
    assert refused.status_code == 400
    assert list(group.seats.values_list("role_title", flat=True)) == ["Lokalpolisområdeschef"]
    assert list(deciding_bodies(agreement)) == [group]
    removed = client.post(page(soder), {"action": "seat_remove", "seat": group.seats.get().pk})
    assert removed.status_code == 302 and not group.seats.exists()


def test_lists_and_the_arshjul_narrow_to_a_district_remembered_per_user(client, cast, soder):
    import tomllib
    from pathlib import Path

    from samverkan.plans.demo import load_example_plans
    from samverkan.situations.demo import load_example_pictures

    config = Path(__file__).parent.parent / "samverkan/configurations/stockholm"
    load_example_pictures(
        tomllib.loads((config / "situations.toml").read_text()), municipality=soder.municipality
    )
    load_example_plans(tomllib.loads((config / "plans.toml").read_text()), municipality=soder.municipality)
    preparation = cast[Role.PREPARATION_GROUP]
    client.force_login(preparation)
    everything = client.get(reverse("plans:list")).context["plans"]
    assert everything and all(
        p.agreement.area.code == "norra-innerstaden" for p in everything if p.agreement.area
    )
    assert client.get(reverse("plans:list"), {"district": soder.pk}).context["plans"] == []
    preparation.refresh_from_db()
    assert preparation.district == soder
    # Remembered: the next list, and the pictures, open narrowed to Södermalm.
    assert client.get(reverse("plans:list")).context["plans"] == []
    assert client.get(reverse("situations:list")).context["pictures"] == []
    year = client.get(reverse("calendar:year"), {"year": 2025})
    inner = Organisation.objects.get(name="Norra innerstadens stadsdelsförvaltning")
    shown = [item for _month, items in year.context["months"] for item in items]
    assert shown and not any(inner.pk in item.organisations for item in shown)
    assert 'name="district"' in year.content.decode()
    # "All districts" clears it.
    assert client.get(reverse("plans:list"), {"district": ""}).context["plans"] == everything
    preparation.refresh_from_db()
    assert preparation.district is None
    year = client.get(reverse("calendar:year"), {"year": 2025})
    assert any(inner.pk in item.organisations for _m, items in year.context["months"] for item in items)
