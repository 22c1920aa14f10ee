"""Sign-in is throttled per username and client address, across servers
(the attempts are in the database), counted before the password is checked
(so parallel guesses cannot race past it), and a successful sign-in clears
the count."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from samverkan.accounts.models import SignInFailure
from tests.conftest import PASSWORD


def sign_in(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


@override_settings(SAMVERKAN_SIGN_IN_ATTEMPTS=3, SAMVERKAN_SIGN_IN_WINDOW_MINUTES=15)
def test_repeated_failures_lock_the_username_for_the_window(client, cast):
    for _ in range(3):
        assert sign_in(client, "polis", "fel").status_code == 200
    refused = sign_in(client, "POLIS ", PASSWORD)  # the right password, same user in other case
    assert refused.status_code == 429
    assert "För många misslyckade inloggningar" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert sign_in(client, "samordnare", PASSWORD).status_code == 302  # other users are not affected
    assert not SignInFailure.objects.filter(username_digest__contains="polis").exists()  # only digests
    elsewhere = client.post(
        "/accounts/login/", {"username": "polis", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3"
    )
    assert elsewhere.status_code == 302  # the guesser's address is locked, not the user
    client.logout()
    SignInFailure.objects.update(at=timezone.now() - dt.timedelta(minutes=16))
    assert sign_in(client, "polis", PASSWORD).status_code == 302


@override_settings(SAMVERKAN_SIGN_IN_ATTEMPTS=3)
def test_a_successful_sign_in_clears_the_failures(client, cast):
    sign_in(client, "polis", "fel")
    sign_in(client, "polis", "fel")
    assert sign_in(client, "polis", PASSWORD).status_code == 302
    assert SignInFailure.objects.count() == 0


@override_settings(SAMVERKAN_SIGN_IN_ATTEMPTS=3)
@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_are_counted_before_any_password_is_checked(cast, live_server):
    """30 wrong passwords at once: at most the limit are checked, the rest refused."""
    import urllib.error
    import urllib.parse
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor
    from http.cookiejar import CookieJar

    def attempt(_):
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        page = opener.open(f"{live_server.url}/accounts/login/").read().decode()
        token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        data = urllib.parse.urlencode({"username": "polis", "password": "fel", "csrfmiddlewaretoken": token})
        try:
            return opener.open(f"{live_server.url}/accounts/login/", data.encode()).status
        except urllib.error.HTTPError as error:
            return error.code

    with ThreadPoolExecutor(10) as pool:
        statuses = list(pool.map(attempt, range(30)))
    assert statuses.count(200) <= 3  # a form answered again: the password was checked
    assert statuses.count(429) >= 27
    assert SignInFailure.objects.count() == 30


@override_settings(SAMVERKAN_SIGN_IN_ATTEMPTS=3)
def test_every_spelling_of_a_user_name_counts_against_the_one_account(client, cast):
    for spelling in ("polis", "ｐｏｌｉｓ", "POLİS".replace("İ", "I"), " Polis\u3000"):
        sign_in(client, spelling, "fel")
    assert sign_in(client, "ｐolis", PASSWORD).status_code == 429


@override_settings(SAMVERKAN_SIGN_IN_ATTEMPTS=3)
def test_the_admin_sign_in_is_throttled_alike(client, cast):
    admin = cast["administrator"]
    admin.is_staff = True
    admin.set_password(PASSWORD)
    admin.save()
    page = client.get("/admin/login/")
    assert page.status_code == 200 and 'name="password"' in page.content.decode()
    for _ in range(3):
        assert client.post("/admin/login/", {"username": "admin", "password": "fel"}).status_code == 200
    refused = client.post("/admin/login/", {"username": "admin", "password": PASSWORD})
    assert refused.status_code == 429 and "_auth_user_id" not in client.session
    assert "För många misslyckade inloggningar" in refused.content.decode()
    assert refused["Retry-After"] == str(15 * 60)
    # The site's sign-in is the same account: locked there too, from this address.
    assert sign_in(client, "admin", PASSWORD).status_code == 429
    SignInFailure.objects.all().delete()
    signed_in = client.post("/admin/login/", {"username": "admin", "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"


@override_settings(SAMVERKAN_SIGN_IN_ATTEMPTS=3, SAMVERKAN_CLIENT_ADDRESS_HEADER="HTTP_X_FORWARDED_FOR")
def test_behind_the_proxy_each_client_is_counted_by_its_own_address(client, cast):
    def through_proxy(client_address, password):
        return client.post(
            "/accounts/login/",
            {"username": "polis", "password": password},
            REMOTE_ADDR="172.18.0.5",  # the proxy's, the same for everyone
            HTTP_X_FORWARDED_FOR=client_address,
        )

    for _ in range(4):
        through_proxy("203.0.113.9", "fel")
    assert through_proxy("203.0.113.9", PASSWORD).status_code == 429  # the guesser
    assert through_proxy("198.51.100.7", PASSWORD).status_code == 302  # the real user, elsewhere


def test_the_shipped_compose_file_reads_the_client_address_from_its_proxy():
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parent.parent
    compose = yaml.safe_load((root / "compose.yaml").read_text())
    assert compose["x-app"]["environment"]["CLIENT_ADDRESS_HEADER"] == "HTTP_X_FORWARDED_FOR"
    assert "ports" not in compose["services"]["web"]  # reached only through the proxy
    proxy = compose["services"]["proxy"]
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert "reverse_proxy web:8000" in (root / "deploy" / "Caddyfile").read_text()
