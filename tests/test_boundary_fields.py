"""Boundary files whose fields have names of their own, written by the tests
in the shapes real files have: a district shapefile (PolygonZ, EPSG:3011,
a UTF-8 .cpg, fields OBJECTID/SDO_KOD/Sdo_namn/Shape_Area), a national file
of municipalities (KnKod "0180" beside KnNamn), a DeSO file, and a file
with two fields of names."""

import io
import json

import pytest
import shapefile
from django.core.management import CommandError, call_command
from django.urls import reverse
from pyproj import CRS
from shapely.geometry import Point, shape

from samverkan.datasources import loader
from samverkan.datasources.importers import UnreadableFile, boundaries
from samverkan.datasources.models import ImportBatch
from samverkan.organisations.models import Area, AreaKind, Municipality
from tests.test_boundaries import FARSTA, square, zipped

SKARPNACK = (18.1331, 59.2667)


def district_shapefile(names=("Farsta", "SKARPNÄCK", "Gamla stan")) -> dict[str, bytes]:
    """The parts of a district shapefile as a city's open data has it."""
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    writer = shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGONZ, encoding="utf-8")
    writer.field("OBJECTID", "N", 10)
    writer.field("SDO_KOD", "C", 4)
    writer.field("Sdo_namn", "C", 60)
    writer.field("Shape_Area", "N", 18, 3)
    places = [FARSTA, SKARPNACK, (18.07, 59.325)]
    for number, (name, (lon, lat)) in enumerate(zip(names, places, strict=True), start=1):
        ring = square("EPSG:3011", lon, lat)
        writer.polyz([[(x, y, 0.0) for x, y in reversed(ring)]])
        writer.record(number, f"{number + 10:02d}", name, 1_000_000.0)
    writer.close()
    return {
        ".shp": shp.getvalue(),
        ".shx": shx.getvalue(),
        ".dbf": dbf.getvalue(),
        ".prj": CRS.from_epsg(3011).to_wkt("WKT1_ESRI").encode(),
        ".cpg": b"UTF-8",
    }


def collection(features: list[tuple[dict, tuple[float, float]]]) -> bytes:
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": properties,
                    "geometry": {"type": "Polygon", "coordinates": [square("EPSG:4326", lon, lat, 0.01)]},
                }
                for properties, (lon, lat) in features
            ],
        }
    ).encode()


MUNICIPALITIES = collection(
    [
        ({"KnKod": "0114", "KnNamn": "Upplands Väsby", "LanKod": "01"}, (17.9, 59.5)),
        ({"KnKod": "0180", "KnNamn": "Stockholm", "LanKod": "01"}, (18.07, 59.33)),
        ({"KnKod": "0162", "KnNamn": "Danderyd", "LanKod": "01"}, (18.05, 59.4)),
        ({"KnKod": "2023", "KnNamn": "Malung-Sälen", "LanKod": "20"}, (13.7, 60.7)),
    ]
)
DESO = collection(
    [
        ({"deso": "0180C1090", "kommun": "0180", "version": "2018"}, (18.07, 59.33)),
        ({"deso": "0180C1100", "kommun": "0180", "version": "2018"}, (18.08, 59.33)),
    ]
)
TWO_NAME_FIELDS = collection(
    [
        ({"namn": "HÖKARÄNGEN", "sdo": "Farsta"}, (18.09, 59.25)),
        ({"namn": "GUBBÄNGEN", "sdo": "Farsta"}, (18.08, 59.26)),
        ({"namn": "BAGARMOSSEN", "sdo": "Skarpnäck"}, (18.13, 59.27)),
    ]
)


def receive(municipality, data, filename="omraden.zip", options=None):
    return loader.batch_receive(
        municipality=municipality, kind="boundaries", filename=filename, data=data, user=None, options=options
    )


def test_a_district_shapefile_is_read_by_the_values_of_its_fields(stockholm):
    batch = receive(stockholm, zipped(district_shapefile()))
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.report["errors"]
    fields = {f["name"]: f for f in batch.report["fields"]}
    assert list(fields) == ["OBJECTID", "SDO_KOD", "Sdo_namn", "Shape_Area"]
    assert fields["Sdo_namn"]["role"] == "name" and fields["Sdo_namn"]["samples"] == [
        "Farsta",
        "SKARPNÄCK",
        "Gamla stan",
    ]
    assert fields["OBJECTID"]["role"] == "" and fields["Shape_Area"]["role"] == ""
    assert batch.report["chosen"]["name_field"] == "Sdo_namn"
    assert batch.report["counts"]["changed"] == 2
    assert batch.report["unmapped"] == {"Gamla stan": 1}
    assert any("2 av 3" in note and "gissat" in note for note in batch.report["notes"])
    loader.batch_apply(batch)
    farsta = Area.objects.get(code="farsta")
    assert shape(farsta.geometry).contains(Point(*FARSTA)) and not shape(farsta.geometry).has_z


