import json
import tomllib
from pathlib import Path

from django.core.management.base import BaseCommand

from samverkan.configurations.loader import CONFIGURATIONS
from samverkan.organisations.geometry import union_geojson


class Command(BaseCommand):
    help = (
        "Derive simplified district-area polygons from a neighbourhood GeoJSON file and the "
        "configuration's grouping; writes district_areas.geojson into the configuration."
    )

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("neighbourhoods", type=Path)
        parser.add_argument("--tolerance", type=float, default=0.0003, help="simplification, degrees")

    def handle(self, name, neighbourhoods, tolerance, **options):
        folder = CONFIGURATIONS / name
        config = tomllib.loads((folder / "municipality.toml").read_text(encoding="utf-8"))
        source = json.loads(neighbourhoods.read_text(encoding="utf-8"))
        shapes = {f["properties"]["name"]: f["geometry"] for f in source["features"]}
        features = []
        for district in config["districts"]:
            geometry = union_geojson([shapes[n] for n in district["neighbourhoods"]], tolerance=tolerance)
            features.append(
                {
                    "type": "Feature",
                    "properties": {"code": district["code"], "name": district["name"]},
                    "geometry": geometry,
                }
            )
        out = {
            "type": "FeatureCollection",
            "attribution": "Derived by Samverkan from "
            + config.get("geography", {}).get("neighbourhood_source", "the neighbourhood boundaries"),
            "features": features,
        }
        (folder / "district_areas.geojson").write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
        self.stdout.write(f"Wrote {len(features)} district areas")
