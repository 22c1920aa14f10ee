"""A municipality's whole set-up as one document: what the loader reads and
the exporter writes, so a set-up moves between installations as a file.

The document is a dict of plain values (JSON as a file, dates as ISO text):

    municipality   code, name, place_name, police_region (an organisation key),
                   geometry and geometry_source (its boundary)
    council_goal   code, title
    areas          code, kind, name, valid_from, valid_to, example, geometry, geometry_source
    memberships    neighbourhood, district (area codes; the district's validity)
    successions    from (codes), to, date, kind, note, example
    organisations  key, kind, name, short_name, parent, committee, district, valid_from, valid_to, example
    agreements     key, title, scope, district, purpose, revision_interval_years, council_goal,
                   versions (label, parties, priority areas with goals, sections, annexes, ...)
    lineage        from, to (priority-area keys), kind, note, example
    indicators     code, name, description, source, filter, denominator, priority_areas, example
    checklist      observation categories, in order
    measure_kinds  code, name, description
    bodies         name, kind, agreement, parent (a body name), mandate, mandate_basis, seats, reports
    setup          subdivision, coordinator (an organisation key), coordinator_role,
                   plan_body (a body name), comparison_group (municipality codes)

A configuration folder of TOML files (stockholm/) is read into the same
document (read_folder), so Stockholm loads through the same path as an
uploaded set-up. Keys in an exported document are made from names and
labels, not database ids: exporting, importing elsewhere and exporting
again gives the same document.
"""

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from samverkan.agreements.models import Agreement, AgreementVersion, PriorityArea, PriorityAreaLineage
from samverkan.configurations.loader import neighbourhood_display_name, read_config_file
from samverkan.configurations.models import MunicipalitySetup
from samverkan.core.personal_data import PERSONAL_DATA_MESSAGE, find_identity_numbers_in
from samverkan.datasources.models import ObservationCategory
from samverkan.governance.models import Body
from samverkan.indicators.models import Indicator
from samverkan.organisations.models import (
    Area,
    AreaKind,
    AreaMembership,
    AreaSuccession,
    Municipality,
    Organisation,
    OrganisationKind,
)
from samverkan.plans.models import MeasureKind

FORMAT = "samverkan-setup"
VERSION = 1
DATE_KEYS = frozenset({"valid_from", "valid_to", "decided_on", "date", "first_due"})
SECTIONS = (
    "areas",
    "memberships",
    "successions",
    "organisations",
    "agreements",
    "lineage",
    "indicators",
    "checklist",
    "measure_kinds",
    "bodies",
)


class DocumentError(ValueError):
    """A set-up file that cannot be read; the message says why."""


# --- a folder of TOML files --------------------------------------------------------


