"""Reads a table from CSV/TXT (any separator), XLSX or legacy XLS into
(line number, cells) pairs, so one parser serves every container."""

import csv
import html
import io
import re
from collections.abc import Callable, Iterator

from django.utils.translation import gettext as _

from samverkan.core.cells import from_csv_text
from samverkan.datasources.importers import UnreadableFile
from samverkan.datasources.importers.text import decode

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"
_ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]*|#\d+|#[xX][0-9a-fA-F]+);")


def read_table(
    data: bytes, filename: str = "", *, entities: bool = False
) -> tuple[list[tuple[int, list[str]]], str]:
    """All rows with their 1-based line (or sheet row) numbers, and a label of
    what was read (the text encoding or the spreadsheet kind). With
    `entities`, HTML character references in text ("41&nbsp;200") are read as
    the characters they stand for before the lines are split, as their `;`
    is not a separator."""
    if data.startswith(XLSX_MAGIC):
        return _xlsx(data), "xlsx"
    if data.startswith(XLS_MAGIC):
        return _xls(data), "xls"
    text, encoding = decode(data)
    if entities:
        text = _ENTITY.sub(lambda match: html.unescape(match[0]), text)
    return _delimited(text), encoding


def records(
    rows: list[tuple[int, list[str]]],
    columns: dict[str, str],
    fits: Callable[[set[str]], bool],
    wrong_header: str,
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, {column: stripped cell}) for every non-empty row after the header
    line, whose cells are mapped through `columns` (lower-cased, Swedish or
    English names). The header must satisfy `fits` or the file is unreadable."""
    header: list[str | None] | None = None
    for line, cells in rows:
        if not any(cells):
            continue
        if header is None:
            header = [columns.get(c.strip().lower()) for c in cells]
            if not fits({name for name in header if name}):
                raise UnreadableFile(wrong_header)
            continue
        yield (
            line,
            {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header) if name},
        )
    if header is None:
        raise UnreadableFile(_("The file has no lines."))


def _delimited(text: str) -> list[tuple[int, list[str]]]:
    lines = text.splitlines()
    sample = "\n".join(lines[:20])
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";"
    rows = []
    for number, cells in enumerate(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter), start=1):
        rows.append((number, [from_csv_text(c.strip()) for c in cells]))
    return rows


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx(data: bytes) -> list[tuple[int, list[str]]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any failure means the workbook is damaged
        raise UnreadableFile(_("The Excel file could not be opened: %(error)s") % {"error": error}) from error
    sheet = workbook.worksheets[0]
    rows = [(n, [_cell(v) for v in row]) for n, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
    workbook.close()
    return rows


def _xls(data: bytes) -> list[tuple[int, list[str]]]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data)
    except Exception as error:  # noqa: BLE001 - any failure means the workbook is damaged
        raise UnreadableFile(_("The Excel file could not be opened: %(error)s") % {"error": error}) from error
    sheet = book.sheet_by_index(0)
    return [(n + 1, [_cell(v) for v in sheet.row_values(n)]) for n in range(sheet.nrows)]
