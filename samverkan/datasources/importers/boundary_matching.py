"""Which feature of a boundary file is which configured area, whatever the
file calls its fields.

Real files name their areas in fields of their own ("Sdo_namn",
"STADSDELSOMRADE", "KnNamn" beside "KnKod" = "0180"). The fields are told
apart by their values, not their names: the name field is a text field,
one value per feature, whose values are the names of configured areas; a
code field holds codes (four-digit municipality codes, DeSO or RegSO codes)
or the configured areas' codes. A person may choose other fields on the
preview (ImportBatch.options `name_field`, `code_field`).

A file matches district areas, neighbourhoods, or municipalities (a national
file, whose feature for the configured municipality becomes its outline and
whose others are other municipalities), whichever it matches most.
"""

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import shapely
from django.apps import apps
from django.utils.formats import number_format
from pyproj import Geod
from shapely.geometry import mapping, shape

from samverkan.accounts.models import Role
from samverkan.core.i18n import remembered as _  # messages kept in reports are shown in the reader's language
from samverkan.datasources.importers import ImportPlan, ParseResult, Row
from samverkan.datasources.models import ImportBatch
from samverkan.datasources.regions import municipality_names, normalise
from samverkan.organisations.models import Area, AreaKind, AreaMembership, Municipality, Subdivision

CODE_PATTERNS = {
    "municipality_code": re.compile(r"^\d{4}$"),
    "deso": re.compile(r"^\d{4}[A-C]\d{4}$", re.IGNORECASE),
    "regso": re.compile(r"^\d{4}R\d{3}$", re.IGNORECASE),
}
SAMPLES = 3
MUNICIPALITIES = "municipality"


def code_kind_label(kind: str) -> str:
    return {
        "municipality_code": _("municipality code"),
        "deso": _("DeSO code"),
        "regso": _("RegSO code"),
    }.get(kind, "")


@dataclass
class Field:
    """One attribute of the file, with each feature's value as text."""

    name: str
    values: list[str]

    @property
    def filled(self) -> list[str]:
        return [v for v in self.values if v]

    @property
    def unique(self) -> bool:
        return len(set(self.values)) == len(self.values) and all(self.values)

    @property
    def numeric(self) -> bool:
        try:
            return bool(self.filled) and all(float(v.replace(",", ".")) is not None for v in self.filled)
        except ValueError:
            return False

    @property
    def code_kind(self) -> str:
        """A known kind of code when every value is one."""
        filled = self.filled
        for kind, pattern in CODE_PATTERNS.items():
            if filled and all(pattern.match(v) for v in filled):
                return kind
        return ""

    @property
    def samples(self) -> list[str]:
        seen: list[str] = []
        for value in self.filled:
            if value not in seen:
                seen.append(value)
            if len(seen) == SAMPLES:
                break
        return seen


def fields_of(rows: list[Row]) -> list[Field]:
    """The file's fields in their order, a value (perhaps empty) for every feature."""
    names: list[str] = []
    for row in rows:
        names.extend(n for n in row.data["properties"] if n not in names)
    return [Field(n, [row.data["properties"].get(n, "") for row in rows]) for n in names]


@dataclass
class Target:
    """What a file's features may be: a kind of area, or municipalities."""

    kind: str
    by_name: dict[str, Any] = field(default_factory=dict)
    by_code: dict[str, Any] = field(default_factory=dict)

    def find(self, name: str, code: str) -> Any:
        if code and code in self.by_code:
            return self.by_code[code]
        return self.by_name.get(normalise(name)) if name else None

    @property
    def label(self) -> str:
        labels: dict[str, str] = {
            AreaKind.DISTRICT: _("district committee areas"),
            AreaKind.NEIGHBOURHOOD: _("neighbourhoods"),
        }
        return labels.get(self.kind, _("municipalities"))


def targets(municipality: Municipality) -> list[Target]:
    found = [Target(kind) for kind in AreaKind.values]
    by_kind = {t.kind: t for t in found}
    # Current areas first, so a name used again after a reorganisation means the area of today.
    areas = Area.objects.filter(municipality=municipality).order_by("valid_to", "valid_from")
    for area in sorted(areas, key=lambda a: a.valid_to is None):
        target = by_kind[area.kind]
        target.by_name[normalise(area.name)] = area
        target.by_code[area.code] = area
    whole = Target(
        MUNICIPALITIES,
        by_name=dict.fromkeys(municipality_names(municipality), municipality),
        by_code={municipality.code: municipality},
    )
    return [*found, whole]


def _name_score(field: Field, target: Target) -> int:
    return sum(normalise(v) in target.by_name for v in field.filled)


def _code_score(field: Field, target: Target) -> int:
    return sum(v in target.by_code for v in field.filled)


@dataclass
class Choice:
    name_field: str | None
    code_field: str | None
    guessed: bool


