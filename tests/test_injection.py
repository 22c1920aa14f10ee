"""Stored XSS and injection, over every page of the access matrix.

Every guarded free-text field of every row is overwritten with markup, and
every query parameter a page reads is sent hostile values; no page may
answer with a server error or with the markup unescaped."""

from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat
from django.http import QueryDict

from samverkan.core.fields import GuardedCharField, GuardedTextField
from tests.test_permissions import GET_ROUTES, ROLES, objects, shared_objects  # noqa: F401

MARKUP = '<i id="xss">'
HOSTILE = [
    "<script>alert(1)</script>",
    "' OR '1'='1' --",
    "1; DROP TABLE auth_user",
    "\x00",
    "99999999999999999999999",
    "-1",
    "../../../etc/passwd",
    "%",
    "x" * 5000,
]


def _reader(expected: dict):
    """The first role that may open the page."""
    return next((role for role in ROLES if expected[role] == 200), None)


READABLE = {name: _reader(expected) for name, (_, expected) in GET_ROUTES.items() if _reader(expected)}


def _html(response) -> str | None:
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        return response.content.decode()
    return None


@pytest.fixture(scope="module")
def _markup_stored(shared_objects, django_db_blocker):  # noqa: F811
    """Every guarded text field of every row begins with markup (audit rows, which the
    database refuses to change, excepted): once for the module, in the shared objects'
    transaction, which is rolled back at its end."""
    with django_db_blocker.unblock():
        return _store_markup()


def _store_markup() -> int:
    changed = 0
    for model in apps.get_models():
        if model._meta.app_label == "audit" or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, GuardedCharField | GuardedTextField):
                continue
            if field.max_length is not None and field.max_length < len(MARKUP) + 12:
                continue
            changed += model._default_manager.exclude(**{field.name: ""}).update(
                **{field.name: Concat(Value(MARKUP), Cast(F("pk"), CharField()))}
            )
    return changed


@pytest.fixture
def marked_up(objects, _markup_stored):  # noqa: F811
    assert _markup_stored > 100
    return objects


@pytest.mark.parametrize("name", READABLE)
def test_stored_markup_is_escaped_on_every_page(client, cast, marked_up, name):
    build, _ = GET_ROUTES[name]
    role = READABLE[name]
    if role != "anonymous":
        client.force_login(cast[role])
    response = client.get(build(marked_up))
    assert response.status_code == 200, f"{name} as {role}"
    page = _html(response)
    if page is not None:
        assert MARKUP not in page, name


class _Recording(QueryDict):
    """Notes which parameters a view asks for."""

    asked: set[str] = set()

    def get(self, key, default=None):
        self.asked.add(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        self.asked.add(key)
        return super().getlist(key, default)

    def __getitem__(self, key):
        self.asked.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.asked.add(key)
        return super().__contains__(key)


def _parameters_read(client, url, monkeypatch) -> set[str]:
    from django.core.handlers import wsgi

    _Recording.asked = set()
    monkeypatch.setattr(wsgi, "QueryDict", _Recording)
    client.get(url)
    monkeypatch.undo()
    return _Recording.asked - {"csrfmiddlewaretoken"}


@pytest.mark.parametrize("name", READABLE)
def test_hostile_filter_values_are_refused_cleanly(client, cast, objects, monkeypatch, name):  # noqa: F811
    build, _ = GET_ROUTES[name]
    role = READABLE[name]
    if role != "anonymous":
        client.force_login(cast[role])
    url = build(objects)
    path, _, query = url.partition("?")
    parameters = _parameters_read(client, url, monkeypatch) | set(QueryDict(query))
    for value in HOSTILE:
        hostile = {key: value for key in parameters}
        response = client.get(f"{path}?{urlencode(hostile)}")
        # The page as if the filter were not given, or a refusal of the address.
        assert response.status_code in {200, 302, 400, 404, 422}, (
            f"{name} with {value[:30]!r}: {response.status_code}"
        )
        page = _html(response)
        if page is not None:
            assert "<script>alert(1)</script>" not in page, name


def test_the_recorder_sees_the_parameters_a_page_reads(client, cast, objects, monkeypatch):  # noqa: F811
    client.force_login(cast[ROLES[0]])
    build, _ = GET_ROUTES["consultations:compare"]
    assert {"old", "new"} <= _parameters_read(client, build(objects), monkeypatch)


def test_a_name_that_is_a_formula_stays_text_in_every_csv_export():
    import csv
    import io

    from samverkan.core.cells import FormulaSafeWriter, from_csv_text

    names = [
        '=HYPERLINK("http://example.com","Klicka")',
        "+46 8 508",
        "-1+1",
        "@SUM(A1)",
        "'=x",
        "Järva",
        12,
        -3.5,
    ]
    buffer = io.StringIO()
    FormulaSafeWriter(buffer, delimiter=";").writerow(names)
    written = next(csv.reader(io.StringIO(buffer.getvalue()), delimiter=";"))
    assert written[:5] == ["'" + n for n in names[:5]]
    assert written[5:] == ["Järva", "12", "-3.5"]  # text as it is, numbers stay numbers
    assert [from_csv_text(cell) for cell in written[:6]] == names[:6]


def test_every_csv_and_workbook_export_goes_through_the_one_helper():
    """csv.writer only in samverkan.core.cells (and the generated example files, which are
    imports in a source's own format); every workbook made is made formula-safe."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "samverkan"
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        relative = str(path.relative_to(root))
        if "csv.writer(" in text:
            assert relative in {"core/cells.py", "configurations/history.py"}, relative
        if "Workbook()" in text:
            assert "strings_stay_strings(" in text, relative
