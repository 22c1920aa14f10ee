"""Every text a kept file holds, part by part, for the personal-data guard:
a number must not hide in a part that no importer reads (a column that is
not mapped, a header cell, a workbook's second sheet, its properties or
comments, a hyperlink's target, a file embedded in a Word or PDF file, a
PDF's bookmarks or attachments).

A file is read by what it is, not by its name: a zip package (XLSX, DOCX, a
zipped shapefile) part by part, every XML part's texts and attribute values
and every embedded file in turn; a PDF's pages, metadata, form fields,
annotations and links, outline and embedded files; a legacy Excel file's
cells of every sheet; a dBASE table's field names and values; anything else
as text. Binary parts that are not one of these (an OLE object, say) are read
for the runs of letters and digits they hold, as `strings` would.

Readers of PDF and legacy Excel are imported when such a file arrives (they
take a second to import)."""

import codecs
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, cast

from defusedxml import ElementTree

from samverkan.core.archives import checked_zip, is_zip, read_member
from samverkan.core.personal_data import IdentityNumberMatch, find_identity_numbers

# Files inside files inside files: far deeper than any real document nests them.
MAX_NESTING = 4
# Text is scanned in pieces of this size (and a little overlap, so that a
# number across two pieces is seen whole): bounded memory for large files.
PIECE = 1 << 20
OVERLAP = 64
_PRINTABLE = re.compile(rb"[\x20-\x7e\xa0-\xff]{6,}")
_PRINTABLE_UTF16 = re.compile(rb"(?:[\x20-\x7e]\x00){6,}")


@dataclass(frozen=True)
class Found:
    """Where a number was found: the part of the file, and a line where the part is text."""

    part: str
    line: int | None
    match: IdentityNumberMatch


def first_identity_number(name: str, data: bytes) -> Found | None:
    """The first personal identity number anywhere in the file, or None.
    Raises what a reader raises for a damaged file (ArchiveRefused among them)."""
    return next(_found(name, data, 0), None)


def _found(part: str, data: bytes, depth: int) -> Iterator[Found]:
    if depth > MAX_NESTING:
        return
    if is_zip(data):
        yield from _in_package(part, data, depth)
    elif data.startswith(b"%PDF"):
        yield from _in_pdf(part, data, depth)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        yield from _in_compound(part, data)
    elif _is_dbase(part, data):
        yield from _in_texts(part, _dbase_texts(data))
    elif part.lower().endswith((".shp", ".shx")):
        return  # geometry: numbers in binary, no text
    else:
        yield from _in_bytes(part, data)


def _in_bytes(part: str, data: bytes) -> Iterator[Found]:
    """Numbers in a text file, with their line, decoded and read in pieces
    as its importers read it: UTF-16 with a BOM, UTF-8 (with or without a
    BOM), else Windows-1252 (which reads any bytes)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
        try:
            check_utf8(data)
        except UnicodeDecodeError:
            encoding = "cp1252"
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    carried, line = "", 1
    for start in range(0, max(len(data), 1), PIECE):
        piece = data[start : start + PIECE]
        text = carried + decoder.decode(piece, final=start + PIECE >= len(data))
        for match in find_identity_numbers(text):
            yield Found(part, line + text.count("\n", 0, match.start), match)
            return
        keep = text[-OVERLAP:]
        line += text.count("\n") - keep.count("\n")
        carried = keep


def check_utf8(data: bytes) -> None:
    """Raises UnicodeDecodeError where the bytes are not UTF-8, read a piece at a
    time (no copy of a large file is made as text)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    for start in range(0, len(data), PIECE):
        decoder.decode(data[start : start + PIECE], final=start + PIECE >= len(data))


def _in_texts(part: str, texts: Iterator[str]) -> Iterator[Found]:
    for text in texts:
        for match in find_identity_numbers(text):
            yield Found(part, None, match)
            return


def _in_package(part: str, data: bytes, depth: int) -> Iterator[Found]:
    with checked_zip(data) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = info.filename
            inner = f"{part} › {name}"
            yield from _in_texts(inner, iter([name]))
            if name.lower().endswith((".shp", ".shx")):
                continue  # geometry: numbers in binary, no text (and not read, for its size)
            if name.lower().endswith((".xml", ".rels", ".vml")):
                with cast(zipfile.ZipExtFile, archive.open(info)) as stream:
                    if not stream.peek(4).startswith(b"PK\x03\x04"):  # not a package named .xml
                        yield from _in_texts(inner, _xml_texts(stream))
                        continue
            content = read_member(archive, info)
            if is_zip(content) or content.startswith((b"%PDF", b"\xd0\xcf\x11\xe0")):
                yield from _found(inner, content, depth + 1)
            elif name.lower().endswith((".bin", ".emf", ".wmf", ".png", ".jpeg", ".jpg", ".gif", ".tif")):
                yield from _in_texts(inner, _printable(content))
            else:
                yield from _found(inner, content, depth + 1)


