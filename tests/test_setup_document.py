"""A municipality's set-up as one file: exported, imported elsewhere and
exported again, it is the same document."""

import json

import pytest
from django.core.management import call_command
from django.utils import translation

from samverkan.configurations.document import DocumentError, dumps, export_setup, loads
from samverkan.configurations.loader import CONFIGURATIONS
from samverkan.configurations.services import load_configuration, setup_load
from samverkan.governance.models import Body
from samverkan.organisations.models import Area, Municipality, Organisation


@pytest.mark.django_db(transaction=True)
def test_an_exported_setup_imports_elsewhere_and_exports_the_same():
    stockholm = load_configuration(
        "stockholm", demo=True, neighbourhood_file=CONFIGURATIONS / "stockholm/data/stadsdelar.geo.json"
    ).municipality
    # Edits made in the app: a lineage link and an organisation that are not example content.
    from samverkan.agreements.models import PriorityArea, PriorityAreaLineage

    areas = PriorityArea.objects.filter(
        version__agreement__municipality=stockholm, version__agreement__scope="central"
    )
    first, last = (
        areas.order_by("version__valid_from", "order").first(),
        areas.order_by("version__valid_from", "order").last(),
    )
    PriorityAreaLineage.objects.create(
        from_area=first, to_area=last, kind="continued", note="Ny länk", is_example=False
    )
    Organisation.objects.filter(municipality=stockholm, kind="committee").update(is_example=False)
    exported = dumps(export_setup(stockholm))
    counts = {
        "areas": Area.objects.count(),
        "organisations": Organisation.objects.count(),
        "bodies": Body.objects.count(),
    }
    document = loads(exported)
    assert document["municipality"]["code"] == "0180" and document["bodies"]
    assert any(a.get("geometry") for a in document["areas"])

    call_command("flush", interactive=False, verbosity=0)  # another installation
    assert not Municipality.objects.exists()
    again = setup_load(loads(exported), label="test").municipality
    assert {
        "areas": Area.objects.count(),
        "organisations": Organisation.objects.count(),
        "bodies": Body.objects.count(),
    } == counts
    assert dumps(export_setup(again)) == exported
    # Loading it a second time changes nothing.
    setup_load(loads(exported), label="test")
    assert dumps(export_setup(again)) == exported


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00", "UTF-8"),
        (b'{"format": "samverkan-setup", "version": 1, "municipality"', "JSON"),
        (b'{"format": "something-else"}', "set-up"),
        (b'{"format": "samverkan-setup", "version": 99, "municipality": {"code": "1280"}}', "version"),
        (
            b'{"format": "samverkan-setup", "version": 1, "municipality": {"code": "1280", "name": "M"}, '
            b'"areas": [{"code": "a", "kind": "district", "name": "A", "valid_from": "2024-13-01"}]}',
            "date",
        ),
    ],
)
def test_a_broken_setup_file_is_refused_with_a_reason(content, message):
    with translation.override("en"), pytest.raises(DocumentError, match=message):
        loads(content)


@pytest.mark.django_db
def test_a_setup_that_refers_to_what_it_lacks_loads_nothing():
    document = loads(
        json.dumps(
            {
                "format": "samverkan-setup",
                "version": 1,
                "municipality": {"code": "1280", "name": "Malmö stad"},
                "areas": [{"code": "n-1", "kind": "neighbourhood", "name": "Centrum"}],
                "memberships": [{"neighbourhood": "n-1", "district": "missing"}],
            }
        ).encode()
    )
    with pytest.raises(DocumentError, match="missing"):
        setup_load(document, label="test")
    assert not Municipality.objects.filter(code="1280").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "number", ["19811218-9876", "121212.1212", "1912-12-12-1212", "121212/1212", "121212\u200e-1212"]
)
@pytest.mark.parametrize("where", ["organisation", "key", "setup"])
def test_a_setup_with_a_personal_identity_number_is_refused(number, where):
    document = {
        "format": "samverkan-setup",
        "version": 1,
        "municipality": {"code": "1280", "name": "Malmö stad"},
        "organisations": [{"key": "x", "kind": "committee", "name": "Nämnd"}],
    }
    if where == "organisation":
        document["organisations"][0]["name"] = f"Nämnd {number}"
    elif where == "key":
        document["organisations"][0][f"anteckning {number}"] = "x"
    else:
        document["setup"] = {"coordinating_role": f"Samordnare {number}"}
    with translation.override("en"), pytest.raises(DocumentError, match="personal identity number"):
        setup_load(loads(json.dumps(document).encode()), label="test")
    assert not Municipality.objects.filter(code="1280").exists()


def test_a_setup_file_too_deep_or_of_too_many_parts_is_refused_before_it_is_parsed():
    deep = b'{"format": "samverkan-setup", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with translation.override("en"), pytest.raises(DocumentError, match="levels deep"):
        loads(deep)
    many = b"[" + b"{}," * 2_100_000 + b"{}]"
    with translation.override("en"), pytest.raises(DocumentError, match="lists and tables"):
        loads(many)
    # Brackets inside strings are text, not structure.
    text = json.dumps({"format": "x", "name": "[" * 100}).encode()
    with translation.override("en"), pytest.raises(DocumentError, match="not a Samverkan set-up"):
        loads(text)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("area", "reason"),
    [
        ({"code": "a", "kind": "bogus", "name": "Centrum"}, "bogus"),
        ({"code": "a", "kind": "district", "name": "C" * 400}, "100"),
        (
            {
                "code": "a",
                "kind": "district",
                "name": "Centrum",
                "valid_from": "2024-01-01",
                "valid_to": "2020-12-31",
            },
            "cannot end before it starts",
        ),
    ],
)
def test_a_setup_with_an_item_the_model_refuses_names_it_and_loads_nothing(area, reason):
    document = loads(
        json.dumps(
            {
                "format": "samverkan-setup",
                "version": 1,
                "municipality": {"code": "1280", "name": "Malmö stad"},
                "organisations": [{"kind": "executive_office", "name": "Stadskontoret"}],
                "areas": [area],
            }
        ).encode()
    )
    with translation.override("en"), pytest.raises(DocumentError) as refused:
        setup_load(document, label="test")
    assert reason in str(refused.value) and (
        "Centrum" in str(refused.value) or "area" in str(refused.value).lower()
    )
    assert not Municipality.objects.filter(code="1280").exists()