def test_a_national_file_of_municipalities_gives_the_municipality_its_outline(stockholm):
    batch = receive(stockholm, MUNICIPALITIES, filename="kommuner.geojson")
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.report["errors"]
    fields = {f["name"]: f for f in batch.report["fields"]}
    assert fields["KnKod"]["role"] == "code" and fields["KnKod"]["kind"] == "kommunkod"
    assert fields["KnNamn"]["role"] == "name" and fields["LanKod"]["role"] == ""
    assert batch.report["counts"]["changed"] == 1
    assert batch.report["elsewhere"] == {"Upplands Väsby": 1, "Danderyd": 1, "Malung-Sälen": 1}
    assert batch.report["unmapped"] == {}
    loader.batch_apply(batch)
    stockholm.refresh_from_db()
    assert shape(stockholm.geometry).contains(Point(18.07, 59.33))
    assert stockholm.geometry_source == "kommuner.geojson"


def test_the_code_finds_the_municipality_when_the_names_differ(db):
    malung = Municipality.objects.create(code="2023", name="Malung-Sälens kommun", place_name="Malung-Sälen")
    renamed = MUNICIPALITIES.replace(b'"Malung-S\\u00e4len"', b'"Malung S\\u00e4len (Dalarna)"')
    assert renamed != MUNICIPALITIES
    batch = receive(malung, renamed)
    assert batch.report["counts"]["changed"] == 1 and "Stockholm" in batch.report["elsewhere"]


def test_a_file_of_which_nothing_matches_is_refused_never_imported(stockholm):
    batch = receive(stockholm, DESO, filename="deso.geojson")
    assert batch.status == ImportBatch.Status.REJECTED
    assert "0 områden matchade" in batch.report["errors"][0]["message"]
    fields = {f["name"]: f for f in batch.report["fields"]}
    assert fields["deso"]["kind"] == "DeSO-kod" and fields["kommun"]["kind"] == "kommunkod"
    with pytest.raises(loader.ImportRefused):
        loader.batch_apply(batch)
    assert not Area.objects.filter(geometry_source="deso.geojson").exists()


def test_the_person_chooses_another_field_on_the_preview(client, cast, stockholm):
    batch = receive(stockholm, TWO_NAME_FIELDS, filename="omraden.geojson")
    # Both fields hold names of areas; the one with a name per feature is the guess: neighbourhoods.
    assert batch.report["chosen"]["name_field"] == "namn"
    assert any("stadsdelar" in note for note in batch.report["notes"])
    client.force_login(cast["administrator"])
    page = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert "HÖKARÄNGEN" in page and 'name="name_field"' in page
    response = client.post(
        reverse("imports:fields", args=[batch.pk]), {"name_field": "sdo", "code_field": ""}
    )
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.options == {"name_field": "sdo", "code_field": ""}
    assert batch.report["chosen"]["name_field"] == "sdo"
    assert batch.report["counts"]["changed"] == 2  # Farsta (two features joined) and Skarpnäck
    assert any("sammanfogades" in note for note in batch.report["notes"])
    assert any("som valt" in note for note in batch.report["notes"])
    loader.batch_apply(batch)
    farsta = shape(Area.objects.get(code="farsta", kind=AreaKind.DISTRICT).geometry)
    assert farsta.contains(Point(18.09, 59.25)) and farsta.contains(Point(18.08, 59.26))


def test_a_field_that_is_not_in_the_file_cannot_be_chosen(client, cast, stockholm):
    batch = receive(stockholm, TWO_NAME_FIELDS, filename="omraden.geojson")
    before = batch.report
    client.force_login(cast["administrator"])
    response = client.post(reverse("imports:fields", args=[batch.pk]), {"name_field": "NOPE"})
    assert response.status_code == 400 and "NOPE" in response.content.decode()
    batch.refresh_from_db()
    assert batch.options == {} and batch.report == before
    loader.batch_apply(batch)
    response = client.post(reverse("imports:fields", args=[batch.pk]), {"name_field": "sdo"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED and batch.options == {}


def test_the_command_line_reads_a_shp_with_its_parts_and_takes_the_fields(stockholm, tmp_path, capsys):
    for ext, data in district_shapefile().items():
        (tmp_path / f"sdo{ext}").write_bytes(data)
    (tmp_path / "other.dbf").write_bytes(b"not a part of it")
    call_command("import_file", "boundaries", str(tmp_path / "sdo.shp"))
    out = capsys.readouterr().out
    assert "sdo.cpg, sdo.dbf, sdo.prj, sdo.shp, sdo.shx" in out
    assert "Sdo_namn: Farsta, SKARPNÄCK, Gamla stan  <- names" in out
    assert "Not configured (not imported): Gamla stan (1)" in out
    with pytest.raises(CommandError):
        call_command("import_file", "boundaries", str(tmp_path / "sdo.shp"), "--name-field", "SDO_KOD")
    assert "0 områden matchade" in capsys.readouterr().err
    with pytest.raises(CommandError):
        call_command("import_file", "boundaries", str(tmp_path / "sdo.shp"), "--name-field", "NAMN")
    assert "NAMN" in capsys.readouterr().err
    call_command(
        "import_file", "boundaries", str(tmp_path / "sdo.shp"), "--name-field", "Sdo_namn", "--apply"
    )
    assert Area.objects.get(code="skarpnack").geometry_source == "sdo.zip"


def test_a_lone_shp_says_which_parts_it_needs():
    with pytest.raises(UnreadableFile, match=r"\.shx, \.dbf och \.prj"):
        boundaries.parse(district_shapefile()[".shp"], "sdo.shp")