def read_folder(folder: Path, *, neighbourhood_file: Path | None = None) -> dict[str, Any]:
    """A configuration folder as one set-up document. District committees and
    administrations are derived from the districts' genitive names;
    neighbourhoods from the districts' lists, with their shapes from
    `neighbourhood_file` where given."""
    config = read_config_file(folder, "municipality.toml")
    geography = config.get("geography", {})
    neighbourhood_shapes: dict[str, Any] = {}
    if neighbourhood_file is not None:
        collection = json.loads(neighbourhood_file.read_text(encoding="utf-8"))
        neighbourhood_shapes = {f["properties"]["name"]: f["geometry"] for f in collection["features"]}
    district_shapes: dict[str, Any] = {}
    district_file = folder / "district_areas.geojson"
    if district_file.exists():
        collection = json.loads(district_file.read_text(encoding="utf-8"))
        district_shapes = {f["properties"]["code"]: f["geometry"] for f in collection["features"]}

    areas: list[dict[str, Any]] = []
    memberships: list[dict[str, str]] = []
    derived: list[dict[str, Any]] = []
    neighbourhoods: dict[str, dict[str, Any]] = {}
    for district in config.get("districts", []):
        code = district["code"]
        item = {
            "code": code,
            "kind": AreaKind.DISTRICT.value,
            "name": district["name"],
            "valid_from": district.get("valid_from"),
            "valid_to": district.get("valid_to"),
            "example": district.get("example", False),
        }
        if code in district_shapes:
            item |= {
                "geometry": district_shapes[code],
                "geometry_source": geography.get("district_source", ""),
            }
        areas.append(item)
        for raw in district.get("neighbourhoods", []):
            neighbourhood_code = "n-" + raw.lower().replace(" ", "-")
            if neighbourhood_code not in neighbourhoods:
                neighbourhood = {
                    "code": neighbourhood_code,
                    "kind": AreaKind.NEIGHBOURHOOD.value,
                    "name": neighbourhood_display_name(raw),
                }
                if raw in neighbourhood_shapes:
                    neighbourhood |= {
                        "geometry": neighbourhood_shapes[raw],
                        "geometry_source": geography.get("neighbourhood_source", ""),
                    }
                neighbourhoods[neighbourhood_code] = neighbourhood
            memberships.append({"neighbourhood": neighbourhood_code, "district": code})
        validity = {
            "valid_from": district.get("valid_from"),
            "valid_to": district.get("valid_to"),
            "district": code,
            "example": district.get("example", False),
        }
        if "genitive" in district:
            derived += [
                {
                    "key": f"sdn-{code}",
                    "kind": OrganisationKind.COMMITTEE.value,
                    "name": f"{district['genitive']} stadsdelsnämnd",
                    **validity,
                },
                {
                    "key": f"sdf-{code}",
                    "kind": OrganisationKind.DISTRICT_ADMINISTRATION.value,
                    "name": f"{district['genitive']} stadsdelsförvaltning",
                    "committee": f"sdn-{code}",
                    **validity,
                },
            ]
    agreements = read_config_file(folder, "agreements.toml")
    return {
        "format": FORMAT,
        "version": VERSION,
        "municipality": config["municipality"],
        "council_goal": config.get("council_goal"),
        # Neighbourhoods first: a district's area list refers to them.
        "areas": [*neighbourhoods.values(), *areas],
        "memberships": memberships,
        "successions": config.get("successions", []),
        "organisations": read_config_file(folder, "organisations.toml").get("organisations", []) + derived,
        "agreements": agreements.get("agreements", []),
        "lineage": agreements.get("lineage", []),
        "indicators": read_config_file(folder, "indicators.toml").get("indicators", []),
        "checklist": read_config_file(folder, "checklist.toml").get("categories", []),
        "measure_kinds": read_config_file(folder, "measure_kinds.toml").get("kinds", []),
        "bodies": [],
    }


# --- the database -------------------------------------------------------------------


def _key(name: str) -> str:
    return slugify(name)[:80] or "x"


def _clean(item: dict[str, Any]) -> dict[str, Any]:
    """Without empty values: absent and empty mean the same to the loader."""
    return {k: v for k, v in item.items() if v not in (None, "", [], {}, False)}


