"""Single sign-on through OpenID Connect: off by default, and when switched on
the provider's claims decide the organisation and role of the local account.

The provider itself is not reachable from the tests: its two HTTP endpoints
(token and user info) are replaced; everything on Samverkan's side runs,
including the signature and nonce checks of the ID token."""

import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from django.test import override_settings

from samverkan.accounts.models import Role, User
from samverkan.accounts.oidc import SignOnBackend

pytestmark = pytest.mark.django_db

SECRET = "a-client-secret-long-enough-for-hs256-signatures"
SSO = {
    "SAMVERKAN_OIDC": True,
    "OIDC_RP_CLIENT_ID": "samverkan-test",
    "OIDC_RP_CLIENT_SECRET": SECRET,
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://idp.example.se/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://idp.example.se/token",
    "OIDC_OP_USER_ENDPOINT": "https://idp.example.se/userinfo",
    # The client secret signs the test tokens; production uses RS256 and the JWKS.
    "OIDC_RP_SIGN_ALGO": "HS256",
    "SAMVERKAN_OIDC_PROVIDER_NAME": "Stockholms stad",
    "SAMVERKAN_OIDC_ROLE_MAP": {"sv-samordnare": "district_coordinator", "sv-admin": "administrator"},
    "AUTHENTICATION_BACKENDS": [
        "samverkan.accounts.backends.PasswordBackend",
        "samverkan.accounts.oidc.SignOnBackend",
    ],
}


def test_single_sign_on_is_off_by_default(client, stockholm):
    page = client.get("/accounts/login/").content.decode()
    assert "Logga in med" not in page
    assert client.get("/accounts/sso/start/").status_code == 404
    assert client.get("/accounts/sso/callback/?code=x&state=y").status_code == 404


@override_settings(**SSO)
def test_the_sign_in_page_offers_the_provider_and_start_redirects_to_it(client, stockholm):
    page = client.get("/accounts/login/?next=/plans/").content.decode()
    assert "Logga in med Stockholms stad" in page
    assert 'href="/accounts/sso/start/?next=/plans/"' in page

    response = client.get("/accounts/sso/start/?next=/plans/")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == "https://idp.example.se/authorize"
    query = {key: values[0] for key, values in parse_qs(target.query).items()}
    assert query["client_id"] == "samverkan-test"
    assert query["response_type"] == "code"
    assert query["redirect_uri"] == "http://testserver/accounts/sso/callback/"
    assert query["code_challenge_method"] == "S256"
    state = query["state"]
    assert client.session["oidc_states"][state]["nonce"] == query["nonce"]
    assert client.session["oidc_login_next"] == "/plans/"


def _sign_on(client, monkeypatch, claims, *, nonce=None):
    """Run the code flow: start, then come back from the provider with a code."""
    start = parse_qs(urlsplit(client.get("/accounts/sso/start/")["Location"]).query)
    state, sent_nonce = start["state"][0], start["nonce"][0]
    id_token = jwt.encode(
        {
            "iss": "https://idp.example.se",
            "aud": "samverkan-test",
            "sub": claims["sub"],
            "nonce": nonce or sent_nonce,
            "iat": int(time.time()),
            "exp": int(time.time()) + 300,
        },
        SECRET,
        algorithm="HS256",
    )
    monkeypatch.setattr(
        SignOnBackend, "get_token", lambda self, payload: {"id_token": id_token, "access_token": "at"}
    )
    monkeypatch.setattr(SignOnBackend, "get_userinfo", lambda self, access, id_token, payload: claims)
    return client.get(f"/accounts/sso/callback/?code=the-code&state={state}")


