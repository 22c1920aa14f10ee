"""Area boundaries from GeoJSON or Shapefile, in any coordinate system
(which feature is which area: boundary_matching).

- GeoJSON: WGS84 unless a `crs` member names another (e.g. EPSG:3006).
- Shapefile: .shp/.shx/.dbf with .prj (WKT) and optionally .cpg, zipped or
  as separate files; the .dbf text encoding is taken from .cpg or detected.
Polygons may be 2-D or 3-D; heights are dropped. Everything is returned in
WGS84 (longitude, latitude).
"""

import io
from typing import Any

import ijson
import numpy as np
import shapefile
import shapely
from django.utils.translation import gettext_lazy
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from samverkan.core.archives import ArchiveRefused, checked_zip, is_zip, read_member
from samverkan.core.file_texts import check_utf8
from samverkan.core.i18n import remembered as _  # messages kept in reports are shown in the reader's language
from samverkan.datasources.files import SHAPEFILE_PARTS
from samverkan.datasources.formats import Format, register
from samverkan.datasources.importers import ImportPlan, ParseResult, Row, UnreadableFile
from samverkan.datasources.importers.boundary_matching import plan
from samverkan.datasources.importers.text import decode
from samverkan.datasources.models import ImportBatch
from samverkan.organisations.models import Municipality
from samverkan.organisations.services import area_boundary_set, municipality_boundary_set

WGS84 = CRS.from_epsg(4326)
SHP_MAGIC = b"\x00\x00\x27\x0a"  # the file code 9994 that opens every .shp and .shx
# A district drawn to the metre has a few thousand corners; a million is a mistake or an attack
# (it made the district map 400 times larger and area look-up 20 times slower).
MAX_VERTICES = 100_000


GeoJSON = dict[str, Any]


