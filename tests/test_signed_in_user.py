"""Every page needs who is signed in, their organisation and their municipality (the
tenant): read in one query, without the municipality's boundary, which a real boundary
file makes large and only the maps read."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from samverkan.accounts.models import Role, User
from samverkan.organisations.models import Municipality


def test_the_user_organisation_and_municipality_are_read_in_one_query(client, cast):
    stockholm = Municipality.objects.get(code="0180")
    stockholm.geometry = {
        "type": "Polygon",
        "coordinates": [[[18.0, 59.3], [18.1, 59.3], [18.1, 59.4], [18.0, 59.3]]],
    }
    stockholm.save()
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    with CaptureQueriesContext(connection) as reads:
        assert client.get("/agreements/compliance/").status_code == 200
    sql = [q["sql"] for q in reads.captured_queries]
    users = [s for s in sql if 'FROM "accounts_user"' in s]
    assert len(users) == 1
    assert '"organisations_municipality"."name"' in users[0]  # with the user
    assert '"organisations_municipality"."geometry"' not in users[0]
    # Neither is read again on its own.
    assert not [
        s
        for s in sql
        if s.startswith(('SELECT "organisations_organisation"', 'SELECT "organisations_municipality"'))
    ]


def test_a_deactivated_account_is_signed_out_on_its_next_page(client, cast):
    user: User = cast[Role.DISTRICT_COORDINATOR]
    client.force_login(user)
    assert client.get("/start/").status_code == 200
    user.is_active = False
    user.save()
    assert client.get("/start/").status_code == 302