def choose_fields(fields: list[Field], found: list[Target], options: dict[str, Any]) -> Choice:
    """The person's choice where there is one, else a guess from the values."""
    names = {f.name for f in fields}
    chosen_name = options.get("name_field")
    chosen_code = options.get("code_field")
    text = [f for f in fields if not f.numeric and not f.code_kind]

    if chosen_name in names:
        name_field: str | None = chosen_name
    else:
        scored = [(max(_name_score(f, t) for t in found), f.unique, -i, f.name) for i, f in enumerate(text)]
        best = max(scored, default=None)
        if best is not None and best[0] > 0:
            name_field = best[3]
        else:
            # Nothing matches: the field that looks most like names, so the preview can say so.
            name_field = next((f.name for f in text if f.unique), text[0].name if text else None)

    if "code_field" in options and (chosen_code in names or chosen_code == ""):
        code_field: str | None = chosen_code or None
    else:
        # A code names one feature: a field with the same value on several (the county, the
        # municipality of a DeSO) is not the features' code.
        candidates = [(i, f) for i, f in enumerate(fields) if f.name != name_field and f.unique]
        scored_codes = [(max(_code_score(f, t) for t in found), -i, f.name) for i, f in candidates]
        best_code = max(scored_codes, default=None)
        if best_code is not None and best_code[0] > 0:
            code_field = best_code[2]
        else:
            code_field = next((f.name for _i, f in candidates if f.code_kind), None)
    guessed = not (chosen_name in names or "code_field" in options)
    return Choice(name_field, code_field, guessed)


def plan(batch: ImportBatch, parsed: ParseResult, remember: bool) -> ImportPlan:
    """New polygons for the configured areas (or the municipality) the
    features match by code or name; the rest are listed, never imported."""
    result = ImportPlan()
    fields = fields_of(parsed.rows)
    found = targets(batch.municipality)
    options = batch.options or {}
    for option in ("name_field", "code_field"):
        if options.get(option) and options[option] not in {f.name for f in fields}:
            parsed.error(
                None,
                _("The file has no field '%(field)s'; its fields are %(fields)s.")
                % {"field": options[option], "fields": ", ".join(f.name for f in fields) or "–"},
            )
    choice = choose_fields(fields, found, options)
    result.chosen = {"name_field": choice.name_field or "", "code_field": choice.code_field or ""}
    result.fields = [
        {
            "name": f.name,
            "samples": f.samples,
            "role": "name" if f.name == choice.name_field else "code" if f.name == choice.code_field else "",
            "kind": code_kind_label(f.code_kind),
        }
        for f in fields
    ]

    def keys(row: Row) -> tuple[str, str]:
        properties = row.data["properties"]
        return (
            properties.get(choice.name_field, "") if choice.name_field else "",
            properties.get(choice.code_field, "") if choice.code_field else "",
        )

    statistical = _statistical_areas(batch, fields, choice)
    if statistical:
        return _plan_statistical_areas(batch, parsed, result, choice, statistical)

    matches = {t.kind: sum(t.find(*keys(row)) is not None for row in parsed.rows) for t in found}
    target = max(found, key=lambda t: matches[t.kind])
    if parsed.rows and matches[target.kind] == 0:
        parsed.error(
            None,
            _(
                "0 areas matched: no feature's %(fields)s is the name or code of a configured area or of "
                "the municipality. Choose the fields that hold the names and codes below."
            )
            % {"fields": _fields_read(choice)},
        )
    elif parsed.rows:
        parsed.notes.append(
            _("The file holds %(kind)s: %(n)s of %(total)s features matched, by %(fields)s (%(how)s).")
            % {
                "kind": target.label,
                "n": matches[target.kind],
                "total": len(parsed.rows),
                "fields": _fields_read(choice),
                "how": _("guessed from the values") if choice.guessed else _("as chosen"),
            }
        )

    shapes: dict[Any, list[Row]] = defaultdict(list)
    for row in parsed.rows:
        name, code = keys(row)
        obj = target.find(name, code)
        label = name or code or _("feature %(n)s") % {"n": row.line}
        if obj is None:
            (result.elsewhere if target.kind == MUNICIPALITIES else result.unmapped)[label] += 1
        else:
            shapes[obj].append(row)
    may_change = _may_change(batch)
    for obj, rows in shapes.items():
        if not may_change(obj):
            parsed.error(
                rows[0].line,
                _("%(area)s: only its own administration and the administrators may change its boundary.")
                % {"area": obj},
            )
            continue
        _plan_shape(batch, parsed, result, obj, rows)
    return result


def _plan_shape(
    batch: ImportBatch, parsed: ParseResult, result: ImportPlan, obj: Any, rows: list[Row]
) -> None:
    """The features of one area (or of the municipality) as its new boundary, where it changes."""
    geometry = _joined(rows, obj, parsed)
    if obj.geometry == geometry:
        result.unchanged += 1
    else:
        parsed.notes.append(_area_change(obj, geometry))
        result.changed.append((obj, {"geometry": geometry, "geometry_source": batch.filename[:300]}))


def _statistical_areas(batch: ImportBatch, fields: list[Field], choice: Choice) -> str:
    """'deso' or 'regso' when the municipality chose to be divided into Statistics
    Sweden's areas and the file's code field holds codes of that kind."""
    # The set-up is configurations', an app above this one: read by name.
    subdivision = (
        apps.get_model("configurations", "MunicipalitySetup")
        .objects.filter(municipality=batch.municipality)
        .values_list("subdivision", flat=True)
        .first()
    )
    if subdivision not in (Subdivision.DESO, Subdivision.REGSO):
        return ""
    code_field = next((f for f in fields if f.name == choice.code_field), None)
    return subdivision if code_field is not None and code_field.code_kind == subdivision else ""