def export_setup(municipality: Municipality) -> dict[str, Any]:
    """The municipality's whole set-up as a document the loader reads back."""
    orgs = list(Organisation.objects.filter(municipality=municipality).order_by("kind", "name", "pk"))
    org_key = {org.pk: _key(org.name) for org in orgs}
    areas = list(
        Area.objects.filter(municipality=municipality).order_by("kind", "valid_from", "code")
    )  # districts before neighbourhoods in the kind order; the loader needs none first
    area_code = {area.pk: area.code for area in areas}
    goal = municipality.councilgoal_set.order_by("code").first()
    agreements = list(
        Agreement.objects.filter(municipality=municipality).select_related("area").order_by("scope", "title")
    )
    agreement_key = {agreement.pk: _key(agreement.title) for agreement in agreements}
    keys = _Keys()
    versions = {
        agreement.pk: sorted(
            agreement.versions.all(), key=lambda v: (v.valid_from or dt.date.min, v.label, v.pk)
        )
        for agreement in agreements
    }
    # Every version, priority area, goal and section gets its key first: they refer to each other.
    for agreement in agreements:
        for version in versions[agreement.pk]:
            keys.add_version(version, f"{agreement_key[agreement.pk]}:{_key(version.label)}")
    priority_key = keys.priority_areas
    exported_agreements = [
        _clean(
            {
                "key": agreement_key[agreement.pk],
                "title": agreement.title,
                "scope": agreement.scope,
                "district": area_code.get(agreement.area_id or 0, ""),
                "purpose": agreement.purpose,
                "revision_interval_years": agreement.revision_interval_years,
                "council_goal": agreement.council_goal_id is not None,
                "versions": [_version(v, keys, org_key) for v in versions[agreement.pk]],
            }
        )
        for agreement in agreements
    ]
    lineage = [
        _clean(
            {
                "from": priority_key[link.from_area_id],
                "to": priority_key[link.to_area_id],
                "kind": link.kind,
                "note": link.note,
            }
        )
        # The loader takes a link for example content unless told otherwise.
        | {"example": link.is_example}
        for link in PriorityAreaLineage.objects.filter(
            from_area__version__agreement__municipality=municipality
        ).order_by("from_area__version__valid_from", "from_area__order", "to_area__order", "pk")
        if link.from_area_id in priority_key and link.to_area_id in priority_key
    ]
    return {
        "format": FORMAT,
        "version": VERSION,
        "municipality": _clean(
            {
                "code": municipality.code,
                "name": municipality.name,
                "place_name": municipality.place_name,
                "police_region": org_key.get(municipality.police_region_id or 0, ""),
                "geometry": municipality.geometry,
                "geometry_source": municipality.geometry_source,
            }
        ),
        "council_goal": {"code": goal.code, "title": goal.title} if goal else None,
        "areas": [
            _clean(
                {
                    "code": area.code,
                    "kind": area.kind,
                    "name": area.name,
                    "valid_from": area.valid_from,
                    "valid_to": area.valid_to,
                    "example": area.is_example,
                    "geometry": area.geometry,
                    "geometry_source": area.geometry_source,
                }
            )
            for area in sorted(
                areas, key=lambda a: (a.kind != AreaKind.NEIGHBOURHOOD, a.valid_from or dt.date.min, a.code)
            )
        ],
        "memberships": [
            {"neighbourhood": area_code[m.neighbourhood_id], "district": area_code[m.district_id]}
            for m in AreaMembership.objects.filter(district__municipality=municipality).order_by(
                "district__code", "neighbourhood__code"
            )
        ],
        "successions": _successions(municipality, area_code),
        "organisations": [
            _clean(
                {
                    "key": org_key[org.pk],
                    "kind": org.kind,
                    "name": org.name,
                    "short_name": org.short_name,
                    "parent": org_key.get(org.parent_id or 0, ""),
                    "committee": org_key.get(org.committee_id or 0, ""),
                    "district": area_code.get(org.area_id or 0, ""),
                    "valid_from": org.valid_from,
                    "valid_to": org.valid_to,
                    "example": org.is_example,
                }
            )
            for org in _parents_first(orgs, lambda o: (o.parent_id, o.committee_id))
        ],
        "agreements": exported_agreements,
        "lineage": lineage,
        "indicators": [
            _clean(
                {
                    "code": indicator.code,
                    "name": indicator.name,
                    "description": indicator.description,
                    "source": indicator.source,
                    "filter": indicator.source_filter,
                    "denominator": indicator.denominator,
                    "priority_areas": sorted(
                        priority_key[pk]
                        for pk in indicator.priority_areas.values_list("pk", flat=True)
                        if pk in priority_key
                    ),
                }
            )
            # The loader takes an indicator for example content unless told otherwise.
            | {"example": indicator.is_example}
            for indicator in Indicator.objects.filter(municipality=municipality).order_by("code")
        ],
        "checklist": list(
            ObservationCategory.objects.filter(municipality=municipality)
            .order_by("order", "name")
            .values_list("name", flat=True)
        ),
        "measure_kinds": [
            _clean({"code": kind.code, "name": kind.name, "description": kind.description})
            for kind in MeasureKind.objects.filter(municipality=municipality).order_by("order", "code")
        ],
        "bodies": _bodies(municipality, agreement_key, org_key),
        "setup": _setup(municipality, org_key),
    }


def _setup(municipality: Municipality, org_key: dict[int, str]) -> dict[str, Any]:
    setup = MunicipalitySetup.objects.filter(municipality=municipality).select_related("plan_body").first()
    if setup is None:
        return {}
    return _clean(
        {
            "subdivision": setup.subdivision,
            "coordinator": org_key.get(setup.coordinator_id or 0, ""),
            "coordinator_role": setup.coordinator_role,
            "plan_body": setup.plan_body.name if setup.plan_body else "",
            "comparison_group": setup.comparison_group,
        }
    )


