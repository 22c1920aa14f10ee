"""Boundaries in several formats and coordinate systems, written by the tests."""

import io
import json
import zipfile

import pytest
import shapefile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pyproj import CRS, Transformer
from shapely.geometry import Point, shape

from samverkan.datasources import loader
from samverkan.datasources.importers import UnreadableFile, boundaries
from samverkan.datasources.models import ImportBatch
from samverkan.organisations.models import Area

# A square of about 1 km around a point in Farsta, and one for a place that is not configured.
FARSTA = (18.0933, 59.2433)


def square(crs: str, lon: float, lat: float, half_m: float = 500.0):
    to = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    x, y = to.transform(lon, lat)
    return [
        (x - half_m, y - half_m),
        (x + half_m, y - half_m),
        (x + half_m, y + half_m),
        (x - half_m, y + half_m),
        (x - half_m, y - half_m),
    ]


def shapefile_parts(crs="EPSG:3011", *, three_d=True, cpg=None, encoding="cp1252") -> dict[str, bytes]:
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    writer = shapefile.Writer(
        shp=shp,
        shx=shx,
        dbf=dbf,
        shapeType=shapefile.POLYGONZ if three_d else shapefile.POLYGON,
        encoding=encoding,
    )
    writer.field("NAMN", "C", 60)
    for name, (lon, lat) in [("Farsta", FARSTA), ("Älvdalen", (18.3, 59.4))]:
        ring = square(crs, lon, lat)
        if three_d:
            writer.polyz([[(x, y, 12.5) for x, y in reversed(ring)]])
        else:
            writer.poly([list(reversed(ring))])
        writer.record(name)
    writer.close()
    parts = {
        ".shp": shp.getvalue(),
        ".shx": shx.getvalue(),
        ".dbf": dbf.getvalue(),
        ".prj": CRS.from_user_input(crs).to_wkt("WKT1_ESRI").encode(),
    }
    if cpg:
        parts[".cpg"] = cpg.encode()
    return parts


def zipped(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for ext, data in parts.items():
            # A fixed timestamp: two zips of the same parts must be the same bytes.
            archive.writestr(zipfile.ZipInfo(f"omraden{ext}", date_time=(2024, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


def assert_farsta(result):
    assert result.errors == []
    names = [r.data["properties"]["NAMN"] for r in result.rows]
    assert names == ["Farsta", "Älvdalen"]
    polygon = shape(result.rows[0].data["geometry"])
    assert polygon.contains(Point(*FARSTA)) and polygon.has_z is False


@pytest.mark.parametrize("crs", ["EPSG:3011", "EPSG:3006"])
def test_a_3d_shapefile_in_a_sweref_zone_with_a_cp1252_dbf_and_no_cpg(crs):
    result = boundaries.parse(zipped(shapefile_parts(crs)))
    assert_farsta(result)
    assert "cp1252" in result.encoding


def test_a_utf8_dbf_named_by_its_cpg_and_a_2d_shape():
    assert_farsta(boundaries.parse(zipped(shapefile_parts(three_d=False, cpg="UTF-8", encoding="utf-8"))))


def test_geojson_in_sweref99_tm_with_a_crs_member():
    collection = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}},
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "Farsta"},
                "geometry": {"type": "Polygon", "coordinates": [square("EPSG:3006", *FARSTA)]},
            }
        ],
    }
    result = boundaries.parse(json.dumps(collection).encode())
    assert shape(result.rows[0].data["geometry"]).contains(Point(*FARSTA))


def test_projected_coordinates_without_a_crs_are_an_error():
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "Farsta"},
                "geometry": {"type": "Polygon", "coordinates": [square("EPSG:3006", *FARSTA)]},
            }
        ],
    }
    result = boundaries.parse(json.dumps(collection).encode())
    assert result.rows == [] and result.errors[0].line == 1


def test_a_shapefile_without_prj_is_refused():
    parts = shapefile_parts()
    del parts[".prj"]
    with pytest.raises(UnreadableFile, match="prj"):
        boundaries.parse(zipped(parts))


def test_importing_boundaries_updates_the_matching_areas_and_reports_the_rest(stockholm):
    batch = loader.batch_receive(
        municipality=stockholm,
        kind="boundaries",
        filename="omraden.zip",
        data=zipped(shapefile_parts()),
        user=None,
    )
    assert batch.report["counts"]["changed"] == 1 and batch.report["unmapped"] == {"Älvdalen": 1}
    loader.batch_apply(batch)
    farsta = Area.objects.get(code="farsta")
    assert shape(farsta.geometry).contains(Point(*FARSTA)) and shape(farsta.geometry).area < 0.001
    again = loader.batch_receive(
        municipality=stockholm,
        kind="boundaries",
        filename="omraden2.zip",
        data=zipped(shapefile_parts()),
        user=None,
    )
    assert again.status == ImportBatch.Status.DUPLICATE
    # The same boundaries packed again (other bytes, same content) change nothing either.
    repacked = dict(reversed(list(shapefile_parts().items())))
    third = loader.batch_receive(
        municipality=stockholm, kind="boundaries", filename="omraden3.zip", data=zipped(repacked), user=None
    )
    assert third.status == ImportBatch.Status.PREVIEWED
    assert third.report["counts"]["changed"] == 0 and third.report["counts"]["unchanged"] == 1


def test_the_separate_parts_of_a_shapefile_can_be_uploaded_together(client, cast):
    client.force_login(cast["administrator"])
    files = [SimpleUploadedFile(f"omraden{ext}", data) for ext, data in shapefile_parts().items()]
    response = client.post(reverse("imports:list"), {"kind": "boundaries", "file": files})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.filename == "omraden.zip"
    assert batch.report["counts"]["changed"] == 1
    with zipfile.ZipFile(batch.original.open("rb")) as archive:
        assert sorted(archive.namelist()) == ["omraden.dbf", "omraden.prj", "omraden.shp", "omraden.shx"]