def _plan_statistical_areas(
    batch: ImportBatch,
    parsed: ParseResult,
    result: ImportPlan,
    choice: Choice,
    kind: str,
) -> ImportPlan:
    """A national file of DeSO or RegSO areas: those whose code begins with the
    municipality's code become its areas (added, or their shapes renewed);
    the others are listed as elsewhere."""
    municipality = batch.municipality
    existing = {
        area.code.upper(): area
        for area in Area.objects.filter(municipality=municipality, kind=AreaKind.NEIGHBOURHOOD)
    }
    own: dict[str, list[Row]] = defaultdict(list)
    for row in parsed.rows:
        code = row.data["properties"].get(choice.code_field or "", "").upper()
        if code.startswith(municipality.code):
            own[code].append(row)
        else:
            result.elsewhere[code or _("feature %(n)s") % {"n": row.line}] += 1

    def name_of(rows: list[Row]) -> str:
        return rows[0].data["properties"].get(choice.name_field, "") if choice.name_field else ""

    # A name shared by several areas (the municipality's name on every DeSO) names none of them.
    own_names = [name_of(rows) for rows in own.values()]
    names_unique = bool(own_names) and len(set(own_names)) == len(own_names) and all(own_names)
    if not own:
        parsed.error(
            None,
            _("No %(kind)s code in the file begins with %(code)s, the municipality's code.")
            % {"kind": code_kind_label(kind), "code": municipality.code},
        )
        return result
    parsed.notes.append(
        _(
            "%(n)s %(kind)s areas of the municipality; %(elsewhere)s features of other municipalities are left alone."
        )
        % {"n": len(own), "kind": code_kind_label(kind), "elsewhere": sum(result.elsewhere.values())}
    )
    uploader = batch.uploaded_by
    if uploader is not None and not (uploader.is_superuser or uploader.role == Role.ADMINISTRATOR):
        parsed.error(None, _("Only the administrators may add the municipality's areas."))
        return result
    for code, rows in sorted(own.items()):
        area = existing.get(code)
        if area is None:
            name = name_of(rows) if names_unique else ""
            area = Area(municipality=municipality, kind=AreaKind.NEIGHBOURHOOD, code=code, name=name or code)
        _plan_shape(batch, parsed, result, area, rows)  # a new area has no boundary yet: it changes
    return result


def _may_change(batch: ImportBatch) -> Any:
    """Whose boundaries the uploader may redraw: administrators (and the
    command line) any; a district's own administration its district and the
    neighbourhoods in it; nobody else any."""
    user = batch.uploaded_by
    if user is None or user.role == Role.ADMINISTRATOR:
        return lambda obj: True
    own = getattr(user.organisation, "area_id", None)
    if own is None:
        return lambda obj: False
    neighbourhoods = set(
        AreaMembership.objects.filter(district_id=own).values_list("neighbourhood_id", flat=True)
    )
    return lambda obj: isinstance(obj, Area) and (obj.pk == own or obj.pk in neighbourhoods)


GEOD = Geod(ellps="WGS84")


def _km2(geometry: dict[str, Any] | None) -> float | None:
    if not geometry:
        return None
    return abs(GEOD.geometry_area_perimeter(shape(geometry))[0]) / 1e6


def _area_change(obj: Any, geometry: dict[str, Any]) -> str:
    """What the new boundary does to the area's size, for the preview."""
    before, after = _km2(obj.geometry), _km2(geometry)
    assert after is not None
    if before is None:
        return _("%(area)s gets a boundary: %(after)s km².") % {"area": obj, "after": number_format(after, 2)}
    change = (after - before) / before * 100 if before else 0.0
    return _("%(area)s: %(before)s km² → %(after)s km² (%(change)s %%).") % {
        "area": obj,
        "before": number_format(before, 2),
        "after": number_format(after, 2),
        "change": ("+" if change >= 0 else "") + number_format(change, 1),
    }


def _fields_read(choice: Choice) -> str:
    read = [f"'{f}'" for f in (choice.name_field, choice.code_field) if f]
    return " / ".join(read) if read else _("no field")


def _joined(rows: list[Row], obj: Any, parsed: ParseResult) -> dict[str, Any]:
    """One geometry, as stored (a JSON round trip turns tuples into lists):
    several features of the same area (islands drawn apart) are joined."""
    if len(rows) == 1:
        geometry = mapping(rows[0].data["geometry"])
    else:
        parsed.notes.append(
            _("Features %(lines)s are all %(area)s; their shapes were joined.")
            % {"lines": ", ".join(str(r.line) for r in rows), "area": obj}
        )
        geometry = mapping(shapely.set_precision(shapely.union_all([r.data["geometry"] for r in rows]), 1e-7))
    joined: dict[str, Any] = json.loads(json.dumps(geometry))
    return joined
