"""No input answers 5xx: signed in as each role, every form found on every
page of the access matrix is submitted empty, with overlong text, with
values of the wrong type and with boundary values. Hidden inputs (which
say which form a page received) are kept; everything else is replaced."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from tests.test_permissions import GET_ROUTES, ROLES, objects, shared_objects  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_ACTIONS = ("/accounts/logout/", "/i18n/", "/admin/")


class Forms(HTMLParser):
    """The POST forms of a page: action and fields (name, kind, choices)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                self._form = {"action": a.get("action") or "", "fields": []}
                self.forms.append(self._form)
            return
        if self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._select["choices"].append(a.get("value", ""))
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset"}:
                return
            self._form["fields"].append({"name": a["name"], "kind": kind, "value": a.get("value", "")})
        elif tag == "textarea":
            self._form["fields"].append({"name": a["name"], "kind": "textarea", "value": ""})
        elif tag == "select":
            self._select = {"name": a["name"], "kind": "select", "value": "", "choices": []}
            self._form["fields"].append(self._select)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


HUGE = "9" * 20  # past every integer column (SQLite and PostgreSQL bigint alike)
VARIANTS = ("empty", "overlong", "wrong", "boundary", "huge", "nul")


def _value(field: dict, variant: str):
    kind = field["kind"]
    if kind == "file":
        return {
            "empty": None,
            "overlong": SimpleUploadedFile("lång.txt", b"x" * 300_000, "text/plain"),
            "wrong": SimpleUploadedFile("bild.exe", b"\x00\xff\x00MZ", "application/octet-stream"),
            "boundary": SimpleUploadedFile(".txt", b"", "text/plain"),
            # A name of 500 bytes (more than a file system takes), and a deep JSON document.
            "huge": SimpleUploadedFile(
                "å" * 250 + ".json", b"[" * 100_000 + b"]" * 100_000, "application/json"
            ),
            "nul": SimpleUploadedFile("fil.csv", b"a;b\n\x00;\x00\n", "text/csv"),
        }[variant]
    if kind in {"checkbox", "radio"}:
        return None if variant == "empty" else (field["value"] or "on")
    if kind == "select":
        choices = [c for c in field.get("choices", []) if c]
        return {
            "empty": None,
            "overlong": "9" * 40,
            "wrong": "ingen-siffra",
            "boundary": choices[-1] if choices else "0",
            "huge": [HUGE, "-" + HUGE],  # a multiple choice of ids no column holds
            "nul": "1\x00",
        }[variant]
    typed = {
        "number": {"overlong": "9" * 40, "wrong": "tolv", "boundary": "-2147483649", "huge": HUGE},
        "date": {"overlong": "9999-12-31", "wrong": "31/02/2026", "boundary": "0001-01-01", "huge": HUGE},
        "datetime-local": {
            "overlong": "9999-12-31T23:59",
            "wrong": "i morgon",
            "boundary": "0001-01-01T00:00",
            "huge": HUGE + "-01-01T00:00",
        },
        "time": {"overlong": "99:99", "wrong": "kvart i", "boundary": "00:00", "huge": HUGE},
        "email": {
            "overlong": "a" * 300 + "@example.se",
            "wrong": "inte en adress",
            "boundary": "a@b",
            "huge": "a" * 100_000 + "@example.se",
        },
    }.get(kind, {"overlong": "Å" * 20_000, "wrong": "\x00<>'\"", "boundary": " ", "huge": "Å" * 100_000})
    if variant == "nul":
        return "Trygghet\x00vid torget"
    return None if variant == "empty" else typed[variant]


# A marked place far outside any municipality (the map's hidden fields).
OUT_OF_AREA = {"longitude": "-70.0", "latitude": "-45.0", "lon": "-70.0", "lat": "-45.0"}


def _submissions(form: dict):
    for variant in VARIANTS:
        data, files = {}, {}
        for field in form["fields"]:
            if field["kind"] == "hidden":
                name = field["name"].rpartition("-")[2]
                data[field["name"]] = (
                    OUT_OF_AREA[name] if variant == "huge" and name in OUT_OF_AREA else field["value"]
                )
                continue
            value = _value(field, variant)
            if value is None:
                continue
            (files if field["kind"] == "file" else data)[field["name"]] = value
        yield variant, data | files