def _xml_texts(source: bytes | IO[bytes] | io.BufferedIOBase) -> Iterator[str]:
    """Every text of an XML part, and every attribute value (a hyperlink's
    target, a comment's author), read as a stream. Word splits a paragraph
    into runs: the runs of a paragraph are joined, so that a number split
    over runs is read whole; elsewhere (a worksheet's cells) each element is
    its own text, so that two cells never run together."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    paragraphs = 0
    for event, element in ElementTree.iterparse(source, events=("start", "end")):
        if event == "start":
            yield from element.attrib.values()
            if element.tag.endswith("}p"):
                paragraphs += 1
            continue
        if element.tag.endswith("}p"):
            paragraphs -= 1
            yield "".join(element.itertext())
            element.clear()
        elif paragraphs == 0:
            if element.text:
                yield element.text
            if element.tail and element.tail.strip():
                yield element.tail
            element.clear()


def _printable(content: bytes) -> Iterator[str]:
    """Runs of text in a binary part: single-byte and UTF-16."""
    for run in _PRINTABLE.finditer(content):
        yield run.group().decode("cp1252", errors="replace")
    for run in _PRINTABLE_UTF16.finditer(content):
        yield run.group().decode("utf-16-le", errors="replace")


def _in_pdf(part: str, data: bytes, depth: int) -> Iterator[Found]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    yield from _in_texts(part, _pdf_texts(reader))
    for name, contents in (reader.attachments or {}).items():
        inner = f"{part} › {name}"
        yield from _in_texts(inner, iter([name]))
        for content in contents:
            yield from _found(inner, content, depth + 1)


def _pdf_texts(reader: Any) -> Iterator[str]:
    yield from (str(value) for value in (reader.metadata or {}).values())
    xmp = reader.xmp_metadata
    if xmp is not None:
        yield from _xml_texts(xmp.stream.get_data())
    yield from (str(value) for value in (reader.get_form_text_fields() or {}).values() if value)
    yield from _outline_titles(reader.outline)
    for page in reader.pages:
        yield page.extract_text() or ""
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            for key in ("/Contents", "/T", "/TU"):
                if annotation.get(key):
                    yield str(annotation[key])
            action = annotation.get("/A")
            if action is not None and action.get_object().get("/URI"):
                yield str(action.get_object()["/URI"])


def _outline_titles(outline: Any) -> Iterator[str]:
    for item in outline or []:
        if isinstance(item, list):
            yield from _outline_titles(item)
        elif getattr(item, "title", None):
            yield str(item.title)


def _in_compound(part: str, data: bytes) -> Iterator[Found]:
    """A legacy Office file: an Excel workbook's cells of every sheet (numbers
    as they are written), and the text runs of the whole file (its properties)."""
    try:
        import xlrd

        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except Exception:  # noqa: BLE001 - not a workbook (a .doc, say): its text runs are read below
        book = None
    if book is not None:
        for sheet in book.sheets():
            yield from _in_texts(f"{part} › {sheet.name}", iter([sheet.name]))
            for row in range(sheet.nrows):
                yield from _in_texts(f"{part} › {sheet.name}", (_cell(v) for v in sheet.row_values(row)))
    yield from _in_texts(part, _printable(data))


def _cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _is_dbase(part: str, data: bytes) -> bool:
    return (
        part.lower().endswith(".dbf") and len(data) > 32 and data[0] in (0x02, 0x03, 0x30, 0x83, 0x8B, 0xF5)
    )


def _dbase_texts(data: bytes) -> Iterator[str]:
    """A dBASE table's field names and every value, each on its own (fields
    are fixed-width and stand side by side, so they are never read joined)."""
    records = int.from_bytes(data[4:8], "little")
    header = int.from_bytes(data[8:10], "little")
    length = int.from_bytes(data[10:12], "little")
    widths = []
    for offset in range(32, min(header, len(data)) - 1, 32):
        if data[offset] == 0x0D:
            break
        name = data[offset : offset + 11].split(b"\0")[0]
        yield name.decode("cp1252", errors="replace")
        widths.append(data[offset + 16])
    for record in range(records):
        position = header + record * length + 1  # after the deletion flag
        for width in widths:
            yield data[position : position + width].decode("cp1252", errors="replace").strip()
            position += width
