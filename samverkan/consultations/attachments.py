"""The text of an attached file, read for personal identity numbers: an
attachment is free text too, in every part of it. A Word file's text is read
from every XML part of the package (body, tables, headers, footers, comments,
footnotes, document properties), a PDF's from its pages, outline-free
metadata and form fields, after the archive's size is checked. PDF is read
with a library that takes a second to import, so it is imported only when
such a file arrives."""

import io
from pathlib import PurePath

from charset_normalizer import from_bytes
from defusedxml import ElementTree

from samverkan.core.archives import checked_zip, members

ATTACHMENT_TYPES = {".pdf", ".docx", ".txt"}
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024


def attachment_text(name: str, data: bytes) -> str:
    """Every text of the file; raises whatever its reader raises for a damaged file."""
    suffix = PurePath(name).suffix.lower()
    if suffix == ".txt":
        best = from_bytes(data).best()
        return str(best) if best is not None else ""
    if suffix == ".docx":
        return _package_text(data)
    return _pdf_text(data)


def _package_text(data: bytes) -> str:
    """All text of an Office package: the names of its parts and the text of every XML part."""
    texts = []
    with checked_zip(data) as archive:
        for part, content in members(archive):
            texts.append(part)
            if part.endswith((".xml", ".rels")):
                root = ElementTree.fromstring(content)
                # Word splits a paragraph into runs: join the runs of each paragraph, so that a
                # number split over runs is read whole.
                texts.append("\n".join("".join(element.itertext()) for element in _paragraphs(root)))
    return "\n".join(texts)


def _paragraphs(root):
    paragraphs = [e for e in root.iter() if e.tag.endswith("}p")]
    return paragraphs or [root]


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    texts = [str(value) for value in (reader.metadata or {}).values()]
    texts.extend(str(value) for value in (reader.get_form_text_fields() or {}).values() if value)
    for page in reader.pages:
        texts.append(page.extract_text() or "")
        for annotation in page.get("/Annots") or []:
            contents = annotation.get_object().get("/Contents")
            if contents:
                texts.append(str(contents))
    return "\n".join(texts)
