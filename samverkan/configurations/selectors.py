"""Where a municipality stands in setting itself up: the guided steps, each
done or not, read from what exists."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from samverkan.accounts.models import Role, User
from samverkan.agreements.models import Agreement, Goal
from samverkan.configurations.models import MunicipalitySetup
from samverkan.governance.models import Body, BodyKind
from samverkan.organisations.models import (
    POLICE_KINDS,
    Area,
    AreaKind,
    Municipality,
    Organisation,
    Subdivision,
)


@dataclass
class Step:
    key: str
    title: str
    done: bool
    summary: str
    url: str  # a URL name of this app, or of the page where the step is done


def setup_of(municipality: Municipality) -> MunicipalitySetup:
    """The municipality's set-up decisions (an unsaved empty one if it has made none)."""
    return MunicipalitySetup.objects.filter(municipality=municipality).first() or MunicipalitySetup(
        municipality=municipality
    )


def sub_areas(municipality: Municipality, subdivision: str) -> list[Area]:
    kind = AreaKind.DISTRICT if subdivision == Subdivision.DISTRICTS else AreaKind.NEIGHBOURHOOD
    return list(Area.objects.filter(municipality=municipality, kind=kind).order_by("name"))


def setup_steps(municipality: Municipality) -> list[Step]:
    setup = setup_of(municipality)
    organisations = Organisation.objects.filter(municipality=municipality)
    municipal = organisations.exclude(kind__in=POLICE_KINDS).count()
    police = organisations.filter(kind__in=POLICE_KINDS).count()
    people = User.objects.filter(organisation__municipality=municipality, is_active=True)
    roles = set(people.values_list("role", flat=True))
    bodies = Body.objects.filter(municipality=municipality)
    areas = sub_areas(municipality, setup.subdivision) if setup.subdivision else []
    goals = Goal.objects.filter(priority_area__version__agreement__municipality=municipality).count()
    agreements = Agreement.objects.filter(municipality=municipality).annotate(
        areas=Count("versions__priority_areas")
    )
    return [
        Step(
            "municipality",
            str(_("The municipality")),
            True,
            f"{municipality.code} {municipality.name}",
            "setup:municipality",
        ),
        Step(
            "boundary",
            str(_("Its boundary")),
            municipality.geometry is not None,
            str(municipality.geometry_source or _("No boundary yet: load a national boundary file.")),
            "setup:boundary",
        ),
        Step(
            "areas",
            str(_("Sub-areas")),
            setup.subdivision == Subdivision.NONE or bool(areas),
            str(setup.get_subdivision_display()) + (f": {len(areas)}" if areas else "")
            if setup.subdivision
            else str(_("Not chosen yet.")),
            "setup:areas",
        ),
        Step(
            "organisations",
            str(_("Organisations")),
            municipal > 0 and police > 0,
            str(
                _("%(municipal)s of the municipality, %(police)s of the police")
                % {"municipal": municipal, "police": police}
            ),
            "setup:organisations",
        ),
        Step(
            "people",
            str(_("People and roles")),
            Role.ADMINISTRATOR in roles and Role.POLICE_CONTACT in roles and len(roles) > 2,
            str(_("%(n)s people") % {"n": people.count()}),
            "setup:people",
        ),
        Step(
            "bodies",
            str(_("Bodies")),
            bodies.filter(
                kind__in=[BodyKind.CRIME_PREVENTION_COUNCIL, BodyKind.CENTRAL_STEERING_GROUP]
            ).exists(),
            ", ".join(bodies.values_list("name", flat=True)) or str(_("None yet.")),
            "setup:bodies",
        ),
        Step(
            "coordination",
            str(_("Coordinating function")),
            bool(setup.coordinator_id and setup.coordinator_role and setup.plan_body_id),
            f"{setup.coordinator_role}, {setup.coordinator}"
            if setup.coordinator_id
            else str(_("Not named yet.")),
            "setup:coordination",
        ),
        Step(
            "agreement",
            str(_("The first agreement")),
            agreements.filter(~Q(areas=0)).exists() and goals > 0,
            _agreements_summary(list(agreements)),
            "setup:agreement",
        ),
    ]


def _agreements_summary(agreements: list[Agreement]) -> str:
    """The agreements covering the whole municipality by title; the districts' by number."""
    if not agreements:
        return str(_("None yet."))
    whole = [a.title for a in agreements if a.area_id is None]
    local = len(agreements) - len(whole)
    if not local:
        return ", ".join(whole)
    return str(_("%(titles)s and %(n)s local agreements") % {"titles": ", ".join(whole) or "–", "n": local})
