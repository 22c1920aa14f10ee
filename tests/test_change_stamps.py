"""What the busiest pages compute is kept until the data it reads changes:
the change stamp moves with every write to those apps (bulk ones too) and
with nothing else, is not trusted while another transaction writes, and
gives browsers an ETag to revalidate with."""

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from samverkan.accounts.models import Role
from samverkan.audit import stamps
from samverkan.audit.stamps import kept, stamp
from samverkan.indicators.compute import indicator_refresh
from samverkan.indicators.models import Indicator
from samverkan.notifications.models import Notification
from samverkan.organisations.models import Area


def test_what_is_kept_is_reused_until_one_of_its_apps_changes(cast):
    computed = []

    def compute() -> list[str]:
        computed.append(1)
        return sorted(Area.objects.values_list("name", flat=True))

    first = kept("test-areas", ("organisations",), compute)
    assert kept("test-areas", ("organisations",), compute) == first
    assert len(computed) == 1  # the second read was served from the cache

    Notification.objects.create(user=cast[Role.POLITICIAN], message="Ett annat ämne")
    kept("test-areas", ("organisations",), compute)
    assert len(computed) == 1  # a change elsewhere keeps it

    area = Area.objects.get(code="skarholmen")
    area.name = "Skärholmen-Sätra"
    area.save()
    assert "Skärholmen-Sätra" in kept("test-areas", ("organisations",), compute)
    assert len(computed) == 2


def test_a_bulk_refresh_of_indicator_figures_moves_the_stamp(stockholm):
    before = stamp(("indicators",))
    indicator_refresh(Indicator.objects.filter(municipality=stockholm).first())
    assert stamp(("indicators",)) != before


def test_within_a_request_a_refresh_of_derived_figures_moves_the_stamp(stockholm):
    """Indicator values are recorded as one event per refresh, not row by row: the
    stamp read for a whole request (every recorded model at once) still sees them."""
    stamps._request_started()
    try:
        before = stamp(("indicators",))
        indicator_refresh(Indicator.objects.filter(municipality=stockholm).first())
        assert stamp(("indicators",)) != before
    finally:
        stamps._request_finished()


def test_reading_a_restricted_item_does_not_move_the_stamp(cast):
    from samverkan.audit.recorder import record_reads

    before = stamp(("organisations",))
    record_reads(cast[Role.ADMINISTRATOR], [Area.objects.first()], why="test")
    assert stamp(("organisations",)) == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
def test_a_stamp_read_while_another_transaction_writes_is_not_trusted(cast):
    """PostgreSQL hands out ids at insert, not at commit: while another
    transaction may hold a change below the latest id, nothing is kept."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT pg_current_xact_id()")  # it now writes, as far as others can tell
            assert stamp(("organisations",)) is None
            computed = []
            kept("test-writing", ("organisations",), lambda: computed.append(1))
            kept("test-writing", ("organisations",), lambda: computed.append(1))
            assert len(computed) == 2  # computed afresh each time, nothing kept
            stamps._request_started()  # nor within a request, whose stamps are read once
            try:
                assert stamp(("organisations",)) is None
                assert stamp(("plans",)) is None
            finally:
                stamps._request_finished()
            cursor.execute("ROLLBACK")
        assert stamp(("organisations",)) is not None
    finally:
        other.close()


def test_within_a_request_every_stamp_is_the_one_read_on_its_own(cast):
    """A request reads the latest change of every model once (PostgreSQL) or each set of
    apps once (SQLite): each stamp it gives is the one a single read gives, and a change
    made in the request moves it."""
    sets = [("organisations",), ("plans", "agreements"), ("datasources.ImportBatch", "configurations")]
    alone = {apps: stamp(apps) for apps in sets}
    stamps._request_started()
    try:
        with CaptureQueriesContext(connection) as reads:
            assert {apps: stamp(apps) for apps in sets} == alone
            assert {apps: stamp(apps) for apps in sets} == alone
        audit_reads = [q for q in reads.captured_queries if "audit_auditevent" in q["sql"]]
        assert len(audit_reads) == (1 if connection.vendor == "postgresql" else len(sets))
        area = Area.objects.get(code="skarholmen")
        area.name = "Skärholmen-Sätra"
        area.save()
        moved = stamp(("organisations",))
        assert moved != alone[("organisations",)]
        assert stamp(("plans", "agreements")) == alone[("plans", "agreements")]
    finally:
        stamps._request_finished()
    assert stamp(("organisations",)) == moved


def test_the_city_map_is_revalidated_with_its_etag(client, cast):
    client.force_login(cast[Role.POLITICIAN])
    first = client.get("/areas/city.geojson")
    assert first.status_code == 200
    assert first["Cache-Control"] == "private, no-cache"
    tag = first["ETag"]
    again = client.get("/areas/city.geojson", headers={"if-none-match": tag})
    assert again.status_code == 304 and again.content == b""

    area = Area.objects.get(code="bromma")  # a district with an outline on the map
    area.name = "Bromma-Mälarstränder"
    area.save()
    changed = client.get("/areas/city.geojson", headers={"if-none-match": tag})
    assert changed.status_code == 200 and changed["ETag"] != tag
    assert "Bromma-Mälarstränder" in [f["properties"]["name"] for f in changed.json()["features"]]

    # Another person's tag is not theirs: the tag names the user.
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    assert client.get("/areas/city.geojson", headers={"if-none-match": changed["ETag"]}).status_code == 200


def test_the_access_check_comes_before_a_304(client, cast):
    from samverkan.accounts.models import User

    client.force_login(cast[Role.POLITICIAN])
    tag = client.get("/areas/city.geojson")["ETag"]
    outsider = User.objects.create_user("utan.kommun", password="x")  # no organisation, no municipality
    client.force_login(outsider)
    assert client.get("/areas/city.geojson", headers={"if-none-match": tag}).status_code in (403, 404)


def test_answers_to_signed_in_people_are_private(client, cast):
    assert "no-store" in client.get("/accounts/login/")["Cache-Control"]  # a view's own is kept
    client.force_login(cast[Role.POLITICIAN])
    for url in ("/start/", "/agreements/", "/plans/calendar/"):
        assert client.get(url)["Cache-Control"] == "private, no-cache", url


def test_parts_kept_for_one_municipality_are_not_shown_in_another(client, cast, other_municipality_admin):
    client.force_login(cast[Role.POLITICIAN])
    for url in ("/agreements/compliance/", "/agreements/", "/areas/"):
        assert "Skärholmen" in client.get(url).content.decode(), url
    client.force_login(other_municipality_admin)
    for url in ("/agreements/compliance/", "/agreements/", "/areas/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "Skärholmen" not in response.content.decode(), url


def test_the_kept_parts_of_a_district_page_follow_a_change_at_once(client, cast):
    from samverkan.organisations.models import Organisation, OrganisationKind

    client.force_login(cast[Role.POLITICIAN])
    district = Area.objects.get(code="rinkeby-kista")
    url = f"/areas/{district.pk}/"
    assert "Rinkeby fältgrupp" not in client.get(url).content.decode()
    assert "Rinkeby fältgrupp" not in client.get(url).content.decode()  # now served as kept
    Organisation.objects.create(
        municipality=district.municipality,
        kind=OrganisationKind.SPECIALIST_ADMINISTRATION,
        name="Rinkeby fältgrupp",
        area=district,
    )
    assert "Rinkeby fältgrupp" in client.get(url).content.decode()
