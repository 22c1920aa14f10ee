"""The difference between two versions of an agreement, with the proposals each
change answers."""

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render

from samverkan.agreements import permissions
from samverkan.agreements.revision import version_key
from samverkan.consultations import exports, forms
from samverkan.consultations.models import (
    VersionAdoption,
)
from samverkan.consultations.tracing import compare
from samverkan.core.http import download


def _comparison(request, pk: int) -> dict[str, Any]:
    agreement = permissions.get_agreement_for(request.user, pk)
    versions = sorted(
        (v for v in agreement.versions.all() if permissions.can_view_version(request.user, v)),
        key=version_key,
    )
    if len(versions) < 2:
        raise Http404
    form = forms.DiffForm(request.GET or None, versions=versions)
    if form.is_valid():
        by_pk = {str(v.pk): v for v in versions}
        first, second = by_pk[form.cleaned_data["old"]], by_pk[form.cleaned_data["new"]]
    else:
        first, second = versions[-2], versions[-1]
        form = forms.DiffForm(initial={"old": first.pk, "new": second.pk}, versions=versions)
    old, new, changes, proposals = compare(first, second)
    for number, change in enumerate(changes, start=1):
        change.number = number
    return {
        "agreement": agreement,
        "form": form,
        "old": old,
        "new": new,
        "swapped": (old, new) != (first, second),
        "changes": changes,
        "proposals": proposals,
        "adoptions": list(VersionAdoption.objects.filter(version=new).select_related("decided_by")),
    }


def version_compare(request, pk: int) -> HttpResponse:
    return render(request, "consultations/diff.html", _comparison(request, pk))


def version_compare_export(request, pk: int, fmt: str) -> HttpResponse:
    content = _comparison(request, pk)
    data = exports.diff_pdf(content) if fmt == "pdf" else exports.diff_docx(content)
    name = f"jamforelse {content['old'].case_number or content['old'].label} {content['new'].case_number or content['new'].label}"
    return download(data, fmt, name)
