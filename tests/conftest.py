import os
from contextlib import contextmanager

import pytest
from django.db import transaction

from samverkan.accounts.models import Role, User
from samverkan.configurations.demo import DEMO_PASSWORD
from samverkan.configurations.services import load_configuration
from samverkan.organisations.models import Municipality, Organisation, OrganisationKind
from tests import snapshot

# Live-server tests run Django in a thread beside Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = DEMO_PASSWORD


def pytest_configure(config):
    from django.conf import settings

    # Hashing demo passwords the production way would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # No background tiles from the internet in tests (tests/browser/test_maps.py serves its own).
    settings.SAMVERKAN_MAP_TILES = ""
    # WhiteNoise looks a static file up when it is asked for, as in development, rather
    # than listing every file of every app each time a test client builds its middleware
    # (a fifth of the time of a test that requests one page).
    settings.WHITENOISE_AUTOREFRESH = True
    # Each parallel worker keeps its uploaded files apart (as its database is).
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        settings.MEDIA_ROOT = settings.VAR_DIR / f"test-media-{worker}"


@pytest.fixture(autouse=True)
def _nothing_kept_from_another_test():
    # Tests roll back their writes (and on SQLite the audit log's ids with them): what was
    # kept under a change stamp (samverkan.audit.stamps) must not reach the next test.
    from django.core.cache import cache

    cache.clear()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_logstart(nodeid, location):
    # CI names the test in progress, so a crash in native code (which kills
    # pytest before it can report) still says where it happened.
    trace = os.environ.get("SAMVERKAN_TEST_TRACE")
    if trace:
        with open(trace, "w") as f:
            f.write(nodeid + "\n")


def _load_stockholm():
    # No neighbourhood polygons: tests must not depend on ../shared/data.
    return load_configuration("stockholm", demo=True, neighbourhood_file=None).municipality


def stockholm_again():
    """The configuration as the session loaded it, after a test emptied the database."""
    snapshot.restore()
    return Municipality.objects.get(code="0180")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the configuration once and keep a copy of it; each test then runs in a
    transaction (or, emptying the database, gets the copy back: `stockholm_again`)."""
    with django_db_blocker.unblock():
        _load_stockholm()
        snapshot.take()


@contextmanager
def undone_after_the_module(django_db_blocker):
    """For a module-scoped fixture: what it builds is kept for the module's tests in a
    transaction rolled back when the module ends; each test runs in a savepoint inside
    it and undoes its own changes as usual. Only for modules of `db` tests (a
    transactional test would run inside the open transaction)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def stockholm_now():
    """The configuration, copied back first if a transactional test emptied the database."""
    return Municipality.objects.filter(code="0180").first() or stockholm_again()


@pytest.fixture
def stockholm(db):
    """The Stockholm configuration with its demo content and demo users
    (copied back when a transactional test has emptied the database)."""
    return stockholm_now()


@pytest.fixture
def cast(stockholm):
    """One user per role, as the demo creates them, plus a coordinator of
    another district (Södermalm) for checks across organisations."""
    users = {user.role: user for user in User.objects.all()}
    users["other_coordinator"] = User.objects.create_user(
        "samordnare.sodermalm",
        password=PASSWORD,
        role=Role.DISTRICT_COORDINATOR,
        # By its area, not its name (tests/test_injection.py rewrites every name).
        organisation=Organisation.objects.get(
            kind=OrganisationKind.DISTRICT_ADMINISTRATION, area__code="sodermalm"
        ),
    )
    return users


def sign_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def other_municipality_admin(db):
    """The administrator of another municipality of the same installation (Malmö)."""
    malmo = Municipality.objects.create(code="1280", name="Malmö stad", place_name="Malmö")
    office = Organisation.objects.create(
        municipality=malmo, kind=OrganisationKind.EXECUTIVE_OFFICE, name="Stadskontoret Malmö"
    )
    return User.objects.create_user("malmo.admin", role=Role.ADMINISTRATOR, organisation=office)


def deliver_mail():
    """What the worker does with the e-mail the test's changes stored (their tasks are
    queued only when a transaction commits, which a test's never does): one attempt each."""
    from django.core import mail

    from samverkan.notifications.models import Mail
    from samverkan.notifications.outbox import attempt

    for pk in Mail.objects.filter(state=Mail.State.WAITING).order_by("pk").values_list("pk", flat=True):
        attempt(pk)
    return mail.outbox
