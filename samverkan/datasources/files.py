"""Several files that make one import (a shapefile's .shp, .shx, .dbf, .prj
and .cpg), packed into one zip: the original that is kept and checked."""

import io
import zipfile
from pathlib import Path

SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def pack(files: list[tuple[str, bytes]]) -> tuple[str, bytes]:
    """(name, data): one file as it is; several as one zip named after the
    first, with fixed timestamps so the same parts give the same bytes."""
    if len(files) == 1:
        return files[0]
    files = sorted(files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    stem = files[0][0].rsplit(".", 1)[0]
    return f"{stem}.zip", buffer.getvalue()


def with_siblings(path: Path) -> list[Path]:
    """A .shp path and the parts of the same shapefile beside it; any other path alone."""
    if path.suffix.lower() != ".shp":
        return [path]
    return sorted(
        p for p in path.parent.iterdir() if p.stem == path.stem and p.suffix.lower() in SHAPEFILE_PARTS
    )
