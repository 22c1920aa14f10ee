"""A municipality set up in the app, without a developer: added from the
national list by the installation's administrator, then walked through the
guided steps by its own administrator."""

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse

from samverkan.accounts.models import Role, User
from samverkan.agreements.models import Agreement, Goal
from samverkan.configurations.models import MunicipalitySetup
from samverkan.configurations.selectors import setup_steps
from samverkan.datasources import loader
from samverkan.datasources.register import known, known_municipalities
from samverkan.governance.models import Body, BodyKind
from samverkan.organisations.models import (
    Area,
    AreaKind,
    Municipality,
    Organisation,
    OrganisationKind,
    Subdivision,
)

FIXTURES = Path(__file__).parent / "fixtures"


def test_the_national_list_holds_all_290_municipalities_with_their_police_region():
    municipalities = known_municipalities()
    assert len(municipalities) == 290 and len({m.code for m in municipalities}) == 290
    assert known("1280").name == "Malmö" and known("1280").police_region == "Polisregion Syd"
    assert known("2480").police_region == "Polisregion Nord"
    assert known("0980").police_region == "Polisregion Stockholm"  # Gotland
    assert known("9999") is None


def _add(client, **overrides):
    data = {
        "new-code": "1280",
        "new-municipality_name": "Malmö stad",
        "new-administration": "Stadskontoret",
        "new-first_name": "Alva",
        "new-last_name": "Admin",
        "new-username": "alva.malmo",
        "new-email": "alva@malmo.example",
    } | overrides
    return client.post(reverse("setup:municipality_add"), data)


@pytest.fixture
def malmo_admin(client, cast):
    client.force_login(cast[Role.ADMINISTRATOR])
    response = _add(client)
    assert response.status_code == 302, response.content.decode()
    admin = User.objects.get(username="alva.malmo")
    client.force_login(admin)
    return admin


def test_the_installation_administrator_adds_a_municipality_from_the_list(client, cast):
    client.force_login(cast[Role.ADMINISTRATOR])
    page = client.get(reverse("setup:progress")).content.decode()
    assert '<option value="1280">1280 Malmö (Skåne län)</option>' in page
    assert '<option value="0180">' not in page  # Stockholm is here already
    response = _add(client)
    assert response.status_code == 302
    malmo = Municipality.objects.get(code="1280")
    assert malmo.name == "Malmö stad" and malmo.place_name == "Malmö"
    assert malmo.police_region.name == "Polisregion Syd" and malmo.police_region.municipality == malmo
    admin = User.objects.get(username="alva.malmo")
    assert admin.role == Role.ADMINISTRATOR and admin.organisation.name == "Stadskontoret"
    assert admin.organisation.municipality == malmo and not admin.has_usable_password()
    assert not admin.is_superuser
    message = client.get(reverse("setup:progress")).content.decode()
    assert "/accounts/invitation/" in message


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"new-code": "9999"}, "new-code", "Select a valid choice"),
        ({"new-code": "0180"}, "new-code", "Select a valid choice"),  # Stockholm is set up already
        ({"new-administration": "Kontor 19811218-9876"}, "new-administration", "personal identity number"),
        ({"new-first_name": ""}, "new-first_name", ""),
        ({"new-username": "admin"}, "new-username", "taken"),
    ],
)
def test_a_bad_new_municipality_is_refused_and_nothing_is_created(client, cast, overrides, field, message):
    client.force_login(cast[Role.ADMINISTRATOR])
    client.cookies["django_language"] = "en"
    response = _add(client, **overrides)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page or "error-summary" in page
    assert message.lower() in page.lower() or message == ""
    assert not Municipality.objects.filter(code="1280").exists()
    assert not User.objects.filter(username="alva.malmo").exists()


def test_only_installation_administrators_add_municipalities(client, cast, malmo_admin):
    # Malmö's own administrator walks Malmö's steps but adds no municipality.
    assert client.post(reverse("setup:municipality_add"), {"new-code": "1281"}).status_code == 403
    page = client.get(reverse("setup:progress")).content.decode()
    assert "Malmö stad" in page and "Add a municipality" not in page and "Lägg till en kommun" not in page


