import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium; Playwright's own browser download is not available here.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def signed_in(page, live_server, stockholm):
    def sign_in(username: str):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Användarnamn").fill(username)
        page.get_by_label("Lösenord").fill("samverkan")
        page.get_by_role("button", name="Logga in").click()
        return page

    return sign_in


def policy_refusals(page) -> list[str]:
    """The content security policy refusals Chromium reports on the page, as they come."""
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    return refused


@pytest.fixture(autouse=True)
def no_content_security_policy_violations(request):
    """Every browser test also fails if a page it opened broke the content
    security policy (an inline script or style, a foreign source)."""
    if "page" not in request.fixturenames:
        yield
        return
    refused = policy_refusals(request.getfixturevalue("page"))
    yield
    assert refused == []


def settled(page) -> None:
    """The page as its reader sees it once loaded: where it fetches more after loading (a
    map's shapes, a fragment htmx loads or polls), also with the network quiet for half a
    second; other pages are whole at their load event."""
    page.wait_for_load_state("load")
    if page.locator(".map, [hx-trigger]").count():
        page.wait_for_load_state("networkidle")