def _parents_first(rows: list[Any], refers_to: Callable[[Any], tuple[int | None, ...]]) -> list[Any]:
    """Every row after the rows of the list it refers to (organisations to their parent and
    committee, bodies to theirs), so one pass loads them; a loop is cut where it closes."""
    within = {row.pk for row in rows}
    placed: list[Any] = []
    done: set[int] = set()
    pending = list(rows)
    while pending:
        ready = [
            row
            for row in pending
            if all(ref is None or ref in done or ref not in within for ref in refers_to(row))
        ] or pending[:1]
        for row in ready:
            placed.append(row)
            done.add(row.pk)
            pending.remove(row)
    return placed


def _successions(municipality: Municipality, area_code: dict[int, str]) -> list[dict[str, Any]]:
    grouped: dict[tuple, list[str]] = {}
    for succession in AreaSuccession.objects.filter(successor__municipality=municipality).order_by(
        "date", "successor__code", "predecessor__code"
    ):
        key = (
            area_code[succession.successor_id],
            succession.date,
            succession.kind,
            succession.note,
            succession.is_example,
        )
        grouped.setdefault(key, []).append(area_code[succession.predecessor_id])
    return [
        _clean({"from": codes, "to": to, "date": date, "kind": kind, "note": note, "example": example})
        for (to, date, kind, note, example), codes in grouped.items()
    ]


class _Keys:
    """Keys for versions, priority areas, goals and sections, from labels and
    positions (as the loader numbers them), never from database ids."""

    def __init__(self) -> None:
        self.versions: dict[int, str] = {}
        self.priority_areas: dict[int, str] = {}
        self.goals: dict[int, str] = {}
        self.sections: dict[int, str] = {}

    def add_version(self, version: AgreementVersion, key: str) -> None:
        self.versions[version.pk] = key
        for position, area in enumerate(version.priority_areas.order_by("order", "pk"), start=1):
            self.priority_areas[area.pk] = f"{key}:{position}"
            for goal_position, goal in enumerate(area.goals.order_by("order", "pk"), start=1):
                self.goals[goal.pk] = f"{key}:{position}:{goal_position}"
        for position, section in enumerate(version.sections.order_by("order", "pk"), start=1):
            self.sections[section.pk] = f"{key}:s{position}"


def _version(version: AgreementVersion, keys: _Keys, org_key: dict[int, str]) -> dict[str, Any]:
    return _clean(
        {
            "key": keys.versions[version.pk],
            "label": version.label,
            "case_number": version.case_number,
            "valid_from": version.valid_from,
            "valid_to": version.valid_to,
            "valid_from_precision": ""
            if version.valid_from_precision == "day"
            else version.valid_from_precision,
            "decided_on": version.decided_on,
            "decided_by": version.decided_by,
            "supersedes": keys.versions.get(version.supersedes_id or 0, ""),
            "summary": version.summary,
            "source": version.source,
            "example": version.is_example,
            "parties": sorted(org_key[pk] for pk in version.parties.values_list("pk", flat=True)),
            "annexes": [
                {"number": a.number, "title": a.title, "kind": a.kind}
                for a in version.annexes.order_by("number")
            ],
            "mandatory_categories": list(
                version.mandatory_categories.order_by("pk").values_list("name", flat=True)
            ),
            "areas": [_priority_area(area, keys) for area in version.priority_areas.order_by("order", "pk")],
            "sections": [
                _clean(
                    {
                        "key": keys.sections[section.pk],
                        "heading": section.heading,
                        "body": section.body,
                        "from": keys.sections.get(section.predecessor_id or 0, ""),
                        "source": section.source,
                        "example": section.is_example,
                    }
                )
                for section in version.sections.order_by("order", "pk")
            ],
        }
    )


def _priority_area(area: PriorityArea, keys: _Keys) -> dict[str, Any]:
    return _clean(
        {
            "key": keys.priority_areas[area.pk],
            "name": area.name,
            "description": area.description,
            "local": area.is_local_priority,
            "retirement_note": area.retirement_note,
            "example": area.is_example,
            "addresses": sorted(
                keys.priority_areas[pk]
                for pk in area.addresses.values_list("pk", flat=True)
                if pk in keys.priority_areas
            ),
            "categories": sorted(area.categories.values_list("name", flat=True)),
            # A goal is its text, or its text and the goal it continues.
            "goals": [
                _clean({"text": goal.text, "from": keys.goals.get(goal.predecessor_id or 0, "")})
                for goal in area.goals.order_by("order", "pk")
            ],
        }
    )


