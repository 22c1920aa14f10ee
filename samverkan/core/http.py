from typing import Any

from django.http import Http404, HttpResponse, QueryDict
from django.template.loader import render_to_string
from django.utils.text import slugify


def id_parameter(query: QueryDict, name: str) -> int | None:
    """A query parameter that names a row by number: None when absent, 404
    when it is not a number a row could have."""
    value = query.get(name)
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or int(value) > 2**31 - 1:
        raise Http404
    return int(value)


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "json": "application/json",
}


def download(data: bytes, fmt: str, name: str) -> HttpResponse:
    """A file to save, named `name` (as a slug) with the format's extension."""
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{slugify(name)}.{fmt}"'
    return response


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """A template rendered to PDF with WeasyPrint (imported only when a PDF
    is made: it takes seconds to load)."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_to_string(template, context)).write_pdf()
    return pdf