@override_settings(**SSO)
def test_claims_make_and_then_update_the_account(client, monkeypatch, stockholm):
    claims = {
        "sub": "idp-4711",
        "preferred_username": "anna.samordnare",
        "email": "anna@stockholm.se",
        "given_name": "Anna",
        "family_name": "Berg",
        "organisation": "Järva stadsdelsförvaltning",
        "roles": ["sv-samordnare", "okänd-grupp"],
    }
    response = _sign_on(client, monkeypatch, claims)
    assert response.status_code == 302
    assert response["Location"] == "/start/"
    user = User.objects.get(oidc_subject="idp-4711")
    assert (user.username, user.role, user.organisation.name, user.first_name) == (
        "anna.samordnare",
        Role.DISTRICT_COORDINATOR,
        "Järva stadsdelsförvaltning",
        "Anna",
    )
    assert not user.has_usable_password()
    assert client.get("/agreements/").wsgi_request.user == user

    # The provider moves her and changes her e-mail: the same account follows.
    client.logout()
    claims |= {"organisation": "Södermalms stadsdelsförvaltning", "email": "anna.berg@stockholm.se"}
    _sign_on(client, monkeypatch, claims)
    assert User.objects.filter(oidc_subject="idp-4711").count() == 1
    user.refresh_from_db()
    assert user.organisation.name == "Södermalms stadsdelsförvaltning"
    assert user.email == "anna.berg@stockholm.se"


@override_settings(**SSO)
def test_the_account_is_matched_by_subject_not_by_e_mail(client, monkeypatch, cast):
    local = cast[Role.DISTRICT_COORDINATOR]
    local.email = "taken@stockholm.se"
    local.save()
    claims = {
        "sub": "someone-else",
        "preferred_username": local.username,
        "email": "taken@stockholm.se",
        "organisation": "Järva stadsdelsförvaltning",
        "roles": "politician",
    }
    _sign_on(client, monkeypatch, claims)
    created = User.objects.get(oidc_subject="someone-else")
    assert created.pk != local.pk
    assert created.username == f"{local.username}-2"
    assert created.role == Role.POLITICIAN


@pytest.mark.parametrize(
    "change",
    [
        {"roles": ["sv-admin"]},  # administrators are made locally, never by a claim
        {"roles": []},
        {"organisation": "Polisregion Gotland"},  # not an organisation of this municipality
        {"organisation": ""},
    ],
)
@override_settings(**SSO)
def test_someone_samverkan_cannot_place_is_not_signed_in(client, monkeypatch, stockholm, change):
    claims = {"sub": "idp-9", "organisation": "Järva stadsdelsförvaltning", "roles": ["sv-samordnare"]}
    response = _sign_on(client, monkeypatch, claims | change)
    assert response["Location"] == "/accounts/login/?sso=failed"
    assert not User.objects.filter(oidc_subject="idp-9").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Inloggningen via" in page
    assert "_auth_user_id" not in client.session


@override_settings(**SSO, SAMVERKAN_OIDC_DEFAULT_ORGANISATION="Järva stadsdelsförvaltning")
def test_the_default_organisation_places_users_without_an_organisation_claim(client, monkeypatch, stockholm):
    _sign_on(client, monkeypatch, {"sub": "idp-10", "roles": "preparation_group"})
    user = User.objects.get(oidc_subject="idp-10")
    assert (user.organisation.name, user.role) == ("Järva stadsdelsförvaltning", Role.PREPARATION_GROUP)


@override_settings(**SSO)
def test_a_token_with_the_wrong_nonce_signs_no_one_in(client, monkeypatch, stockholm):
    claims = {"sub": "idp-11", "organisation": "Järva stadsdelsförvaltning", "roles": "politician"}
    response = _sign_on(client, monkeypatch, claims, nonce="replayed")
    assert response["Location"] == "/accounts/login/?sso=failed"
    assert not User.objects.filter(oidc_subject="idp-11").exists()


@override_settings(**SSO)
def test_an_identity_number_in_a_name_claim_is_not_stored(client, monkeypatch, stockholm):
    claims = {
        "sub": "idp-12",
        "given_name": "Anna 811218-9876",
        "organisation": "Järva stadsdelsförvaltning",
        "roles": "politician",
    }
    _sign_on(client, monkeypatch, claims)
    assert User.objects.get(oidc_subject="idp-12").first_name == ""
