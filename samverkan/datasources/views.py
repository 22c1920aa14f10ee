from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from shapely.geometry import shape

from samverkan.accounts import permissions
from samverkan.accounts.http import AuthenticatedRequest
from samverkan.accounts.tenancy import require_municipality
from samverkan.audit.recorder import record_reads
from samverkan.core.forms import errors_on
from samverkan.core.http import id_parameter
from samverkan.datasources import loader, services, tasks
from samverkan.datasources.forms import FieldChoiceForm, UploadForm
from samverkan.datasources.models import ImportBatch, Observation
from samverkan.datasources.observation_forms import ObservationForm
from samverkan.organisations.geometry import bounds
from samverkan.organisations.models import Area, AreaKind


def _batch_for(request, pk: int) -> ImportBatch:
    """A batch the user may see: one of their own organisation's, or one whose
    rows every party may see (administrators alike); others do not exist."""
    batch = get_object_or_404(
        ImportBatch.objects.visible_to(request.user).select_related("municipality", "uploaded_by"), pk=pk
    )
    if not permissions.can_import(request.user, batch.municipality):
        raise PermissionDenied
    return batch


def import_list(request) -> HttpResponse:
    municipality = require_municipality(request)
    if not permissions.can_import(request.user, municipality):
        raise PermissionDenied
    form = UploadForm(
        request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind", "")}
    )
    if request.method == "POST" and form.is_valid():
        filename, data = form.name_and_data()
        in_background = len(data) > settings.SAMVERKAN_BACKGROUND_IMPORT_BYTES
        batch = loader.batch_receive(
            municipality=municipality,
            kind=form.cleaned_data["kind"],
            filename=filename,
            data=data,
            user=request.user,
            check=not in_background,
        )
        if in_background:
            transaction.on_commit(lambda: tasks.check_import.enqueue(batch.pk))
        return redirect("imports:detail", pk=batch.pk)
    batches = (
        ImportBatch.objects.filter(municipality=municipality)
        .visible_to(request.user)
        .select_related("uploaded_by")[:100]
    )
    return render(
        request,
        "datasources/import_list.html",
        {"form": form, "batches": batches},
        status=400 if form.errors else 200,
    )


@require_POST
def rows_rematch(request: AuthenticatedRequest) -> HttpResponse:
    """Match the stored rows to the areas again, in the worker (after an area or an alias changed)."""
    municipality = require_municipality(request)
    if not permissions.can_import(request.user, municipality):
        raise PermissionDenied
    transaction.on_commit(lambda: tasks.rematch_rows.enqueue(municipality.pk, request.user.pk))
    messages.success(
        request,
        _("The stored rows are being matched to the areas again; the series follow when the worker is done."),
    )
    return redirect("imports:list")


def import_detail(request, pk: int) -> HttpResponse:
    batch = _batch_for(request, pk)
    if batch.restricted:
        record_reads(request.user, [batch], why="import report")
    return render(
        request, "datasources/import_detail.html", {"batch": batch, "fields_form": _fields_form(batch)}
    )


def _fields_form(batch: ImportBatch, data=None) -> FieldChoiceForm | None:
    """The choice of fields, for a file whose fields can be chosen and which is not imported."""
    if (
        not batch.report.get("fields")
        or not batch.original
        or batch.status == ImportBatch.Status.IMPORTED
        or batch.in_progress
    ):
        return None
    return FieldChoiceForm(data, fields=batch.report["fields"], chosen=batch.report.get("chosen", {}))


@require_POST
def import_fields(request, pk: int) -> HttpResponse:
    """Read the file again with the fields the person chose."""
    batch = _batch_for(request, pk)
    form = _fields_form(batch, request.POST)
    if form is None:
        messages.error(request, _("This file's fields can no longer be chosen."))
        return redirect("imports:detail", pk=batch.pk)
    if form.is_valid():
        in_background = batch.size > settings.SAMVERKAN_BACKGROUND_IMPORT_BYTES
        with errors_on(form):
            loader.batch_options_choose(batch, form.cleaned_data, check=not in_background)
            if in_background:
                transaction.on_commit(lambda: tasks.check_import.enqueue(batch.pk))
            return redirect("imports:detail", pk=batch.pk)
    return render(
        request, "datasources/import_detail.html", {"batch": batch, "fields_form": form}, status=400
    )


