"""Reads a table from CSV/TXT (any separator), XLSX or legacy XLS into
(line number, cells) pairs, so one parser serves every container."""

import csv
import html
import io
import re
from collections.abc import Callable, Iterable, Iterator

from samverkan.core.archives import ArchiveRefused, checked_zip
from samverkan.core.cells import from_csv_text
from samverkan.core.i18n import remembered as _  # messages kept in reports are shown in the reader's language
from samverkan.core.personal_data import contains_identity_number
from samverkan.datasources.importers import UnreadableFile
from samverkan.datasources.importers.text import decode

Lines = Iterable[tuple[int, list[str]]]
"""A table's rows with their 1-based line numbers; may be iterated more than once."""

# One file of a few hundred thousand lines is years of any source a municipality imports;
# beyond it the rows would not fit a worker's memory (split the file by year). Formats with
# wide rows take fewer (bench/import_limits.py measures the largest file of each).
MAX_LINES = 400_000
# No source's table has more than a few dozen columns; a line of a million cells
# (a file made to exhaust memory) is refused at its first line.
MAX_COLUMNS = 1_000
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"
_ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]*|#\d+|#[xX][0-9a-fA-F]+);")


def read_table(
    data: bytes, filename: str = "", *, entities: bool = False, max_lines: int | None = None
) -> tuple[Lines, str]:
    """All rows with their 1-based line (or sheet row) numbers, and a label of
    what was read (the text encoding or the spreadsheet kind). With
    `entities`, HTML character references in text ("41&nbsp;200") are read as
    the characters they stand for before the lines are split, as their `;`
    is not a separator. A file of more than `max_lines` (MAX_LINES) lines is
    refused before it is read: what a format makes of each line must fit a
    worker's memory."""
    limit = max_lines or MAX_LINES
    if data.startswith(XLSX_MAGIC):
        return _xlsx(data, limit), "xlsx"
    if data.startswith(XLS_MAGIC):
        return _xls(data, limit), "xls"
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if lines > limit:
        raise UnreadableFile(_too_many_lines(lines, limit))
    text, encoding = decode(data)
    if entities:
        text = _ENTITY.sub(lambda match: html.unescape(match[0]), text)
    return _Delimited(text), encoding


def records(
    rows: Lines,
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


class _Delimited:
    """The lines of a text table, read lazily each time they are iterated
    (callers may read a table twice), so that only the text and one line
    are in memory at once."""

    def __init__(self, text: str) -> None:
        self.text = text
        head = text[:65536].splitlines()[:20]
        try:
            self.delimiter = csv.Sniffer().sniff("\n".join(head), delimiters=";,\t").delimiter
        except csv.Error:
            self.delimiter = ";"

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(io.StringIO(self.text, newline=None), delimiter=self.delimiter)
        number = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                # Among others, a field over the csv module's limit of 128 KiB, which no
                # field of any format comes near.
                if "field limit" in str(error):
                    message = _(
                        "Line %(line)s has a field longer than 128 kB. Is a quotation mark left open?"
                    )
                else:
                    message = _("Line %(line)s cannot be read (%(error)s). Is a quotation mark left open?")
                raise UnreadableFile(message % {"line": reader.line_num, "error": error}) from error
            number += 1
            if len(cells) > MAX_COLUMNS:
                raise UnreadableFile(_too_many_columns(reader.line_num, len(cells)))
            yield number, [from_csv_text(c.strip()) for c in cells]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx(data: bytes, limit: int) -> list[tuple[int, list[str]]]:
    import openpyxl

    try:
        checked_zip(data).close()  # an XLSX is a zip: its expanded size is checked first
    except ArchiveRefused as error:
        raise UnreadableFile(str(error)) from error
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any failure means the workbook is damaged
        raise UnreadableFile(_("The Excel file could not be opened: %(error)s") % {"error": error}) from error
    named = [name for name in workbook.sheetnames if contains_identity_number(name)]
    if named:
        raise UnreadableFile(
            _("A sheet's name contains what looks like a personal identity number; nothing was kept.")
        )
    sheet = workbook.worksheets[0]
    rows = []
    for n, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if n > limit:
            workbook.close()
            raise UnreadableFile(_too_many_lines(n, limit))
        if len(row) > MAX_COLUMNS:
            workbook.close()
            raise UnreadableFile(_too_many_columns(n, len(row)))
        rows.append((n, [_cell(v) for v in row]))
    workbook.close()
    return rows


def _xls(data: bytes, limit: int) -> list[tuple[int, list[str]]]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data)
    except Exception as error:  # noqa: BLE001 - any failure means the workbook is damaged
        raise UnreadableFile(_("The Excel file could not be opened: %(error)s") % {"error": error}) from error
    sheet = book.sheet_by_index(0)
    if sheet.nrows > limit:
        raise UnreadableFile(_too_many_lines(sheet.nrows, limit))
    if sheet.ncols > MAX_COLUMNS:
        raise UnreadableFile(_too_many_columns(1, sheet.ncols))
    return [(n + 1, [_cell(v) for v in sheet.row_values(n)]) for n in range(sheet.nrows)]


def _too_many_lines(n: int, limit: int) -> str:
    return _(
        "The file has %(n)s lines; at most %(max)s are taken in one file. Split it, by year for example."
    ) % {
        "n": n,
        "max": limit,
    }


def _too_many_columns(line: int, n: int) -> str:
    return _(
        "Line %(line)s has %(n)s columns; at most %(max)s are taken. Is the separator right, or is "
        "this another kind of file?"
    ) % {"line": line, "n": n, "max": MAX_COLUMNS}
