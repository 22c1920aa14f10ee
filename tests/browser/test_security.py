"""The content security policy as Chromium enforces it."""

import pytest

from tests.browser.conftest import policy_refusals

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chromium_refuses_an_inline_script_and_reports_it(browser, live_server, stockholm):
    # Its own page, outside the autouse check that fails a test on any violation.
    page = browser.new_page()
    refused = policy_refusals(page)
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.ran = true'; document.body.append(s); }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.ran === undefined")
    assert refused and "script-src" in refused[0]
    page.close()