def _done(municipality):
    return {step.key: step.done for step in setup_steps(municipality)}


def test_the_new_administrator_walks_every_step_to_the_end(client, malmo_admin):
    malmo = malmo_admin.organisation.municipality
    # The administration and the police region come with the municipality.
    assert _done(malmo) == {
        "municipality": True,
        "boundary": False,
        "areas": False,
        "organisations": True,
        "people": False,
        "bodies": False,
        "coordination": False,
        "agreement": False,
    }

    # The boundary, from a national file in SWEREF 99 TM: Malmö's feature is picked by its code.
    batch = loader.batch_receive(
        municipality=malmo,
        kind="boundaries",
        filename="kommuner_sweref99.geojson",
        data=(FIXTURES / "kommuner_sweref99.geojson").read_bytes(),
        user=malmo_admin,
    )
    loader.batch_apply(batch)
    malmo.refresh_from_db()
    west, south = malmo.geometry["coordinates"][0][0]
    assert 12.8 < west < 13.2 and 55.4 < south < 55.7  # Malmö in degrees

    assert client.post(reverse("setup:areas"), {"subdivision": "none"}).status_code == 302
    assert (
        client.post(
            reverse("setup:organisations"),
            {"kind": OrganisationKind.POLICE_AREA, "name": "Lokalpolisområde Malmö Norr"},
        ).status_code
        == 302
    )
    board = Organisation.objects.create(
        municipality=malmo, kind=OrganisationKind.EXECUTIVE_BOARD, name="Kommunstyrelsen"
    )
    police_area = Organisation.objects.get(name="Lokalpolisområde Malmö Norr")
    for username, role, organisation in [
        ("polis.malmo", Role.POLICE_CONTACT, police_area),
        ("samordnare.malmo", Role.PREPARATION_GROUP, malmo_admin.organisation),
    ]:
        response = client.post(
            reverse("setup:people"),
            {
                "action": "person",
                "person-first_name": "Förnamn",
                "person-last_name": "Efternamn",
                "person-username": username,
                "person-organisation": organisation.pk,
                "person-role": role,
            },
        )
        assert response.status_code == 302, response.content.decode()
    response = client.post(
        reverse("setup:bodies"),
        {
            "action": "body",
            "body-kind": BodyKind.CRIME_PREVENTION_COUNCIL,
            "body-name": "Brottsförebyggande rådet",
            "body-mandate": "Samordnar det brottsförebyggande arbetet.",
        },
    )
    assert response.status_code == 302
    council = Body.objects.get(municipality=malmo, name="Brottsförebyggande rådet")
    response = client.post(
        reverse("setup:bodies"),
        {
            "action": "seat",
            "body": council.pk,
            "seat-organisation": board.pk,
            "seat-role_title": "Kommunstyrelsens ordförande",
            "seat-count": 1,
            "seat-is_chair": "on",
        },
    )
    assert response.status_code == 302 and council.seats.count() == 1
    response = client.post(
        reverse("setup:coordination"),
        {
            "coordinator": malmo_admin.organisation.pk,
            "coordinator_role": "Brottsförebyggande samordnare",
            "plan_body": council.pk,
        },
    )
    assert response.status_code == 302
    response = client.post(reverse("setup:agreement"), _agreement_data(malmo, police_area))
    assert response.status_code == 302, response.content.decode()
    agreement = Agreement.objects.get(municipality=malmo)
    assert agreement.scope == "central" and agreement.area is None
    version = agreement.versions.get()
    assert [a.name for a in version.priority_areas.order_by("order")] == [
        "Trygg stadsmiljö",
        "Unga i riskzon",
    ]
    assert list(Goal.objects.filter(priority_area__version=version).values_list("text", flat=True)) == [
        "Färre personrån i centrala Malmö",
        "Ökad trygghet i parkerna",
        "Fler unga i meningsfull fritid",
    ]
    assert all(_done(malmo).values()), _done(malmo)
    page = client.get(reverse("setup:progress")).content.decode()
    assert "8 of 8" in page or "8 av 8" in page