def import_progress(request, pk: int) -> HttpResponse:
    """The progress bar, polled by htmx while the worker runs; reloads the page when done."""
    batch = _batch_for(request, pk)
    response = render(request, "datasources/progress.html", {"batch": batch})
    if not batch.in_progress and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@require_POST
def import_apply(request, pk: int) -> HttpResponse:
    batch = _batch_for(request, pk)
    if (
        batch.size > settings.SAMVERKAN_BACKGROUND_IMPORT_BYTES
        and batch.status == ImportBatch.Status.PREVIEWED
    ):
        loader.batch_queue_apply(batch)
        transaction.on_commit(lambda: tasks.apply_import.enqueue(batch.pk, request.user.pk))
        return redirect("imports:detail", pk=batch.pk)
    try:
        loader.batch_apply(batch)
    except loader.ImportRefused as error:
        messages.error(request, str(error))
    else:
        if "applied" not in batch.report:  # another request of the same file is importing it
            messages.info(request, _("The file is being imported; its page shows when it is done."))
            return redirect("imports:detail", pk=batch.pk)
        applied = batch.report["applied"]
        messages.success(
            request,
            _("Imported: %(new)s new rows, %(changed)s changed, %(unchanged)s already present.") % applied,
        )
    return redirect("imports:detail", pk=batch.pk)


def import_original(request, pk: int) -> FileResponse:
    batch = _batch_for(request, pk)
    if not batch.original:
        raise Http404(_("The file was refused and not kept."))
    record_reads(request.user, [batch], why="original file")
    return FileResponse(batch.original.open("rb"), as_attachment=True, filename=batch.filename)


def observation_new(request) -> HttpResponse:
    municipality = require_municipality(request)
    if not permissions.can_import(request.user, municipality) or request.user.organisation_id is None:
        raise PermissionDenied
    form = ObservationForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.observation_record(municipality=municipality, user=request.user, **form.cleaned_data)
        if not form.errors:
            messages.success(request, _("Thank you: the observation is saved."))
            return redirect("observations:new")
    recent = Observation.objects.filter(municipality=municipality, reported_by=request.user).select_related(
        "category", "area"
    )[:10]
    district = _district_from(request, municipality)
    return render(
        request,
        "datasources/observation_form.html",
        {
            "form": form,
            "recent": recent,
            "district": district,
            "bounds": _map_box([district]) if district else municipality_bounds(municipality),
            "outline": district.geometry if district else None,
            "street": _street_point(district) if district else [],
        },
        status=400 if form.errors else 200,
    )


def _district_from(request, municipality) -> Area | None:
    """The district to start the map in: the one the reporter came from
    (`?area=`), else the district of the reporter's organisation or the one
    they follow, when it has an outline and exists today."""
    pk = id_parameter(request.GET, "area")
    if pk is not None:
        return get_object_or_404(
            Area, pk=pk, municipality=municipality, kind=AreaKind.DISTRICT, geometry__isnull=False
        )
    today = timezone.localdate()
    for area in (getattr(request.user.organisation, "area", None), request.user.district):
        if area is not None and area.kind == AreaKind.DISTRICT and area.geometry and area.is_valid_on(today):
            return area
    return None


def _street_point(district: Area) -> list[float]:
    """[lat, lon] of a point surely inside the district, where the map opens at street level."""
    point = shape(district.geometry).representative_point()
    return [round(point.y, 6), round(point.x, 6)]


def municipality_bounds(municipality) -> list[float]:
    """[south, west, north, east] of the current district areas, for the map."""
    return _map_box(
        Area.objects.filter(municipality=municipality, kind=AreaKind.DISTRICT, valid_to__isnull=True)
    )


def _map_box(areas) -> list[float]:
    """[south, west, north, east] around the areas' geometries, as Leaflet takes it."""
    boxes = [bounds(a.geometry) for a in areas if a.geometry]  # each (west, south, east, north)
    if not boxes:
        return []
    return [
        min(b[1] for b in boxes),
        min(b[0] for b in boxes),
        max(b[3] for b in boxes),
        max(b[2] for b in boxes),
    ]
