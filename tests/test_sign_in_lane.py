"""Passwords are hashed at Django's own cost, in each process's low-priority
sign-in lane: pages are served while sign-ins wait there, a full lane asks
the next sign-in to come back, and single sign-on never enters it."""

import contextlib
import http.cookiejar
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.contrib.auth import hashers as django_hashers
from django.contrib.auth.hashers import check_password, make_password
from django.test import override_settings

from samverkan.accounts.hashers import NICENESS, Lane, LaneFull, sign_in_lane
from samverkan.accounts.models import SignInFailure, User
from tests.conftest import PASSWORD
from tests.test_oidc import SSO, _sign_on

LANE = {
    "PASSWORD_HASHERS": [
        "samverkan.accounts.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
}


def holding(lane: Lane, waiting: int) -> bool:
    """Whether the lane comes to hold `waiting` pieces of work within two seconds."""
    for _ in range(200):
        if lane.waiting == waiting:
            return True
        time.sleep(0.01)
    return False


def niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@override_settings(**LANE)
def test_a_password_is_hashed_at_djangos_cost_in_a_low_priority_thread(monkeypatch):
    seen = []
    djangos = django_hashers.PBKDF2PasswordHasher.encode

    def encode(self, password, salt, iterations=None):
        seen.append((threading.current_thread().name, niceness()))
        return djangos(self, password, salt, iterations)

    monkeypatch.setattr(django_hashers.PBKDF2PasswordHasher, "encode", encode)
    here = niceness()
    encoded = make_password(PASSWORD)
    algorithm, iterations, _salt, _hash = encoded.split("$")
    # Django's algorithm and iterations: no weaker than Django's own hasher makes them.
    assert (algorithm, int(iterations)) == ("pbkdf2_sha256", django_hashers.PBKDF2PasswordHasher.iterations)
    assert seen == [("sign-in_0", NICENESS)]
    assert niceness() == here  # the request's own thread keeps its priority
    assert check_password(PASSWORD, encoded) and not check_password("fel", encoded)
    assert len(seen) == 3  # each check hashed in the lane too
    assert {name for name, _ in seen} == {"sign-in_0"}
    monkeypatch.undo()
    assert django_hashers.PBKDF2PasswordHasher().verify(PASSWORD, encoded)  # the same hash as Django's


def test_a_lane_holds_at_most_its_limit_and_counts_what_it_did():
    lane = Lane("test-lane")
    release = threading.Event()
    holder = threading.Thread(target=lane.run, args=(release.wait,), kwargs={"limit": 1})
    holder.start()
    try:
        assert holding(lane, 1)
        with pytest.raises(LaneFull):
            lane.run(lambda: None, limit=1)
        answers: list[int] = []
        queued = threading.Thread(target=lambda: answers.append(lane.run(lambda x: x * 2, 21)))
        queued.start()  # no limit: it waits its turn behind the held work
        queued.join(timeout=0.2)
        assert answers == [] and lane.waiting == 2
    finally:
        release.set()
        holder.join()
    queued.join(timeout=5)
    assert answers == [42]
    assert (lane.waiting, lane.done) == (0, 2)


@contextlib.contextmanager
def lane_full():
    """The sign-in lane (of one place) held by another sign-in while the block runs;
    `polis` has the demo's password."""
    polis = User.objects.get(username="polis")
    polis.set_password(PASSWORD)
    polis.save()
    release = threading.Event()
    holder = threading.Thread(target=sign_in_lane.run, args=(release.wait,))
    holder.start()
    try:
        assert holding(sign_in_lane, 1)
        yield
    finally:
        release.set()
        holder.join()


@override_settings(**LANE, SAMVERKAN_SIGN_IN_WAITING=1)
def test_a_sign_in_finding_the_lane_full_is_asked_to_come_back(client, cast):
    with lane_full():
        busy = client.post("/accounts/login/", {"username": "polis", "password": PASSWORD})
    assert busy.status_code == 503
    assert busy["Retry-After"] == "5"
    page = busy.content.decode()
    assert "Många loggar in just nu" in page
    assert 'value="polis"' in page  # the form keeps the username
    assert "_auth_user_id" not in client.session
    # Its password was not checked: the attempt does not count towards a lockout.
    assert not SignInFailure.objects.exists()
    assert client.post("/accounts/login/", {"username": "polis", "password": PASSWORD}).status_code == 302


@override_settings(**LANE, SAMVERKAN_SIGN_IN_WAITING=1, SAMVERKAN_SIGN_IN_ATTEMPTS=3)
def test_a_flood_that_fills_the_lane_locks_nobody_out(client, cast):
    with lane_full():
        answers = [
            client.post("/accounts/login/", {"username": "polis", "password": PASSWORD}).status_code
            for _ in range(6)
        ]
    assert answers == [503] * 6
    assert client.post("/accounts/login/", {"username": "polis", "password": PASSWORD}).status_code == 302


@override_settings(**LANE)
@pytest.mark.django_db(transaction=True)
def test_pages_are_served_while_sign_ins_wait_in_the_lane(cast, live_server, client):
    """Against the threaded live server: a sign-in stuck in the lane holds no page back."""
    polis = User.objects.get(username="polis")
    polis.set_password(PASSWORD)
    polis.save()
    client.force_login(User.objects.get(username="samordnare"))
    session = client.cookies["sessionid"].value

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = opener.open(f"{live_server.url}/accounts/login/").read().decode()  # noqa: S310
    token = form.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    signed_in: list[int] = []

    def sign_in() -> None:
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": "polis", "password": PASSWORD}
        )
        try:
            signed_in.append(opener.open(f"{live_server.url}/accounts/login/", data.encode()).status)  # noqa: S310
        except urllib.error.HTTPError as error:
            signed_in.append(error.code)

    release = threading.Event()
    holder = threading.Thread(target=sign_in_lane.run, args=(release.wait,))
    holder.start()
    signing_in = threading.Thread(target=sign_in)
    try:
        signing_in.start()
        assert holding(sign_in_lane, 2)  # the sign-in waits behind the held work
        page_url = f"{live_server.url}/agreements/"
        request = urllib.request.Request(page_url, headers={"Cookie": f"sessionid={session}"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=10) as page:  # noqa: S310
            assert page.status == 200
            assert "Överenskommelser" in page.read().decode()
        assert signed_in == []  # the page came back while the sign-in still waited
    finally:
        release.set()
        holder.join()
        signing_in.join(timeout=30)
    assert signed_in == [200]  # signed in, and followed on to the start page


@override_settings(**SSO, **LANE)
def test_single_sign_on_does_not_enter_the_lane(client, monkeypatch, stockholm):
    before = sign_in_lane.done
    claims = {"sub": "idp-1", "preferred_username": "anna", "organisation": "Järva stadsdelsförvaltning"}
    assert _sign_on(client, monkeypatch, claims | {"roles": ["sv-samordnare"]}).status_code == 302
    assert client.get("/agreements/").wsgi_request.user.username == "anna"
    assert sign_in_lane.done == before
