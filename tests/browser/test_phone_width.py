"""Every page on a phone: every GET route of the access matrix, opened in
Chromium at 390×844 as each role that may read it, is no wider than the
screen (tables scroll inside their own box; nothing pushes the page
sideways), and axe finds nothing serious on it as its first reader sees it."""

import re

import pytest
from django.test import Client

from samverkan.accounts.models import Role, User
from samverkan.organisations.models import Municipality, Organisation
from tests.browser.conftest import settled
from tests.browser.test_accessibility import serious
from tests.test_permissions import GET_ROUTES, ROLES, _build_objects

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 390
DOCUMENT = re.compile(r"\.(pdf|docx|xlsx|csv|json|geojson|zip|txt)$")
# The innermost element that reaches past the screen's right edge.
WIDEST = """() => {
  const wide = [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1);
  const inner = wide.filter(e => !wide.some(o => o !== e && e.contains(o)));
  return inner.slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')).join(', ');
}"""
FILES = {"imports:original", "consultations:attachment"}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": WIDTH, "height": 844}, "is_mobile": True}


def _users() -> dict[str, User]:
    users = {
        user.role: user
        for user in User.objects.filter(
            username__in=["admin", "beredning", "samordnare", "polis", "styrgrupp", "politiker"]
        )
    }
    users["other_coordinator"] = User.objects.create_user(
        "samordnare.sodermalm",
        role=Role.DISTRICT_COORDINATOR,
        organisation=Organisation.objects.get(name="Södermalms stadsdelsförvaltning"),
    )
    return users


def _first_reader(name: str) -> str:
    """The role whose view of a page axe checks: the first in ROLES that may read it."""
    return next(role for role in ROLES if GET_ROUTES[name][1].get(role) == 200)


# One test per role, so that the parallel workers share the pages between them; the
# administrator, first reader (and so axe's) of most pages, in three shares.
SHARES = {Role.ADMINISTRATOR: 3}


@pytest.mark.parametrize(
    ("role", "share"), [(role, share) for role in ROLES for share in range(SHARES.get(role, 1))]
)
def test_no_page_is_wider_than_a_phone(page, live_server, stockholm, role, share):
    objects = _build_objects(Municipality.objects.get(code="0180"))
    users = _users()
    too_wide, pages, inaccessible = [], 0, {}
    page.context.clear_cookies()
    if role != "anonymous":
        client = Client()
        client.force_login(users[role])
        page.context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
        )
    shares = SHARES.get(role, 1)
    readable = [(name, build) for name, (build, expected) in GET_ROUTES.items() if expected.get(role) == 200]
    for name, build in readable[share::shares]:
        url = build(objects)
        if DOCUMENT.search(url.partition("?")[0]) or name in FILES:
            continue  # a download, not a page
        answer = page.goto(f"{live_server.url}{url}")
        if answer is None or not answer.headers.get("content-type", "").startswith("text/html"):
            continue
        if page.locator("main").count() == 0:
            continue  # a fragment that htmx places into a page, not a page
        pages += 1
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > WIDTH:
            culprit = page.evaluate(WIDEST)
            too_wide.append(f"{name} as {role}: {width} px ({culprit})")
        if _first_reader(name) == role:
            settled(page)
            violations = serious(page)
            if violations:
                inaccessible[f"{name} as {role}"] = violations
    # The sign-in and public pages for the anonymous; some thirty and more for every role.
    assert pages >= (4 if role == "anonymous" else 30) // shares, f"{role} opened only {pages} pages"
    assert too_wide == [], "\n".join(too_wide)
    assert inaccessible == {}


def test_the_audit_log_reads_on_a_phone(page, live_server, stockholm, tmp_path):
    """A long value (a digest, a description) wraps in the width there is: no row
    a whole screen tall, one character a line."""
    from samverkan.agreements.models import Agreement

    agreement = Agreement.objects.get(area__code="norra-innerstaden")
    agreement.purpose = "Trygghet" * 40 + " " + "a1b2c3d4" * 8  # long words, as a digest is
    agreement.save()
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/audit/")
    rows = page.locator("table.audit tbody tr")
    heights = [rows.nth(i).bounding_box()["height"] for i in range(min(rows.count(), 10))]
    page.screenshot(path=str(tmp_path / "audit-390.png"), full_page=False)
    assert heights and max(heights) < 844, heights
    assert page.evaluate("() => document.documentElement.scrollWidth") <= WIDTH + 1
