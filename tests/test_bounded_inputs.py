"""Inputs made to exhaust memory are refused or read a piece at a time: a
table of a million columns is refused at its first line, a GeoJSON file is
read a feature at a time (and still says where it is broken), a shapefile a
record at a time. The peak memory of the largest cases is measured by
bench/import_limits.py."""

import io
import json

import pytest
from django.utils import translation

from samverkan.datasources.importers import UnreadableFile, boundaries
from samverkan.datasources.importers.tables import MAX_COLUMNS, read_table


def test_a_table_of_a_million_columns_is_refused_at_its_first_line():
    data = (";".join(f"k{n}" for n in range(10**6)) + "\n").encode()
    with translation.override("en"), pytest.raises(UnreadableFile, match="Line 1 has 1000000 columns"):
        list(read_table(data)[0])
    fine = (";".join(f"k{n}" for n in range(MAX_COLUMNS)) + "\n").encode()
    assert len(next(iter(read_table(fine)[0]))[1]) == MAX_COLUMNS


def square(x, y):
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]],
    }


def collection(*features, **extra):
    return json.dumps({"type": "FeatureCollection", **extra, "features": list(features)})


def test_geojson_is_read_a_feature_at_a_time_with_its_crs_wherever_it_stands():
    features = [
        {"type": "Feature", "properties": {"namn": f"Område {n}"}, "geometry": square(18 + n / 100, 59.3)}
        for n in range(3)
    ]
    # The crs member after the features (JSON does not order members).
    text = collection(*features)[:-1] + ', "crs": {"type": "name", "properties": {"name": "EPSG:4326"}}}'
    result = boundaries.parse(text.encode())
    assert [row.data["properties"]["namn"] for row in result.rows] == ["Område 0", "Område 1", "Område 2"]
    assert result.rows[0].data["geometry"].bounds[0] == pytest.approx(18.0)
    latin1 = collection(*features).encode("latin-1")
    assert [r.data["properties"]["namn"] for r in boundaries.parse(latin1).rows][0] == "Område 0"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            collection({"type": "Feature", "properties": {}, "geometry": square(18, 59)})[:-20],
            "not complete JSON",
        ),
        (json.dumps({"type": "Feature", "geometry": square(18, 59)}), "FeatureCollection"),
        (collection(features=[]).replace('"features": []', '"features": [1, "x"]'), None),
        (
            collection(
                {"type": "Feature", "properties": {}, "geometry": square(18, 59)},
                crs={"type": "name", "properties": {"name": "EPSG:99999"}},
            ),
            "Unknown coordinate system",
        ),
    ],
)
def test_broken_geojson_is_refused_with_a_reason(content, message):
    with translation.override("en"):
        if message is None:
            result = boundaries.parse(content.encode())
            assert [e.line for e in result.errors] == [1, 2]
            return
        with pytest.raises(UnreadableFile, match=message):
            boundaries.parse(content.encode())


def test_a_shapefile_is_read_a_record_at_a_time():
    import shapefile

    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON) as writer:
        writer.field("NAMN", "C", 40)
        for n in range(3):
            writer.poly([square(18 + n / 100, 59.3)["coordinates"][0]])
            writer.record(f"Område {n}")
    prj = b'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]'
    result = boundaries.parse_shapefile(
        {".shp": shp.getvalue(), ".shx": shx.getvalue(), ".dbf": dbf.getvalue(), ".prj": prj}
    )
    assert [row.data["properties"]["NAMN"] for row in result.rows] == ["Område 0", "Område 1", "Område 2"]
