"""The people-and-roles part of a page, one way wherever it stands: a
district's page for its organisations, the municipality's set-up for all
of its own. A person is added with an invitation link; a role is changed
on the person's row."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from samverkan.accounts import permissions
from samverkan.accounts.http import AuthenticatedRequest
from samverkan.accounts.models import User
from samverkan.core.forms import errors_as_messages, errors_on
from samverkan.core.http import id_parameter
from samverkan.governance import services
from samverkan.governance.forms import PersonForm, RoleForm
from samverkan.organisations.models import Organisation


def people_rows(organisations: list[Organisation], by: User) -> list[tuple[User, RoleForm | None]]:
    """The active people of the organisations, each with the form that changes
    their role where `by` may change it (else none: the role is only shown)."""
    people = (
        User.objects.filter(organisation__in=organisations, is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "last_name", "first_name")
    )
    return [
        (
            person,
            RoleForm(
                initial={"role": person.role},
                by=by,
                organisation=person.organisation,
                prefix=f"role-{person.pk}",
            )
            if permissions.can_manage_person(by, person.organisation, person.role)
            else None,
        )
        for person in people
    ]


def person_posted(
    request: AuthenticatedRequest, *, organisations: list[Organisation], back: str
) -> HttpResponse | PersonForm:
    """The posted person added (and back to the page, with the link to send them), or the form with its errors."""
    form = PersonForm(request.POST, organisations=organisations, by=request.user, prefix="person")
    if form.is_valid():
        with errors_on(form):
            person = services.person_add(user=form.instance, organisations=organisations, by=request.user)
    if form.errors:
        return form
    link = request.build_absolute_uri(services.invitation_path(person))
    messages.success(
        request,
        _("%(name)s was added. Send them this link to choose a password: %(link)s")
        % {"name": person.get_full_name() or person.username, "link": link},
    )
    return redirect(back)


def role_posted(
    request: AuthenticatedRequest, *, organisations: list[Organisation], back: str
) -> HttpResponse:
    """The posted role given to one of the organisations' people; refusals as messages on the page."""
    person = get_object_or_404(
        User, pk=id_parameter(request.POST, "user") or 0, organisation__in=organisations
    )
    form = RoleForm(request.POST, by=request.user, prefix=f"role-{person.pk}")
    if form.is_valid():
        try:
            services.role_give(
                user=person, role=form.cleaned_data["role"], organisations=organisations, by=request.user
            )
        except ValidationError as error:
            errors_as_messages(request, error)
        else:
            messages.success(
                request,
                _("The role of %(name)s was changed.") % {"name": person.get_full_name() or person.username},
            )
    else:
        errors_as_messages(request, form)
    return redirect(back)