# What a refused submission may answer: the form again with its errors (200, 400), a
# redirect to where the refusal is shown (302), or a refusal of the whole request.
REFUSALS = {200, 302, 400, 403, 404, 405, 409, 413, 429}
# How a page tells the person what was wrong: a field's error, the form's summary,
# a message, or the page for a request that could not be read.
SHOWN = ('class="error"', 'role="alert"', 'class="message error"', "could not be read", "kunde inte läsas")


def _answered_clearly(answer) -> str | None:
    """What is wrong with the answer to a bad submission, or None."""
    if answer.status_code not in REFUSALS:
        return f"answered {answer.status_code}"
    if answer.status_code == 400 and answer["Content-Type"].startswith("text/html"):
        text = answer.content.decode()
        if not any(mark in text for mark in SHOWN):
            return "answered 400 without saying what was wrong"
    return None


def _readers(expected: dict) -> list[str]:
    return [role for role in ROLES if expected.get(role) == 200]


PAGES = [name for name, (_, expected) in GET_ROUTES.items() if _readers(expected)]


@pytest.mark.parametrize("name", PAGES)
def test_every_form_on_the_page_survives_bad_input(client, cast, objects, name):  # noqa: F811
    build, expected = GET_ROUTES[name]
    submitted = set()
    for role in _readers(expected):
        with transaction.atomic():  # what one role's submissions changed is undone for the next
            _submit_every_form(client, cast, objects, name, build, role, submitted)
            transaction.set_rollback(True)


def _submit_every_form(client, cast, objects, name, build, role, submitted):  # noqa: F811
    if role != "anonymous":
        client.force_login(cast[role])
    else:
        client.logout()
    url = build(objects)
    page = client.get(url)
    assert page.status_code == 200, f"{name} as {role}: the page could not be opened ({page.status_code})"
    if not page["Content-Type"].startswith("text/html"):
        return  # a download (PDF, CSV, JSON): no form to fill
    parser = Forms()
    parser.feed(page.content.decode())
    for form in parser.forms:
        action = urlsplit(urljoin(url, form["action"] or url))
        if action.path.startswith(SKIPPED_ACTIONS):
            continue
        # Each form once, by the first reader who is shown it: bad input is the same bad
        # input whoever sends it (who may send what is the access matrix's to check).
        key = (action.path, tuple(sorted(f["name"] for f in form["fields"])))
        if key in submitted:
            continue
        submitted.add(key)
        target = action.path + (f"?{action.query}" if action.query else "")
        for variant, data in _submissions(form):
            answer = client.post(target, data)
            problem = _answered_clearly(answer)
            assert problem is None, f"{name} as {role}: {variant} to {target} {problem}"


# Every query parameter a view reads (found in the source), each given what no
# view expects: a number past every column, a negative one, a long text, a NUL.
QUERY_PARAMETERS = sorted(
    {
        name
        for path in (ROOT / "samverkan").rglob("*.py")
        for name in re.findall(
            r'request\.GET(?:\.get\(|\[|, |\.getlist\()"([a-z_]+)"', path.read_text(encoding="utf-8")
        )
    }
)
QUERY_VALUES = {"huge": HUGE, "negative": "-" + HUGE, "long": "Å" * 5_000, "nul": "\x00", "float": "1e308"}


def test_the_query_parameters_are_all_found():
    assert {"year", "n", "page", "district", "lon", "lat", "model", "date"} <= set(QUERY_PARAMETERS)


@pytest.mark.parametrize("name", PAGES)
def test_every_page_survives_bad_query_parameters(client, cast, objects, name):  # noqa: F811
    build, expected = GET_ROUTES[name]
    role = _readers(expected)[0]
    if role != "anonymous":
        client.force_login(cast[role])
    url = build(objects)
    for variant, value in QUERY_VALUES.items():
        answer = client.get(url, {parameter: value for parameter in QUERY_PARAMETERS})
        # The page as if the parameter were not given, or a refusal of the address (422: the
        # API's refusal, naming the parameter).
        assert answer.status_code in {200, 302, 400, 404, 422}, (
            f"{name} as {role}: {variant} {answer.status_code}"
        )