def _agreement_data(municipality, police_area, **overrides):
    office = Organisation.objects.get(municipality=municipality, kind=OrganisationKind.EXECUTIVE_OFFICE)
    return {
        "agreement-title": "Samverkansöverenskommelse Malmö",
        "version-label": "Överenskommelse 2026",
        "version-valid_from": "2026-01-01",
        "version-valid_to": "2028-12-31",
        "version-parties": [office.pk, police_area.pk],
        "areas-TOTAL_FORMS": "3",
        "areas-INITIAL_FORMS": "0",
        "areas-MIN_NUM_FORMS": "0",
        "areas-MAX_NUM_FORMS": "20",
        "areas-0-name": "Trygg stadsmiljö",
        "areas-0-goals": "Färre personrån i centrala Malmö\n\nÖkad trygghet i parkerna",
        "areas-1-name": "Unga i riskzon",
        "areas-1-goals": "Fler unga i meningsfull fritid",
        "areas-2-name": "",
        "areas-2-goals": "",
    } | overrides


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"areas-1-goals": ""}, "at least one goal"),
        ({"areas-0-goals": "Mål för 19811218-9876"}, "personal identity number"),
        ({"version-parties": []}, "required"),
        ({"agreement-title": ""}, "required"),
        ({"version-valid_from": "2026-13-01"}, "valid date"),
        (
            {"areas-0-name": "", "areas-0-goals": "", "areas-1-name": "", "areas-1-goals": ""},
            "at least one priority",
        ),
    ],
)
def test_a_bad_agreement_is_refused_and_nothing_is_kept(client, malmo_admin, overrides, message):
    malmo = malmo_admin.organisation.municipality
    police = Organisation.objects.get(municipality=malmo, kind=OrganisationKind.POLICE_REGION)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("setup:agreement"), _agreement_data(malmo, police, **overrides))
    assert response.status_code == 400
    assert message.lower() in response.content.decode().lower()
    assert not Agreement.objects.filter(municipality=malmo).exists()


def test_an_agreement_needs_both_the_municipality_and_the_police(client, malmo_admin):
    malmo = malmo_admin.organisation.municipality
    office = Organisation.objects.get(municipality=malmo, kind=OrganisationKind.EXECUTIVE_OFFICE)
    client.cookies["django_language"] = "en"
    data = _agreement_data(malmo, office, **{"version-parties": [office.pk]})
    response = client.post(reverse("setup:agreement"), data)
    assert response.status_code == 400 and "at least one of each" in response.content.decode()


def test_districts_of_its_own_are_added_by_name_once(client, malmo_admin):
    malmo = malmo_admin.organisation.municipality
    data = {"subdivision": "districts", "districts": "Centrum\nNorr\n\nCentrum\nSöder"}
    assert client.post(reverse("setup:areas"), data).status_code == 302
    assert client.post(reverse("setup:areas"), data).status_code == 302
    districts = Area.objects.filter(municipality=malmo, kind=AreaKind.DISTRICT)
    assert sorted(districts.values_list("name", flat=True)) == ["Centrum", "Norr", "Söder"]
    assert _done(malmo)["areas"]


