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
