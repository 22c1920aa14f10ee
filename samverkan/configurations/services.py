"""Loading a set-up: a configuration folder by name (with --demo its example
people and work), or a set-up document exported from another installation."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from samverkan.accounts.models import Role, User
from samverkan.agreements.models import Agreement, AgreementVersion, Goal, PriorityArea, Scope
from samverkan.audit.context import acting_as
from samverkan.configurations.demo import DemoLoader
from samverkan.configurations.document import DocumentError, read_folder
from samverkan.configurations.loader import (
    CONFIGURATIONS,
    ConfigurationError,
    ConfigurationLoader,
    LoadReport,
    available,
)
from samverkan.configurations.models import MunicipalitySetup
from samverkan.core.personal_data import holds_identity_number
from samverkan.datasources.register import KnownMunicipality
from samverkan.governance.models import Body
from samverkan.governance.services import person_add
from samverkan.organisations.models import (
    Area,
    AreaKind,
    Municipality,
    Organisation,
    OrganisationKind,
    Subdivision,
)


def load_configuration(
    name: str, *, demo: bool = False, neighbourhood_file: Path | None = None
) -> LoadReport:
    folder = CONFIGURATIONS / name
    if not (folder / "municipality.toml").exists():
        raise ConfigurationError(f"No configuration named {name!r}; available: {', '.join(available())}")
    document = read_folder(folder, neighbourhood_file=neighbourhood_file)
    with acting_as(label=f"configuration:{name}"), transaction.atomic():
        loader = DemoLoader if demo else ConfigurationLoader
        return loader(document, folder=folder).run()


def setup_load(document: dict[str, Any], *, label: str) -> LoadReport:
    """A set-up document (configurations.document) into the database, all or
    nothing. A document that does not hold together raises DocumentError with
    a message for the person who chose the file."""
    if holds_identity_number(document):
        raise DocumentError(_("The file holds a personal identity number; it was not read."))
    try:
        with acting_as(label=f"configuration:{label}"), transaction.atomic():
            return ConfigurationLoader(document).run()
    except KeyError as error:
        raise DocumentError(
            _("The file refers to %(key)s, which it does not hold.") % {"key": error}
        ) from error
    except (ValidationError, IntegrityError, DataError, ValueError, TypeError, OverflowError) as error:
        raise DocumentError(
            _("The file could not be loaded: %(error)s") % {"error": _message(error)}
        ) from error


def _message(error: Exception) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


# --- a municipality sets itself up -------------------------------------------------


@transaction.atomic
def municipality_create(
    *, known: KnownMunicipality, name: str, administration: str, administrator: User, by: User
) -> Municipality:
    """A municipality from the national list, with its administration, the
    police region that serves it and its first administrator (invited, no
    password yet)."""
    if Municipality.objects.filter(code=known.code).exists():
        raise ValidationError({"code": _("%(name)s is already set up here.") % {"name": known.label}})
    municipality = Municipality(code=known.code, name=name or f"{known.name} kommun", place_name=known.name)
    municipality.full_clean()
    municipality.save()
    office = Organisation(
        municipality=municipality, kind=OrganisationKind.EXECUTIVE_OFFICE, name=administration
    )
    office.full_clean()
    office.save()
    region = Organisation.objects.create(
        municipality=municipality, kind=OrganisationKind.POLICE_REGION, name=known.police_region
    )
    municipality.police_region = region
    municipality.save(update_fields=["police_region"])
    MunicipalitySetup.objects.create(municipality=municipality, created_by=by)
    administrator.organisation = office
    administrator.role = Role.ADMINISTRATOR
    person_add(user=administrator, organisations=[office], by=by)
    return municipality


def _setup(municipality: Municipality) -> MunicipalitySetup:
    setup, _created = MunicipalitySetup.objects.get_or_create(municipality=municipality)
    return setup


@transaction.atomic
def municipality_update(*, municipality: Municipality, name: str, place_name: str) -> Municipality:
    municipality.name = name
    municipality.place_name = place_name
    municipality.full_clean()
    municipality.save(update_fields=["name", "place_name"])
    return municipality


@transaction.atomic
def comparison_group_set(*, municipality: Municipality, codes: list[str]) -> MunicipalitySetup:
    setup = _setup(municipality)
    setup.comparison_group = codes
    setup.full_clean()
    setup.save(update_fields=["comparison_group"])
    return setup


@transaction.atomic
def subdivision_set(*, municipality: Municipality, subdivision: str, district_names: list[str]) -> int:
    """How the municipality is divided, and for districts of its own their
    names (new ones are added; existing ones stay). Returns how many were added."""
    setup = _setup(municipality)
    setup.subdivision = subdivision
    setup.full_clean()
    setup.save(update_fields=["subdivision"])
    added = 0
    if subdivision == Subdivision.DISTRICTS:
        taken = {slugify(a.name) for a in Area.objects.filter(municipality=municipality)}
        for name in district_names:
            code = slugify(name)[:50]
            if not code:
                raise ValidationError(
                    {"districts": _("'%(name)s' cannot be a district's name.") % {"name": name}}
                )
            if code in taken:
                continue
            area = Area(municipality=municipality, kind=AreaKind.DISTRICT, code=code, name=name)
            area.full_clean()
            area.save()
            taken.add(code)
            added += 1
    return added


@transaction.atomic
def organisation_add(*, organisation: Organisation) -> Organisation:
    if Organisation.objects.filter(
        municipality=organisation.municipality, name__iexact=organisation.name
    ).exists():
        raise ValidationError({"name": _("There is already an organisation of that name.")})
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def body_add(*, body: Body) -> Body:
    if Body.objects.filter(municipality=body.municipality, name__iexact=body.name).exists():
        raise ValidationError({"name": _("There is already a body of that name.")})
    body.full_clean()
    body.save()
    return body


@transaction.atomic
def coordination_set(
    *, municipality: Municipality, coordinator: Organisation, role: str, plan_body: Body
) -> MunicipalitySetup:
    setup = _setup(municipality)
    setup.coordinator = coordinator
    setup.coordinator_role = role
    setup.plan_body = plan_body
    setup.full_clean()
    setup.save()
    return setup


@dataclass
class PriorityAreaDraft:
    name: str
    goals: list[str]


@transaction.atomic
def agreement_create(
    *,
    municipality: Municipality,
    agreement: Agreement,
    version: AgreementVersion,
    parties: list[Organisation],
    areas: list[PriorityAreaDraft],
) -> Agreement:
    """A collaboration agreement covering the whole municipality, its first
    version, and its priority areas with their goals."""
    if Agreement.objects.filter(municipality=municipality, title__iexact=agreement.title).exists():
        raise ValidationError({"title": _("There is already an agreement with that title.")})
    if not areas:
        raise ValidationError(_("Name at least one priority area."))
    agreement.municipality = municipality
    agreement.scope = Scope.CENTRAL
    agreement.full_clean()
    agreement.save()
    version.agreement = agreement
    version.full_clean()
    version.save()
    version.parties.set(parties)
    for order, draft in enumerate(areas, start=1):
        area = PriorityArea(version=version, name=draft.name, order=order)
        area.full_clean()
        area.save()
        for goal_order, text in enumerate(draft.goals, start=1):
            goal = Goal(priority_area=area, order=goal_order, text=text)
            goal.full_clean()
            goal.save()
    return agreement