def _bodies(
    municipality: Municipality, agreement_key: dict[int, str], org_key: dict[int, str]
) -> list[dict[str, Any]]:
    bodies = list(Body.objects.filter(municipality=municipality).select_related("parent").order_by("name"))
    ordered: list[Body] = _parents_first(bodies, lambda b: (b.parent_id,))
    return [
        _clean(
            {
                "name": body.name,
                "kind": body.kind,
                "agreement": agreement_key.get(body.agreement_id or 0, ""),
                "parent": body.parent.name if body.parent else "",
                "mandate": body.mandate,
                "mandate_basis": body.mandate_basis,
                "example": body.is_example,
                "seats": [
                    _clean(
                        {
                            "org": org_key[seat.organisation_id],
                            "role": seat.role_title,
                            "count": seat.count if seat.count != 1 else None,
                            "chair": seat.is_chair,
                        }
                    )
                    for seat in body.seats.order_by("-is_chair", "organisation__name", "role_title", "pk")
                ],
                "reports": [
                    {
                        "to": org_key[duty.committee_id],
                        "subject": duty.subject,
                        "frequency": duty.frequency,
                        "first_due": duty.first_due,
                    }
                    for duty in body.reporting_duties.order_by("first_due", "subject", "pk")
                ],
            }
        )
        for body in ordered
    ]


# --- the file -----------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not part of a set-up document")


def dumps(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1, default=_plain).encode("utf-8")


def _dates(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _dates(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates(v, key) for v in value]
    if key in DATE_KEYS and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError as error:
            raise DocumentError(
                _("'%(value)s' in '%(key)s' is not a date (YYYY-MM-DD).") % {"value": value, "key": key}
            ) from error
    return value


# A set-up document is a municipality's description: a few thousand items and
# a boundary or two. These bounds keep what a file can make the parser build
# (each list or table costs memory whatever its size on disk) well within a
# worker's memory, and its nesting within what is read without recursion limits.
MAX_DEPTH = 40
MAX_CONTAINERS = 2_000_000
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _check_shape(data: bytes) -> None:
    """Refuse a document nested too deep or made of too many lists and tables,
    before the parser builds any of it."""
    depth = containers = 0
    for token in _TOKENS.finditer(data):
        bracket = token.group()
        if bracket in (b"[", b"{"):
            depth += 1
            containers += 1
            if depth > MAX_DEPTH:
                raise DocumentError(
                    _("The file nests lists and tables more than %(max)s levels deep.") % {"max": MAX_DEPTH}
                )
            if containers > MAX_CONTAINERS:
                raise DocumentError(
                    _("The file holds more than %(max)s lists and tables; a set-up file holds far fewer.")
                    % {"max": f"{MAX_CONTAINERS:,}".replace(",", " ")}
                )
        elif bracket in (b"]", b"}"):
            depth -= 1


def loads(data: bytes) -> dict[str, Any]:
    """A set-up file as a document, or DocumentError saying what is wrong with it."""
    _check_shape(data)
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise DocumentError(_("The file is not UTF-8 text.")) from error
    except json.JSONDecodeError as error:
        raise DocumentError(
            _("The file is not complete JSON (line %(line)s: %(msg)s).")
            % {"line": error.lineno, "msg": error.msg}
        ) from error
    except RecursionError as error:
        raise DocumentError(
            _("The file nests lists and tables more than %(max)s levels deep.") % {"max": MAX_DEPTH}
        ) from error
    found = next(iter(find_identity_numbers_in(document)), None)
    if found is not None:
        raise DocumentError(PERSONAL_DATA_MESSAGE % {"number": found.masked})
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise DocumentError(_("The file is not a Samverkan set-up export."))
    if document.get("version") != VERSION:
        raise DocumentError(
            _("The file is of set-up version %(version)s; this installation reads version %(ours)s.")
            % {"version": document.get("version"), "ours": VERSION}
        )
    municipality = document.get("municipality")
    if not isinstance(municipality, dict) or not str(municipality.get("code", "")).isdigit():
        raise DocumentError(_("The file names no municipality code."))
    for section in SECTIONS:
        if not isinstance(document.get(section, []), list):
            raise DocumentError(_("'%(section)s' should be a list.") % {"section": section})
    if not isinstance(document.get("setup") or {}, dict):
        raise DocumentError(_("'%(section)s' should be a table.") % {"section": "setup"})
    result: dict[str, Any] = _dates(document)
    return result
