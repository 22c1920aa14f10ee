"""Reads a municipality's configuration (TOML files in a folder beside this
module) into the database. Idempotent: loading twice changes nothing, and
every change it does make goes through the audit log as "configuration"."""

import datetime as dt
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from samverkan.agreements.models import (
    Agreement,
    AgreementVersion,
    Annex,
    CouncilGoal,
    Goal,
    MandatoryCategory,
    PriorityArea,
    PriorityAreaLineage,
    Scope,
    TextSection,
)
from samverkan.configurations.models import MunicipalitySetup
from samverkan.datasources.models import ObservationCategory
from samverkan.governance.models import Body, ReportingDuty, Seat
from samverkan.indicators.models import Indicator
from samverkan.organisations.models import (
    Area,
    AreaKind,
    AreaMembership,
    AreaSuccession,
    Municipality,
    Organisation,
    OrganisationKind,
    Subdivision,
)
from samverkan.plans.models import MeasureKind

CONFIGURATIONS = Path(__file__).resolve().parent


def _chain_end(data: dict, versions_data) -> dt.date | None:
    """A version's last day: its own end, or the day before the version that
    supersedes it starts (the chain of versions has no overlaps)."""
    ends = [data["valid_to"]] if data.get("valid_to") else []
    ends += [
        later["valid_from"] - dt.timedelta(days=1)
        for later in versions_data
        if later.get("supersedes") == data.get("key") and later.get("valid_from")
    ]
    return min(ends) if ends else None


class ConfigurationError(Exception):
    pass


@dataclass
class LoadReport:
    municipality: Municipality | None = None
    neighbourhood_geometries: int = 0
    district_geometries: int = 0
    notes: list[str] = field(default_factory=list)


def available() -> list[str]:
    return sorted(p.name for p in CONFIGURATIONS.iterdir() if (p / "municipality.toml").exists())


def read_config_file(folder: Path, name: str) -> dict:
    path = folder / name
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def neighbourhood_display_name(raw: str) -> str:
    """'HÄSSELBY GÅRD' → 'Hässelby gård' (names in the open data are upper case)."""
    return raw[:1].upper() + raw[1:].lower() if raw.isupper() else raw


def default_neighbourhood_file(name: str) -> Path | None:
    """The neighbourhood polygons to load: the file the settings name, else the
    one the configuration ships (`[geography] neighbourhoods`), where it exists."""
    configured = getattr(settings, "SAMVERKAN_NEIGHBOURHOOD_GEOJSON", "")
    candidates = [Path(configured)] if configured else []
    folder = CONFIGURATIONS / name
    shipped = read_config_file(folder, "municipality.toml").get("geography", {}).get("neighbourhoods")
    if shipped:
        candidates.append(folder / shipped)
    return next((p for p in candidates if p.exists()), None)


def _saved[M: models.Model](model: type[M], *, defaults: dict | None = None, **lookup) -> tuple[M, bool]:
    """`update_or_create` that validates what it writes (a document from
    elsewhere may hold a kind that does not exist, a name longer than the
    field, a number no field can take): the row found by `lookup` (or a new
    one) with `defaults` set, cleaned and saved, else a ValidationError naming
    the item."""
    instance = model._default_manager.filter(**lookup).first()
    created = instance is None
    if instance is None:
        instance = model(**lookup)
    for name, value in (defaults or {}).items():
        setattr(instance, name, value)
    try:
        instance.full_clean(validate_unique=False)  # the lookup is the identity; the database keeps it unique
    except ValidationError as error:
        label = str(
            lookup.get("name") or lookup.get("code") or lookup.get("title") or lookup.get("label") or ""
        )
        raise ValidationError(
            f"{model._meta.verbose_name} {label[:60]!r}: " + " ".join(error.messages)
        ) from error
    instance.save()
    return instance, created