def _to_wgs84(geometry: GeoJSON, crs: CRS) -> BaseGeometry:
    """The feature's shape in WGS84, valid, to a centimetre. Kept as a shapely
    geometry (16 bytes a corner), not as GeoJSON: a national file's features are
    held until the file's fields are matched, and only the matched ones become
    GeoJSON (boundary_matching)."""
    geom = shapely.force_2d(shape(geometry))
    if not crs.equals(WGS84) and crs.to_epsg() != 4326 and not crs.equals(CRS.from_string("OGC:CRS84")):
        transformer = Transformer.from_crs(crs, WGS84, always_xy=True)
        geom = shapely.transform(geom, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    return shapely.set_precision(geom, 1e-7)


def _check_range(geometry: BaseGeometry, line: int, result: ParseResult) -> bool:
    minx, miny, maxx, maxy = geometry.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        result.error(
            line,
            _("The coordinates are not degrees after conversion: is the coordinate system stated correctly?"),
        )
        return False
    return True


def parse_geojson(data: bytes) -> ParseResult:
    """A FeatureCollection read a feature at a time (a national file of
    boundaries is hundreds of megabytes): only one feature's coordinates are
    Python lists at once."""
    if not data.startswith(b"\xef\xbb\xbf"):
        try:
            check_utf8(data)
        except UnicodeDecodeError:
            data = decode(data)[0].encode("utf-8")  # Latin-1 or UTF-16 text, read as its importers read text
    else:
        data = data[3:]
    result = ParseResult(encoding="GeoJSON")
    try:
        kind = next(ijson.items(io.BytesIO(data), "type"), None)
        crs_name = next(ijson.items(io.BytesIO(data), "crs.properties.name"), None)
        crs = CRS.from_user_input(crs_name) if crs_name else WGS84
        if kind != "FeatureCollection":
            raise UnreadableFile(_("Expected a GeoJSON FeatureCollection."))
        result.notes.append(_("Coordinate system: %(crs)s") % {"crs": crs.name})
        features = ijson.items(io.BytesIO(data), "features.item", use_float=True)
        for number, feature in enumerate(features, start=1):
            if not isinstance(feature, dict):
                result.error(number, _("Feature %(n)s is not a GeoJSON feature.") % {"n": number})
                continue
            _add(result, number, feature.get("properties") or {}, feature.get("geometry"), crs)
    except ijson.JSONError as error:
        raise UnreadableFile(
            _("The file is not complete JSON (%(msg)s). Is it cut off?") % {"msg": str(error)[:200]}
        ) from error
    except UnreadableFile:
        raise
    except CRSError as error:
        raise UnreadableFile(_("Unknown coordinate system: %(crs)s") % {"crs": crs_name}) from error
    return result


def _add(
    result: ParseResult, number: int, properties: dict[str, Any], geometry: GeoJSON | None, crs: CRS
) -> None:
    """A feature with all its attribute values as text: which field holds
    its name is decided when it is matched to the configuration."""
    if not isinstance(properties, dict):
        properties = {}
    values = {str(key): "" if value is None else str(value).strip() for key, value in properties.items()}
    label = next((v for v in values.values() if v and not v.replace(".", "").isdigit()), str(number))
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        result.error(number, _("Feature %(n)s (%(name)s) is not a polygon.") % {"n": number, "name": label})
        return
    try:
        vertices = int(shapely.get_num_coordinates(shape(geometry)))
    except Exception:  # noqa: BLE001 - a broken geometry is reported below
        vertices = 0
    if vertices > MAX_VERTICES:
        result.error(
            number,
            _(
                "Feature %(n)s (%(name)s) has %(vertices)s corners; at most %(max)s are taken. "
                "Simplify the boundary (a tolerance of a metre keeps its shape) and try again."
            )
            % {"n": number, "name": label, "vertices": vertices, "max": MAX_VERTICES},
        )
        return
    try:
        converted = _to_wgs84(geometry, crs)
    except Exception as error:  # noqa: BLE001 - shapely and pyproj raise several kinds
        result.error(
            number,
            _("Feature %(n)s (%(name)s) has a broken geometry: %(error)s")
            % {"n": number, "name": label, "error": error},
        )
        return
    if _check_range(converted, number, result):
        result.rows.append(Row(number, {"properties": values, "geometry": converted}))


def _dbf_encoding(dbf: bytes, cpg: bytes | None) -> str:
    if cpg:
        label = cpg.decode("ascii", errors="ignore").strip().lower()
        return {"1252": "cp1252", "65001": "utf-8", "utf8": "utf-8", "88591": "iso-8859-1"}.get(
            label.replace("-", "").replace(" ", ""), label
        )
    try:
        dbf.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"


def parse_shapefile(parts: dict[str, bytes]) -> ParseResult:
    missing = [ext for ext in (".shp", ".shx", ".dbf") if ext not in parts]
    if missing:
        raise UnreadableFile(_("The shapefile lacks %(parts)s.") % {"parts": ", ".join(missing)})
    if ".prj" not in parts:
        raise UnreadableFile(_("The shapefile has no .prj file, so its coordinate system is unknown."))
    crs = CRS.from_wkt(parts[".prj"].decode("ascii", errors="replace"))
    encoding = _dbf_encoding(parts[".dbf"], parts.get(".cpg"))
    result = ParseResult(encoding=f"Shapefile, .dbf {encoding}")
    result.notes.append(_("Coordinate system: %(crs)s") % {"crs": crs.name})
    try:
        reader = shapefile.Reader(
            shp=io.BytesIO(parts[".shp"]),
            shx=io.BytesIO(parts[".shx"]),
            dbf=io.BytesIO(parts[".dbf"]),
            encoding=encoding,
        )
        # One record at a time: only one shape's corners are Python objects at once.
        for number, item in enumerate(reader.iterShapeRecords(), start=1):
            _add(result, number, item.record.as_dict(), item.shape.__geo_interface__, crs)
    except Exception as error:  # noqa: BLE001 - pyshp raises several kinds for damaged files
        raise UnreadableFile(_("The shapefile could not be read: %(error)s") % {"error": error}) from error
    return result


def parse(data: bytes, filename: str = "", options: dict[str, Any] | None = None) -> ParseResult:
    if data.startswith(SHP_MAGIC):
        raise UnreadableFile(
            _(
                "This is only the .shp part of a shapefile. Choose its .shx, .dbf and .prj files (and .cpg if "
                "there is one) together with it, or a zip of them."
            )
        )
    if is_zip(data):
        try:
            with checked_zip(data) as archive:
                parts = {}
                for name in archive.namelist():
                    lower = name.lower()
                    for ext in SHAPEFILE_PARTS:
                        if lower.endswith(ext):
                            parts[ext] = read_member(archive, name)
                    if lower.endswith((".geojson", ".json")) and ".shp" not in parts:
                        return parse_geojson(read_member(archive, name))
        except ArchiveRefused as error:
            raise UnreadableFile(str(error)) from error
        return parse_shapefile(parts)
    return parse_geojson(data)


def apply(batch: ImportBatch, planned: ImportPlan) -> None:
    for obj, values in planned.changed:
        if isinstance(obj, Municipality):
            municipality_boundary_set(
                municipality=obj, geometry=values["geometry"], source=values["geometry_source"]
            )
        else:
            area_boundary_set(area=obj, geometry=values["geometry"], source=values["geometry_source"])


FORMAT = register(
    Format(
        kind="boundaries",
        label=gettext_lazy("Area boundaries (GeoJSON or Shapefile)"),
        parse=parse,
        plan=plan,
        apply=apply,
        order=40,
        keeps_unmapped=False,
        options=("name_field", "code_field"),
    )
)
