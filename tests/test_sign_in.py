"""Sign-in is throttled per username, across servers (the failures are in
the database), and a successful sign-in clears the count."""

import datetime as dt

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
    SignInFailure.objects.update(at=timezone.now() - dt.timedelta(minutes=16))
    assert sign_in(client, "polis", PASSWORD).status_code == 302


@override_settings(SAMVERKAN_SIGN_IN_ATTEMPTS=3)
def test_a_successful_sign_in_clears_the_failures(client, cast):
    sign_in(client, "polis", "fel")
    sign_in(client, "polis", "fel")
    assert sign_in(client, "polis", PASSWORD).status_code == 302
    assert SignInFailure.objects.count() == 0
