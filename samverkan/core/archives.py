"""Zip archives from outside (zipped shapefiles, XLSX workbooks, Word
documents) opened with their size checked first: a megabyte can expand to
gigabytes, so the number of members and their total expanded size are read
from the archive's directory before anything is decompressed, and each member
is read with a cap that does not trust the directory either."""

import io
import zipfile
from collections.abc import Iterator

from django.utils.translation import gettext as _

# Far above any real upload (a district shapefile expands to a few MB, a large
# BRÅ workbook to tens), far below what would exhaust a worker's memory.
MAX_EXPANDED_BYTES = 512 * 1024 * 1024
MAX_MEMBERS = 10_000
MAX_RATIO = 200  # deflate reaches about 1000:1 only on data made to do so


class ArchiveRefused(ValueError):
    """The archive is damaged or would expand beyond what is taken."""


def is_zip(data: bytes) -> bool:
    return data.startswith(b"PK\x03\x04")


def checked_zip(data: bytes, *, max_expanded: int = MAX_EXPANDED_BYTES) -> zipfile.ZipFile:
    """The archive, once its directory says it is a reasonable size."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        raise ArchiveRefused(
            _("The file looks like a zip archive but is damaged (%(error)s).") % {"error": error}
        ) from error
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise ArchiveRefused(
            _("The archive holds %(n)s files; at most %(max)s are taken.")
            % {"n": len(members), "max": MAX_MEMBERS}
        )
    expanded = sum(m.file_size for m in members)
    if expanded > max_expanded or expanded > MAX_RATIO * max(len(data), 1024 * 1024):
        raise ArchiveRefused(
            _(
                "Unpacked, the archive would take %(size)s MB; at most %(max)s MB are taken. "
                "It may be a decompression bomb."
            )
            % {"size": expanded // (1024 * 1024), "max": max_expanded // (1024 * 1024)}
        )
    return archive


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo | str) -> bytes:
    """One member, read in pieces and stopped where it outgrows what its directory entry said."""
    info = archive.getinfo(info) if isinstance(info, str) else info
    chunks, total = [], 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(1024 * 1024):
                total += len(chunk)
                if total > info.file_size:
                    raise ArchiveRefused(
                        _("%(name)s unpacks to more than its archive says.") % {"name": info.filename}
                    )
                chunks.append(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as error:
        raise ArchiveRefused(
            _("%(name)s in the archive cannot be unpacked (%(error)s).")
            % {"name": info.filename, "error": error}
        ) from error
    return b"".join(chunks)


def members(archive: zipfile.ZipFile) -> Iterator[tuple[str, bytes]]:
    for info in archive.infolist():
        if not info.is_dir():
            yield info.filename, read_member(archive, info)
