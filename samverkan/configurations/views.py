"""Setting a municipality up in the app: an installation administrator adds
it from the national list with its first administrator; that administrator
walks the guided steps (boundary, sub-areas, organisations, people, bodies,
coordinating function, first agreement). A set-up moves between
installations as one file (configurations.document)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from samverkan.accounts import permissions
from samverkan.accounts.http import AuthenticatedRequest
from samverkan.accounts.tenancy import require_municipality
from samverkan.configurations import selectors, services
from samverkan.configurations.document import DocumentError, dumps, export_setup, loads
from samverkan.configurations.forms import (
    AgreementForm,
    BodyForm,
    ComparisonForm,
    CoordinationForm,
    MunicipalityForm,
    NewMunicipalityForm,
    OrganisationForm,
    PriorityAreaFormSet,
    SetupFileForm,
    SubdivisionForm,
    VersionForm,
)
from samverkan.core.forms import errors_as_messages, errors_on
from samverkan.core.http import download, id_parameter
from samverkan.datasources.models import ImportBatch
from samverkan.datasources.register import known
from samverkan.governance import people as governance_people
from samverkan.governance import services as governance_services
from samverkan.governance.forms import PersonForm, SeatForm
from samverkan.governance.models import Body
from samverkan.organisations.models import Municipality, Organisation, Subdivision


def _municipality(request: AuthenticatedRequest) -> Municipality:
    municipality = require_municipality(request)
    if not permissions.can_set_up(request.user, municipality):
        raise PermissionDenied
    return municipality


def _step_page(request: AuthenticatedRequest, municipality: Municipality, key: str, template: str,
               context: dict[str, Any], *, invalid: bool = False) -> HttpResponse:  # fmt: skip
    steps = selectors.setup_steps(municipality)
    step = next(s for s in steps if s.key == key)
    position = steps.index(step)
    following = steps[position + 1] if position + 1 < len(steps) else None
    return render(
        request,
        template,
        {
            "municipality": municipality,
            "step": step,
            "steps": steps,
            "number": position + 1,
            "next": following,
        }
        | context,
        status=400 if invalid else 200,
    )


def setup_progress(request: AuthenticatedRequest) -> HttpResponse:
    """The guided steps with where each stands; for the installation's
    administrators also the form that adds a municipality."""
    municipality = require_municipality(request)
    if not (
        permissions.can_set_up(request.user, municipality) or permissions.can_add_municipality(request.user)
    ):
        raise PermissionDenied
    return _progress_page(request, municipality, NewMunicipalityForm(prefix="new"))


def _progress_page(
    request: AuthenticatedRequest,
    municipality: Municipality,
    new_form: NewMunicipalityForm,
    status: int = 200,
) -> HttpResponse:
    may_add = permissions.can_add_municipality(request.user)
    steps = selectors.setup_steps(municipality) if permissions.can_set_up(request.user, municipality) else []
    return render(
        request,
        "configurations/progress.html",
        {
            "municipality": municipality,
            "steps": steps,
            "done": sum(s.done for s in steps),
            "new_form": new_form if may_add else None,
            "import_form": SetupFileForm() if may_add else None,
            "others": Municipality.objects.exclude(pk=municipality.pk).order_by("code") if may_add else [],
        },
        status=status,
    )


@require_POST
def municipality_add(request: AuthenticatedRequest) -> HttpResponse:
    if not permissions.can_add_municipality(request.user):
        raise PermissionDenied
    municipality = require_municipality(request)
    form = NewMunicipalityForm(request.POST, prefix="new")
    if form.is_valid():
        data = form.cleaned_data
        with errors_on(form):
            added = services.municipality_create(
                known=data["code"],
                name=data["municipality_name"],
                administration=data["administration"],
                administrator=form.instance,
                by=request.user,
            )
    if form.errors:
        return _progress_page(request, municipality, form, status=400)
    link = request.build_absolute_uri(governance_services.invitation_path(form.instance))
    messages.success(
        request,
        _(
            "%(municipality)s was set up. Send its administrator %(name)s this link to choose a password "
            "and continue with the steps: %(link)s"
        )
        % {"municipality": added, "name": form.instance.get_full_name(), "link": link},
    )
    return redirect("setup:progress")


def _name_of(code: str) -> str:
    found = known(code)
    return found.name if found is not None else code


def municipality_edit(request: AuthenticatedRequest) -> HttpResponse:
    municipality = _municipality(request)
    setup = selectors.setup_of(municipality)
    comparison = ComparisonForm(
        initial={"municipalities": ", ".join(_name_of(code) for code in setup.comparison_group)},
        own=municipality.code,
        prefix="comparison",
    )
    if request.method == "POST" and request.POST.get("action") == "comparison":
        comparison = ComparisonForm(request.POST, own=municipality.code, prefix="comparison")
        if comparison.is_valid():
            services.comparison_group_set(
                municipality=municipality, codes=comparison.cleaned_data["municipalities"]
            )
            messages.success(request, _("Saved."))
            return redirect("setup:municipality")
        form = MunicipalityForm(instance=municipality)
        return _step_page(request, municipality, "municipality", "configurations/municipality.html",
                          {"form": form, "comparison": comparison}, invalid=True)  # fmt: skip
    form = MunicipalityForm(request.POST or None, instance=municipality)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.municipality_update(
                municipality=municipality,
                name=form.cleaned_data["name"],
                place_name=form.cleaned_data["place_name"],
            )
        if not form.errors:
            messages.success(request, _("Saved."))
            return redirect("setup:municipality")
    return _step_page(request, municipality, "municipality", "configurations/municipality.html",
                      {"form": form, "comparison": comparison}, invalid=bool(form.errors))  # fmt: skip


def boundary(request: AuthenticatedRequest) -> HttpResponse:
    """The outline comes through the import of area boundaries: a national
    file of all municipalities (or DeSO/RegSO areas) is matched by code."""
    municipality = _municipality(request)
    batches = (
        ImportBatch.objects.filter(municipality=municipality, kind="boundaries")
        .visible_to(request.user)
        .order_by("-pk")[:10]
    )
    return _step_page(request, municipality, "boundary", "configurations/boundary.html", {"batches": batches})


def areas(request: AuthenticatedRequest) -> HttpResponse:
    municipality = _municipality(request)
    setup = selectors.setup_of(municipality)
    form = SubdivisionForm(request.POST or None, initial={"subdivision": setup.subdivision})
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            added = services.subdivision_set(
                municipality=municipality,
                subdivision=form.cleaned_data["subdivision"],
                district_names=form.cleaned_data["district_names"],
            )
        if not form.errors:
            messages.success(
                request, _("Saved; %(n)s districts added.") % {"n": added} if added else _("Saved.")
            )
            return redirect("setup:areas")
    subdivision = form.data.get("subdivision") or setup.subdivision
    return _step_page(
        request,
        municipality,
        "areas",
        "configurations/areas.html",
        {
            "form": form,
            "subdivision": setup.subdivision,
            "statistical": setup.subdivision in (Subdivision.DESO, Subdivision.REGSO),
            "areas": selectors.sub_areas(municipality, subdivision) if subdivision else [],
        },
        invalid=bool(form.errors),
    )


def organisations(request: AuthenticatedRequest) -> HttpResponse:
    municipality = _municipality(request)
    form = OrganisationForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            added = services.organisation_add(organisation=form.instance)
        if not form.errors:
            messages.success(request, _("%(name)s was added.") % {"name": added})
            return redirect("setup:organisations")
    listed = Organisation.objects.filter(municipality=municipality).select_related(
        "parent", "committee", "area"
    )
    return _step_page(request, municipality, "organisations", "configurations/organisations.html",
                      {"form": form, "organisations": listed}, invalid=bool(form.errors))  # fmt: skip


def people(request: AuthenticatedRequest) -> HttpResponse:
    """The municipality's people and their roles: the same forms as a district's page, for every organisation."""
    municipality = _municipality(request)
    all_organisations = list(Organisation.objects.filter(municipality=municipality))
    form = PersonForm(organisations=all_organisations, by=request.user, prefix="person")
    back = reverse("setup:people")
    if request.method == "POST" and request.POST.get("action") == "role":
        return governance_people.role_posted(request, organisations=all_organisations, back=back)
    if request.method == "POST":
        outcome = governance_people.person_posted(request, organisations=all_organisations, back=back)
        if isinstance(outcome, HttpResponse):
            return outcome
        form = outcome
    return _step_page(
        request,
        municipality,
        "people",
        "configurations/people.html",
        {"form": form, "people": governance_people.people_rows(all_organisations, request.user)},
        invalid=bool(form.errors),
    )


def bodies(request: AuthenticatedRequest) -> HttpResponse:
    municipality = _municipality(request)
    all_organisations = list(Organisation.objects.filter(municipality=municipality))
    listed = Body.objects.filter(municipality=municipality).prefetch_related("seats__organisation")
    form = BodyForm(municipality=municipality, prefix="body")
    seat_form = SeatForm(organisations=all_organisations, prefix="seat")
    if request.method == "POST" and request.POST.get("action") == "seat":
        seat_form = SeatForm(request.POST, organisations=all_organisations, prefix="seat")
        body = listed.filter(pk=id_parameter(request.POST, "body") or 0).first()
        if body is None:
            seat_form.add_error(None, _("Choose the body the seat belongs to."))
        elif seat_form.is_valid():
            seat_form.instance.body = body
            with errors_on(seat_form):
                governance_services.seat_add(seat=seat_form.instance, organisations=all_organisations)
        if not seat_form.errors:
            messages.success(request, _("The seat was added."))
            return redirect("setup:bodies")
    elif request.method == "POST":
        form = BodyForm(request.POST, municipality=municipality, prefix="body")
        if form.is_valid():
            with errors_on(form):
                added = services.body_add(body=form.instance)
            if not form.errors:
                messages.success(request, _("%(name)s was added.") % {"name": added})
                return redirect("setup:bodies")
    return _step_page(
        request,
        municipality,
        "bodies",
        "configurations/bodies.html",
        {"form": form, "seat_form": seat_form, "bodies": listed},
        invalid=bool(form.errors or seat_form.errors),
    )


def coordination(request: AuthenticatedRequest) -> HttpResponse:
    municipality = _municipality(request)
    setup = selectors.setup_of(municipality)
    form = CoordinationForm(request.POST or None, instance=setup, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.coordination_set(
                municipality=municipality,
                coordinator=form.cleaned_data["coordinator"],
                role=form.cleaned_data["coordinator_role"],
                plan_body=form.cleaned_data["plan_body"],
            )
        if not form.errors:
            messages.success(request, _("Saved."))
            return redirect("setup:coordination")
    return _step_page(request, municipality, "coordination", "configurations/coordination.html",
                      {"form": form}, invalid=bool(form.errors))  # fmt: skip


def agreement(request: AuthenticatedRequest) -> HttpResponse:
    municipality = _municipality(request)
    data = request.POST if request.method == "POST" else None
    form = AgreementForm(data, prefix="agreement")
    version_form = VersionForm(data, municipality=municipality, prefix="version",
                               initial={"label": _("Agreement %(year)s") % {"year": ""}})  # fmt: skip
    areas = PriorityAreaFormSet(data, prefix="areas")
    if request.method == "POST":
        valid = form.is_valid() & version_form.is_valid() & areas.is_valid()
        if valid:
            drafts = [
                services.PriorityAreaDraft(row.cleaned_data["name"], row.cleaned_data["goals"])
                for row in areas
                if row.has_changed()
            ]
            with errors_on(form):
                made = services.agreement_create(
                    municipality=municipality,
                    agreement=form.instance,
                    version=version_form.instance,
                    parties=list(version_form.cleaned_data["parties"]),
                    areas=drafts,
                )
            if not form.errors:
                messages.success(request, _("%(title)s was added.") % {"title": made.title})
                return redirect("setup:agreement")
    existing = municipality.agreements.prefetch_related("versions__priority_areas__goals")
    return _step_page(
        request,
        municipality,
        "agreement",
        "configurations/agreement.html",
        {"form": form, "version_form": version_form, "areas": areas, "agreements": existing},
        invalid=bool(form.errors or version_form.errors or any(areas.errors) or areas.non_form_errors()),
    )


@require_GET
def setup_export(request: AuthenticatedRequest) -> HttpResponse:
    """The municipality's whole set-up as one file, for another installation."""
    municipality = _municipality(request)
    return download(
        dumps(export_setup(municipality)), "json", f"samverkan-{municipality.code}-{municipality.place_name}"
    )


@require_POST
def setup_import(request: AuthenticatedRequest) -> HttpResponse:
    """A set-up file from another installation: the municipality it describes
    is added here, or brought up to date with it."""
    if not permissions.can_add_municipality(request.user):
        raise PermissionDenied
    form = SetupFileForm(request.POST, request.FILES)
    if not form.is_valid():
        errors_as_messages(request, form)
        return redirect(reverse("setup:progress") + "#import")
    try:
        report = services.setup_load(
            loads(form.cleaned_data["file"].read()), label=form.cleaned_data["file"].name
        )
    except DocumentError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("The set-up of %(municipality)s was loaded.") % {"municipality": report.municipality}
        )
    return redirect(reverse("setup:progress") + "#import")