def test_deso_areas_come_from_a_national_file_by_the_municipality_code(client, malmo_admin):
    malmo = malmo_admin.organisation.municipality
    assert client.post(reverse("setup:areas"), {"subdivision": "deso"}).status_code == 302
    assert MunicipalitySetup.objects.get(municipality=malmo).subdivision == Subdivision.DESO
    assert not _done(malmo)["areas"]
    data = (FIXTURES / "deso_sweref99.geojson").read_bytes()
    batch = loader.batch_receive(
        municipality=malmo, kind="boundaries", filename="deso_sweref99.geojson", data=data, user=malmo_admin
    )
    assert batch.status == batch.Status.PREVIEWED, batch.report
    loader.batch_apply(batch)
    areas = Area.objects.filter(municipality=malmo, kind=AreaKind.NEIGHBOURHOOD).order_by("code")
    assert list(areas.values_list("code", flat=True)) == ["1280A0010", "1280C1010", "1280C1020"]
    # The same areas again, in another file: nothing changes.
    again = loader.batch_receive(
        municipality=malmo, kind="boundaries", filename="deso.geojson", data=data + b"\n", user=malmo_admin
    )
    assert again.status == again.Status.PREVIEWED, again.report
    assert again.report["counts"]["changed"] == 0 and again.report["counts"]["unchanged"] == 3, again.report
    loader.batch_apply(again)
    assert areas.count() == 3
    assert areas.get(code="1280A0010").geometry["type"] == "MultiPolygon"
    assert not Area.objects.filter(code="1281C1010").exists()
    assert _done(malmo)["areas"]


def test_a_coordinator_cannot_add_areas_from_a_national_file(malmo_admin):
    malmo = malmo_admin.organisation.municipality
    MunicipalitySetup.objects.filter(municipality=malmo).update(subdivision=Subdivision.DESO)
    coordinator = User.objects.create_user(
        "samordnare.malmo", role=Role.PREPARATION_GROUP, organisation=malmo_admin.organisation
    )
    batch = loader.batch_receive(
        municipality=malmo,
        kind="boundaries",
        filename="deso_sweref99.geojson",
        data=(FIXTURES / "deso_sweref99.geojson").read_bytes(),
        user=coordinator,
    )
    assert batch.status == batch.Status.REJECTED
    assert not Area.objects.filter(municipality=malmo).exists()


def test_one_municipality_sees_nothing_of_another_while_setting_up(client, cast, malmo_admin):
    stockholm = Municipality.objects.get(code="0180")
    stockholm_people = [u.get_full_name() for u in User.objects.filter(organisation__municipality=stockholm)]
    stockholm_agreements = list(
        Agreement.objects.filter(municipality=stockholm).values_list("title", flat=True)
    )
    assert stockholm_people and stockholm_agreements
    for name in ("progress", "organisations", "people", "bodies", "agreement", "areas", "coordination"):
        page = client.get(reverse(f"setup:{name}")).content.decode()
        assert "Idrottsnämnden" not in page and "Lokal styrgrupp Norra innerstaden" not in page, name
        assert "Järva" not in page, name
        assert not [title for title in stockholm_agreements if title in page], name
        assert not [person for person in stockholm_people if person and person in page], name
    exported = client.get(reverse("setup:export"))
    assert b'"code": "1280"' in exported.content and b"0180" not in exported.content
    law = client.get(reverse("plans:law")).content.decode()
    assert "Stockholm" not in law and "Malmö" in law
    # Stockholm's administrator sees Malmö only as a municipality of the installation.
    client.force_login(cast[Role.ADMINISTRATOR])
    page = client.get(reverse("setup:people")).content.decode()
    assert "alva.malmo" not in page and "Alva" not in page
    assert stockholm.name in client.get(reverse("setup:progress")).content.decode()


def test_the_law_view_turns_green_as_the_coordinating_function_is_named(client, malmo_admin):
    this_year = dt.date.today().year
    page = client.get(reverse("plans:law")).content.decode()
    assert page.count('data-requirement="coordination"') == 2
    assert f"{this_year}" in page and f"{this_year - 1}" in page
    assert 'class="requirement met"' not in page
    malmo = malmo_admin.organisation.municipality
    council = Body.objects.create(
        municipality=malmo, kind=BodyKind.CRIME_PREVENTION_COUNCIL, name="BRÅ-rådet"
    )
    client.post(
        reverse("setup:coordination"),
        {
            "coordinator": malmo_admin.organisation.pk,
            "coordinator_role": "Samordnare",
            "plan_body": council.pk,
        },
    )
    page = client.get(reverse("plans:law")).content.decode()
    assert page.count('class="requirement met" data-requirement="coordination"') == 2
    assert page.count('class="requirement unmet" data-requirement="picture"') == 2
