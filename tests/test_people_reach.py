"""Who may add people and give roles: reach by organisation as well as by
role. An account of a party reads that party's drafts, so a city
coordinator who could make a police account could read the police's draft
picture. Every (actor, target organisation, role) combination is tried on
the district page as posted, and the policy is checked for each."""

import itertools

import pytest
from django.urls import reverse

from samverkan.accounts import permissions
from samverkan.accounts.models import Role, User
from samverkan.organisations.models import Area, Organisation

DISTRICT_ROLES = {
    Role.DISTRICT_COORDINATOR,
    Role.POLICE_CONTACT,
    Role.STEERING_GROUP_MEMBER,
    Role.POLITICIAN,
}


@pytest.fixture
def soder(stockholm):
    return Area.objects.get(code="sodermalm")


@pytest.fixture
def targets(soder):
    return {
        "city": Organisation.objects.get(name="Södermalms stadsdelsförvaltning"),
        "police": Organisation.objects.filter(kind="police_area", agreement_versions__agreement__area=soder)
        .distinct()
        .get(),
    }


@pytest.fixture
def actors(cast, targets, other_municipality_admin):
    police_of_soder = User.objects.create_user(
        "polis.sodermalm", role=Role.POLICE_CONTACT, organisation=targets["police"]
    )
    return {
        "administrator": cast[Role.ADMINISTRATOR],
        "preparation_group (city)": cast[Role.PREPARATION_GROUP],
        "coordinator": cast["other_coordinator"],
        "police_contact": police_of_soder,
        "steering_group_member": cast[Role.STEERING_GROUP_MEMBER],
        "politician": cast[Role.POLITICIAN],
        "other municipality's administrator": other_municipality_admin,
    }


def expected_reach(actor: str, side: str, role: str) -> bool:
    """The rule as the issue states it, written independently of the code."""
    if actor == "administrator":
        return True
    if actor in ("steering_group_member", "politician", "other municipality's administrator"):
        return False
    if role not in DISTRICT_ROLES:
        return False
    own_side = "police" if actor == "police_contact" else "city"
    return side == own_side


def fits(side: str, role: str) -> bool:
    """A police contact is of the police, a district coordinator of the city."""
    return not (
        (role == Role.POLICE_CONTACT and side != "police")
        or (role == Role.DISTRICT_COORDINATOR and side == "police")
    )


def test_the_policy_for_every_actor_organisation_and_role(actors, targets):
    for (actor, user), (side, organisation), role in itertools.product(
        actors.items(), targets.items(), Role.values
    ):
        assert permissions.can_manage_person(user, organisation, role) == expected_reach(actor, side, role), (
            actor,
            side,
            role,
        )


def test_adding_a_person_on_the_district_page_for_every_combination(client, actors, targets, soder):
    page = reverse("bodies:district", args=[soder.pk])
    for number, ((actor, user), (side, organisation), role) in enumerate(
        itertools.product(actors.items(), targets.items(), Role.values)
    ):
        client.force_login(user)
        username = f"ny.person.{number}"
        answer = client.post(
            page,
            {
                "action": "person",
                "person-first_name": "Ny",
                "person-last_name": "Person",
                "person-username": username,
                "person-organisation": organisation.pk,
                "person-role": role,
            },
        )
        created = User.objects.filter(username=username).exists()
        should = expected_reach(actor, side, role) and fits(side, role)
        assert created == should, (actor, side, role, answer.status_code)
        if not created:
            assert answer.status_code in (400, 403), (actor, side, role)


def test_a_coordinator_cannot_demote_the_police_contact(client, actors, targets, soder):
    page = reverse("bodies:district", args=[soder.pk])
    police = actors["police_contact"]
    client.force_login(actors["coordinator"])
    answer = client.post(
        page, {"action": "role", "user": police.pk, f"role-{police.pk}-role": Role.POLITICIAN}, follow=True
    )
    assert answer.status_code == 200
    police.refresh_from_db()
    assert police.role == Role.POLICE_CONTACT
    # The police contact's row shows the role, with no form to change it.
    assert f'name="role-{police.pk}-role"' not in answer.content.decode()
    # The police contact manages the police's people of the district, not the city's.
    colleague = User.objects.create_user("pol.kollega", role=Role.POLITICIAN, organisation=targets["police"])
    city = User.objects.create_user("stad.kollega", role=Role.POLITICIAN, organisation=targets["city"])
    client.force_login(police)
    for person, expected in [(colleague, Role.STEERING_GROUP_MEMBER), (city, Role.POLITICIAN)]:
        client.post(
            page,
            {"action": "role", "user": person.pk, f"role-{person.pk}-role": Role.STEERING_GROUP_MEMBER},
        )
        person.refresh_from_db()
        assert person.role == expected, person


def test_the_organisation_picker_offers_only_the_own_party(client, actors, targets, soder):
    page = reverse("bodies:district", args=[soder.pk])
    for actor, offered, hidden in [
        ("coordinator", "city", "police"),
        ("police_contact", "police", "city"),
    ]:
        client.force_login(actors[actor])
        form = client.get(page).context["forms"]["person"]
        choices = set(form.fields["organisation"].queryset)
        assert targets[offered] in choices and targets[hidden] not in choices, actor


def test_a_persons_role_picker_offers_only_roles_that_fit_them(client, actors, targets, soder):
    page = reverse("bodies:district", args=[soder.pk])
    city = User.objects.create_user("stad.person", role=Role.POLITICIAN, organisation=targets["city"])
    police = User.objects.create_user("pol.person", role=Role.POLITICIAN, organisation=targets["police"])
    client.force_login(actors["administrator"])
    rows = {person: form for person, form in client.get(page).context["people"]}
    offered = {
        person: {value for value, _label in form.fields["role"].choices} for person, form in rows.items()
    }
    assert Role.POLICE_CONTACT not in offered[city] and Role.DISTRICT_COORDINATOR in offered[city]
    assert Role.DISTRICT_COORDINATOR not in offered[police] and Role.POLICE_CONTACT in offered[police]
    client.force_login(actors["coordinator"])
    rows = dict(client.get(page).context["people"])
    assert rows[police] is None  # shown, not changeable
    assert Role.ADMINISTRATOR not in {value for value, _label in rows[city].fields["role"].choices}
