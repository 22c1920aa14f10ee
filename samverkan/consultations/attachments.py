"""The text of an attached file, read for personal identity numbers: an
attachment is free text too. PDF and Word are read with libraries that take
a second to import, so they are imported only when such a file arrives."""

import io
from pathlib import PurePath

from charset_normalizer import from_bytes

ATTACHMENT_TYPES = {".pdf", ".docx", ".txt"}
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024


def attachment_text(name: str, data: bytes) -> str:
    """Every text of the file; raises whatever its reader raises for a damaged file."""
    suffix = PurePath(name).suffix.lower()
    if suffix == ".txt":
        best = from_bytes(data).best()
        return str(best) if best is not None else ""
    if suffix == ".docx":
        from docx import Document

        document = Document(io.BytesIO(data))
        cells = (cell.text for table in document.tables for row in table.rows for cell in row.cells)
        return "\n".join([*(p.text for p in document.paragraphs), *cells])
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