class ConfigurationLoader:
    """A municipality's set-up (one document: see configurations.document)
    into the database: areas, organisations, agreements, indicators,
    checklist, forms of joint work and bodies."""

    def __init__(self, document: dict, *, folder: Path | None = None):
        self.document = document
        self.folder = folder
        self.report = LoadReport()
        self.orgs: dict[str, Organisation] = {}
        self.areas: dict[str, Area] = {}
        self.priority_areas: dict[str, PriorityArea] = {}
        self.goals: dict[str, Goal] = {}
        self.sections: dict[str, TextSection] = {}
        self.agreements: dict[str, Agreement] = {}
        self.council_goal: CouncilGoal | None = None

    def run(self) -> LoadReport:
        document = self.document
        self._municipality(document)
        self._areas(document)
        self._organisations(document)
        self._agreements(document)
        self._indicators(document)
        self._checklist(document)
        self._measure_kinds(document)
        self._bodies(document.get("bodies", []))
        self._setup(document.get("setup") or {})
        return self.report

    def _setup(self, data: dict) -> None:
        """The municipality's set-up decisions; without them, its sub-areas follow from its areas."""
        setup, _created = MunicipalitySetup.objects.get_or_create(municipality=self.municipality)
        kinds = set(Area.objects.filter(municipality=self.municipality).values_list("kind", flat=True))
        setup.subdivision = (
            data.get("subdivision")
            or setup.subdivision
            or (Subdivision.DISTRICTS if AreaKind.DISTRICT in kinds else "")
        )
        if "coordinator" in data:
            setup.coordinator = self.orgs[data["coordinator"]]
        setup.coordinator_role = data.get("coordinator_role", setup.coordinator_role)
        if "plan_body" in data:
            setup.plan_body = Body.objects.get(municipality=self.municipality, name=data["plan_body"])
        setup.comparison_group = data.get("comparison_group", setup.comparison_group)
        setup.full_clean()
        setup.save()

    # --- municipality and areas -------------------------------------------------

    def _municipality(self, document: dict) -> None:
        data = document["municipality"]
        defaults = {"name": data["name"], "place_name": data.get("place_name", "")}
        if data.get("geometry"):  # as for areas: a document without a boundary keeps the one there is
            defaults |= {"geometry": data["geometry"], "geometry_source": data.get("geometry_source", "")}
        self.municipality, _ = _saved(Municipality, code=data["code"], defaults=defaults)
        self.report.municipality = self.municipality
        goal = document.get("council_goal")
        if goal:
            self.council_goal, _ = _saved(
                CouncilGoal,
                municipality=self.municipality,
                code=goal["code"],
                defaults={"title": goal["title"]},
            )

    def _areas(self, document: dict) -> None:
        for item in document.get("areas", []):
            defaults = {
                "kind": item["kind"],
                "name": item["name"],
                "valid_from": item.get("valid_from"),
                "valid_to": item.get("valid_to"),
                "is_example": item.get("example", False),
            }
            if item.get("geometry"):
                defaults |= {"geometry": item["geometry"], "geometry_source": item.get("geometry_source", "")}
                if item["kind"] == AreaKind.DISTRICT:
                    self.report.district_geometries += 1
                else:
                    self.report.neighbourhood_geometries += 1
            area, _ = _saved(Area, municipality=self.municipality, code=item["code"], defaults=defaults)
            self.areas[item["code"]] = area
        for item in document.get("memberships", []):
            district = self.areas[item["district"]]
            _saved(
                AreaMembership,
                neighbourhood=self.areas[item["neighbourhood"]],
                district=district,
                defaults={"valid_from": district.valid_from, "valid_to": district.valid_to},
            )
        for succession in document.get("successions", []):
            for code in succession["from"]:
                _saved(
                    AreaSuccession,
                    predecessor=self.areas[code],
                    successor=self.areas[succession["to"]],
                    defaults={
                        "date": succession["date"],
                        "kind": succession["kind"],
                        "note": succession.get("note", ""),
                        "is_example": succession.get("example", False),
                    },
                )

    # --- organisations ----------------------------------------------------------

    def _org(self, key: str, **fields) -> Organisation:
        org, _ = _saved(
            Organisation, municipality=self.municipality, name=fields.pop("name"), defaults=fields
        )
        self.orgs[key] = org
        return org

    def _organisations(self, document: dict) -> None:
        for item in document.get("organisations", []):
            self._org(
                item["key"],
                name=item["name"],
                kind=item["kind"],
                short_name=item.get("short_name", ""),
                is_example=item.get("example", False),
                parent=self.orgs.get(item.get("parent", "")),
                committee=self.orgs.get(item.get("committee", "")),
                area=self.areas.get(item.get("district", "")),
                valid_from=item.get("valid_from"),
                valid_to=item.get("valid_to"),
            )
        region_key = document["municipality"].get("police_region")
        if region_key in self.orgs:
            self.municipality.police_region = self.orgs[region_key]
            self.municipality.save()

    def _police_area(self, key: str | None, district_code: str) -> Organisation:
        key = key or f"lpo-{district_code}"
        if key not in self.orgs:
            area = self.areas[district_code]
            self._org(
                key,
                name=f"Lokalpolisområde {area.name}",
                kind=OrganisationKind.POLICE_AREA,
                short_name=f"LPO {area.name}",
                parent=self.municipality.police_region,
                area=area,
                is_example=True,
            )
        return self.orgs[key]

    # --- agreements -------------------------------------------------------------

    def _agreements(self, document: dict) -> None:
        versions: dict[str, AgreementVersion] = {}
        for item in document.get("agreements", []):
            agreement, _ = _saved(
                Agreement,
                municipality=self.municipality,
                title=item["title"],
                defaults={
                    "scope": item["scope"],
                    "area": self.areas.get(item.get("district", "")),
                    "revision_interval_years": item.get("revision_interval_years"),
                    "council_goal": self.council_goal if item.get("council_goal") else None,
                    "purpose": item.get("purpose", ""),
                },
            )
            self.agreements[item["key"]] = agreement
            for data in item.get("versions", []):
                versions[data["key"]] = self._version(agreement, data, versions, item.get("versions", []))
        for link in document.get("lineage", []):
            _saved(
                PriorityAreaLineage,
                from_area=self.priority_areas[link["from"]],
                to_area=self.priority_areas[link["to"]],
                defaults={
                    "kind": link["kind"],
                    "note": link.get("note", ""),
                    "is_example": link.get("example", True),
                },
            )

    def _version(
        self, agreement: Agreement, data: dict, known: dict, versions_data: Sequence[dict] = ()
    ) -> AgreementVersion:
        version, _ = _saved(
            AgreementVersion,
            agreement=agreement,
            label=data["label"],
            defaults={
                "case_number": data.get("case_number", ""),
                "valid_from": data.get("valid_from"),
                "valid_to": _chain_end(data, versions_data),
                "valid_from_precision": data.get("valid_from_precision", "day"),
                "decided_on": data.get("decided_on"),
                "decided_by": data.get("decided_by", ""),
                "supersedes": known.get(data.get("supersedes", "")),
                "drafted_from": known.get(data.get("supersedes", "")),
                "summary": data.get("summary", ""),
                "source": data.get("source", ""),
                "is_example": data.get("example", False),
            },
        )
        version.full_clean()
        version.parties.set([self.orgs[key] for key in data.get("parties", [])])
        for annex in data.get("annexes", []):
            _saved(
                Annex,
                version=version,
                number=annex["number"],
                defaults={"title": annex["title"], "kind": annex.get("kind", "other")},
            )
        categories = {}
        for name in data.get("mandatory_categories", []):
            categories[name], _ = MandatoryCategory.objects.get_or_create(version=version, name=name)
        for order, area_data in enumerate(data.get("areas", []), start=1):
            self._priority_area(version, area_data, order)
        for order, section in enumerate(data.get("sections", []), start=1):
            text_section, _ = _saved(
                TextSection,
                version=version,
                heading=section["heading"],
                defaults={
                    "body": section["body"].strip(),
                    "order": order,
                    "predecessor": self.sections.get(section.get("from", "")),
                    "source": section.get("source", ""),
                    "is_example": section.get("example", False),
                },
            )
            if "key" in section:
                self.sections[section["key"]] = text_section
        return version

    def _priority_area(self, version: AgreementVersion, data: dict, order: int) -> PriorityArea:
        example = data.get("example", False)
        area, _ = _saved(
            PriorityArea,
            version=version,
            name=data["name"],
            defaults={
                "description": data.get("description", ""),
                "order": order,
                "is_local_priority": data.get("local", False),
                "retirement_note": data.get("retirement_note", ""),
                "is_example": example,
            },
        )
        area.addresses.set([self.priority_areas[key] for key in data.get("addresses", [])])
        area.categories.set(
            MandatoryCategory.objects.filter(
                name__in=data.get("categories", []),
                version__agreement__municipality=self.municipality,
                version__agreement__scope=Scope.CENTRAL,
            )
        )
        for goal_order, goal_data in enumerate(data.get("goals", []), start=1):
            # A goal is its text, or a table with the goal it continues ("area-key:number").
            if isinstance(goal_data, str):
                goal_data = {"text": goal_data}
            # Goal texts beyond what the seeds state are example content.
            goal, _ = _saved(
                Goal,
                priority_area=area,
                order=goal_order,
                defaults={
                    "text": goal_data["text"],
                    "predecessor": self.goals.get(goal_data.get("from", "")),
                    "is_example": True,
                },
            )
            if "key" in data:
                self.goals[f"{data['key']}:{goal_order}"] = goal
        if "key" in data:
            self.priority_areas[data["key"]] = area
        return area

    def _bodies(self, items: list[dict]) -> None:
        bodies: dict[str, Body] = {}
        for item in items:
            body, _ = _saved(
                Body,
                municipality=self.municipality,
                name=item["name"],
                defaults={
                    "kind": item["kind"],
                    "mandate": item.get("mandate", ""),
                    "mandate_basis": item.get("mandate_basis", ""),
                    "is_example": item.get("example", False),
                    "agreement": self.agreements.get(item.get("agreement", "")),
                    "parent": bodies.get(item.get("parent", "")),
                },
            )
            body.full_clean()
            bodies[item["name"]] = body
            for seat in item.get("seats", []):
                _saved(
                    Seat,
                    body=body,
                    organisation=self.orgs[seat["org"]],
                    role_title=seat["role"],
                    defaults={"count": seat.get("count", 1), "is_chair": seat.get("chair", False)},
                )
            for duty in item.get("reports", []):
                _saved(
                    ReportingDuty,
                    body=body,
                    committee=self.orgs[duty["to"]],
                    subject=duty["subject"],
                    defaults={"frequency": duty["frequency"], "first_due": duty["first_due"]},
                )

    def _checklist(self, document: dict) -> None:
        for order, name in enumerate(document.get("checklist", []), start=1):
            _saved(ObservationCategory, municipality=self.municipality, name=name, defaults={"order": order})

    def _measure_kinds(self, document: dict) -> None:
        for order, item in enumerate(document.get("measure_kinds", []), start=1):
            _saved(
                MeasureKind,
                municipality=self.municipality,
                code=item["code"],
                defaults={"name": item["name"], "description": item.get("description", ""), "order": order},
            )

    def _indicators(self, document: dict) -> None:
        for item in document.get("indicators", []):
            indicator, _ = _saved(
                Indicator,
                municipality=self.municipality,
                code=item["code"],
                defaults={
                    "name": item["name"],
                    "description": item.get("description", ""),
                    "source": item["source"],
                    "source_filter": item.get("filter", {}),
                    "denominator": item.get("denominator", "none"),
                    "is_example": item.get("example", True),
                },
            )
            indicator.priority_areas.set([self.priority_areas[key] for key in item.get("priority_areas", [])])


def police_key(police: Organisation, orgs: dict[str, Organisation]) -> str:
    return next(key for key, org in orgs.items() if org.pk == police.pk)
