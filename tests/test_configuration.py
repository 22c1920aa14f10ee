import json
from pathlib import Path

import pytest
from shapely.geometry import shape

from samverkan.audit.models import AuditEvent
from samverkan.configurations.loader import CONFIGURATIONS, ConfigurationError
from samverkan.configurations.services import load_configuration
from samverkan.organisations.models import Area, AreaKind, Organisation

SHARED_GEO = CONFIGURATIONS / "stockholm" / "data" / "stadsdelar.geo.json"


def counts():
    from django.apps import apps

    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label != "sessions"
    }


def test_loading_twice_changes_nothing(stockholm):
    before = counts()
    load_configuration("stockholm", demo=True)
    assert counts() == before
    assert AuditEvent.objects.count() == before["audit.AuditEvent"]


def test_the_configuration_is_written_to_the_audit_log(stockholm):
    assert AuditEvent.objects.filter(
        actor_label="configuration:stockholm", model="agreements.AgreementVersion"
    ).exists()


def test_districts_carry_the_shipped_simplified_geometry(stockholm):
    districts = Area.objects.filter(kind=AreaKind.DISTRICT)
    assert districts.count() == 17
    assert all(d.geometry and d.geometry["type"] in {"Polygon", "MultiPolygon"} for d in districts)


def test_every_district_has_its_committee_and_administration(stockholm):
    for district in Area.objects.filter(kind=AreaKind.DISTRICT):
        kinds = set(Organisation.objects.filter(area=district).values_list("kind", flat=True))
        assert {"committee", "district_administration"} <= kinds, district.name


def test_an_unknown_configuration_is_a_clear_error(db):
    with pytest.raises(ConfigurationError, match="stockholm"):
        load_configuration("atlantis")


def test_the_real_neighbourhood_file_loads_and_fits_the_districts(stockholm):
    report = load_configuration("stockholm", neighbourhood_file=SHARED_GEO)
    assert report.neighbourhood_geometries == 117
    features = json.loads(Path(SHARED_GEO).read_text(encoding="utf-8"))["features"]
    jarva = shape(Area.objects.get(code="jarva").geometry)
    rinkeby = next(shape(f["geometry"]) for f in features if f["properties"]["name"] == "RINKEBY")
    assert jarva.contains(rinkeby.representative_point())
