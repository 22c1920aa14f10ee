"""Web security that holds for every page: the content security policy and
templates that never need an inline script or style. (Browser tests also
fail on any policy violation a page causes: tests/browser/conftest.py.)"""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "samverkan" / "templates"
# Rendered to PDF by WeasyPrint only, never served as a page.
PRINT_ONLY = {"plans/annual_export.html", "situations/export.html", "consultations/_export_style.html"}


def _served_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if name not in PRINT_ONLY:
            yield name, path.read_text()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/api/v1/openapi.json", "/api/v1/docs"])
def test_every_response_carries_a_strict_content_security_policy(client, path):
    policy = client.get(path)["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy
    # No foreign source, except the configured tile server for images.
    from django.conf import settings

    tiles = settings.SECURE_CSP["img-src"][3:]
    assert all("http" not in value for name, value in directives.items() if name != "img-src")
    assert [v for v in directives["img-src"].split() if "http" in v] == tiles


def test_no_served_template_has_an_inline_script_handler_or_style():
    found = []
    for name, text in _served_templates():
        for match in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=|\sstyle=|<style", text):
            found.append((name, match.group(0)))
    assert found == []


def test_the_template_check_would_see_an_inline_script():
    pattern = r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=|\sstyle=|<style"
    assert re.search(pattern, "<script>alert(1)</script>")
    assert re.search(pattern, '<a onclick="x()">')
    assert not re.search(pattern, '<script src="/static/x.js" defer></script>')
