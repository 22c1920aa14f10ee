"""Revisions of an agreement: drafting a new version from the one in force,
and the difference between any two versions.

Every element of a version (priority area, goal, text section) knows the
element of the earlier version it continues: areas through their lineage,
goals and sections through `predecessor`. A draft copies the version in
force with those links, so whatever is then renamed, rewritten, added or
removed can be computed rather than described by hand.

The difference works on plain structures (`elements`), so the same code
compares two stored versions and a stored version with the snapshot of a
draft taken when it was sent out for consultation.
"""

import datetime as dt
import difflib
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from samverkan.agreements.models import (
    AgreementVersion,
    Goal,
    PriorityAreaLineage,
    TextSection,
    VersionStatus,
)

AREA, GOAL, SECTION = "area", "goal", "section"


# --- plain structures -------------------------------------------------------------


def elements(version: AgreementVersion) -> dict:
    """The version's content as plain, JSON-able data, with each element's
    predecessors."""
    areas = version.priority_areas.prefetch_related("goals", "lineage_in")
    return {
        "version": version.pk,
        "label": version.label,
        "case_number": version.case_number,
        "areas": [
            {
                "id": area.pk,
                "name": area.name,
                "description": area.description,
                "preds": sorted(link.from_area_id for link in area.lineage_in.all()),
                "goals": [
                    {"id": g.pk, "text": g.text, "preds": [g.predecessor_id] if g.predecessor_id else []}
                    for g in area.goals.all()
                ],
            }
            for area in areas
        ],
        "sections": [
            {
                "id": s.pk,
                "heading": s.heading,
                "body": s.body,
                "preds": [s.predecessor_id] if s.predecessor_id else [],
            }
            for s in version.sections.all()
        ],
    }


class Lineage:
    """Which element continues which, over all versions of an agreement and
    any snapshots (which remember elements since deleted from a draft)."""

    def __init__(self, *structures: dict):
        self.preds: dict[tuple[str, int], set[int]] = defaultdict(set)
        for structure in structures:
            self.add(structure)

    def add(self, structure: dict) -> None:
        for area in structure["areas"]:
            self.preds[AREA, area["id"]].update(area["preds"])
            for goal in area["goals"]:
                self.preds[GOAL, goal["id"]].update(goal["preds"])
        for section in structure["sections"]:
            self.preds[SECTION, section["id"]].update(section["preds"])

    @classmethod
    def of_agreement(cls, agreement, *snapshots: dict) -> "Lineage":
        lineage = cls(*snapshots)
        for link in PriorityAreaLineage.objects.filter(to_area__version__agreement=agreement):
            lineage.preds[AREA, link.to_area_id].add(link.from_area_id)
        for goal_id, pred in Goal.objects.filter(
            priority_area__version__agreement=agreement, predecessor__isnull=False
        ).values_list("pk", "predecessor_id"):
            lineage.preds[GOAL, goal_id].add(pred)
        for section_id, pred in TextSection.objects.filter(
            version__agreement=agreement, predecessor__isnull=False
        ).values_list("pk", "predecessor_id"):
            lineage.preds[SECTION, section_id].add(pred)
        return lineage

    def ancestors(self, kind: str, pk: int) -> set[int]:
        """The element itself and every element it continues, transitively."""
        seen, todo = {pk}, [pk]
        while todo:
            for pred in self.preds.get((kind, todo.pop()), ()):
                if pred not in seen:
                    seen.add(pred)
                    todo.append(pred)
        return seen


# --- the difference ---------------------------------------------------------------


class VersionChangeKind:
    """How one version differs from another, element by element (a `Change`)."""

    AREA_ADDED = "area_added"
    AREA_REMOVED = "area_removed"
    AREA_RENAMED = "area_renamed"
    AREA_MERGED = "area_merged"
    AREA_SPLIT = "area_split"
    AREA_TEXT = "area_text"
    GOAL_ADDED = "goal_added"
    GOAL_REMOVED = "goal_removed"
    GOAL_CHANGED = "goal_changed"
    SECTION_ADDED = "section_added"
    SECTION_REMOVED = "section_removed"
    SECTION_RENAMED = "section_renamed"
    SECTION_TEXT = "section_text"

    labels = {
        AREA_ADDED: _("Priority area added"),
        AREA_REMOVED: _("Priority area removed"),
        AREA_RENAMED: _("Priority area renamed"),
        AREA_MERGED: _("Priority area formed from several"),
        AREA_SPLIT: _("Priority area took over part of one"),
        AREA_TEXT: _("Description of the priority area changed"),
        GOAL_ADDED: _("Goal added"),
        GOAL_REMOVED: _("Goal removed"),
        GOAL_CHANGED: _("Goal reworded"),
        SECTION_ADDED: _("Text section added"),
        SECTION_REMOVED: _("Text section removed"),
        SECTION_RENAMED: _("Text section renamed"),
        SECTION_TEXT: _("Text changed"),
    }


@dataclass
class Change:
    kind: str
    element: str  # AREA, GOAL or SECTION
    old_id: int | None
    new_id: int | None
    before: str = ""
    after: str = ""
    area: str = ""  # the priority area a goal change is under (its name in the later version)
    area_id: int | None = None  # that area's id in the later version, or in the earlier one if removed
    note: str = ""
    proposals: list = field(default_factory=list)  # filled in by whoever traces proposals

    @property
    def label(self) -> str:
        return str(VersionChangeKind.labels[self.kind])

    @property
    def words(self) -> list[tuple[str, str]]:
        """The text change word by word: ("same"|"removed"|"added", text)."""
        return word_diff(self.before, self.after)

    @property
    def is_text(self) -> bool:
        return self.kind in {
            VersionChangeKind.AREA_TEXT,
            VersionChangeKind.GOAL_CHANGED,
            VersionChangeKind.SECTION_TEXT,
        }


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.split(), after.split()
    parts: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(("same", " ".join(old[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("removed", " ".join(old[i1:i2])))
        if j2 > j1:
            parts.append(("added", " ".join(new[j1:j2])))
    return parts


def _mapping(old_ids, new_ids, kind, lineage) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """For each later element, the earlier elements it continues; and back."""
    old_ids = set(old_ids)
    forward: dict[int, set[int]] = defaultdict(set)
    back: dict[int, set[int]] = {}
    for new in new_ids:
        back[new] = lineage.ancestors(kind, new) & old_ids
        for old in back[new]:
            forward[old].add(new)
    return forward, back


def diff(old: dict, new: dict, lineage: Lineage) -> list[Change]:
    """What changed from the `old` structure to the `new` one."""
    changes: list[Change] = []
    old_areas = {a["id"]: a for a in old["areas"]}
    new_areas = {a["id"]: a for a in new["areas"]}
    forward, back = _mapping(old_areas, new_areas, AREA, lineage)

    old_goals = {g["id"]: (g, a) for a in old["areas"] for g in a["goals"]}
    new_goals = {g["id"]: (g, a) for a in new["areas"] for g in a["goals"]}
    goal_forward, goal_back = _mapping(old_goals, new_goals, GOAL, lineage)

    for area in new["areas"]:
        preds = sorted(back[area["id"]], key=lambda pk: list(old_areas).index(pk))
        base = {"element": AREA, "new_id": area["id"], "area": area["name"], "area_id": area["id"]}
        if not preds:
            changes.append(Change(VersionChangeKind.AREA_ADDED, old_id=None, after=area["name"], **base))
        elif len(preds) > 1:
            names = [old_areas[p]["name"] for p in preds]
            changes.append(
                Change(
                    VersionChangeKind.AREA_MERGED,
                    old_id=preds[0],
                    before="; ".join(names),
                    after=area["name"],
                    **base,
                )
            )
        else:
            pred = old_areas[preds[0]]
            kind: str | None
            if len(forward[pred["id"]]) > 1:
                kind = VersionChangeKind.AREA_SPLIT
            else:
                kind = VersionChangeKind.AREA_RENAMED if pred["name"] != area["name"] else None
            if kind:
                changes.append(
                    Change(kind, old_id=pred["id"], before=pred["name"], after=area["name"], **base)
                )
            if len(forward[pred["id"]]) == 1 and pred["description"] != area["description"]:
                changes.append(
                    Change(
                        VersionChangeKind.AREA_TEXT,
                        old_id=pred["id"],
                        before=pred["description"],
                        after=area["description"],
                        **base,
                    )
                )
        for goal in area["goals"]:
            goal_preds = goal_back[goal["id"]]
            where = {"element": GOAL, "new_id": goal["id"], "area": area["name"], "area_id": area["id"]}
            if not goal_preds:
                changes.append(Change(VersionChangeKind.GOAL_ADDED, old_id=None, after=goal["text"], **where))
                continue
            earlier = old_goals[min(goal_preds)][0]
            if earlier["text"] != goal["text"]:
                changes.append(
                    Change(
                        VersionChangeKind.GOAL_CHANGED,
                        old_id=earlier["id"],
                        before=earlier["text"],
                        after=goal["text"],
                        **where,
                    )
                )

    for goal_id, (goal, area) in old_goals.items():
        if goal_forward.get(goal_id):
            continue
        successors = forward.get(area["id"], set())
        if not successors:
            continue  # removed with its area
        successor = new_areas[min(successors)] if len(successors) == 1 else None
        changes.append(
            Change(
                VersionChangeKind.GOAL_REMOVED,
                element=GOAL,
                old_id=goal_id,
                new_id=None,
                before=goal["text"],
                area=successor["name"] if successor else area["name"],
                area_id=successor["id"] if successor else area["id"],
            )
        )
    for area in old["areas"]:
        if not forward.get(area["id"]):
            changes.append(
                Change(
                    VersionChangeKind.AREA_REMOVED,
                    element=AREA,
                    old_id=area["id"],
                    new_id=None,
                    before=area["name"],
                    area=area["name"],
                    area_id=area["id"],
                    note=area.get("retirement_note", ""),
                )
            )

    old_sections = {s["id"]: s for s in old["sections"]}
    section_forward, section_back = _mapping(
        old_sections, [s["id"] for s in new["sections"]], SECTION, lineage
    )
    for section in new["sections"]:
        continued = section_back[section["id"]]
        base = {"element": SECTION, "new_id": section["id"]}
        if not continued:
            changes.append(
                Change(
                    VersionChangeKind.SECTION_ADDED,
                    old_id=None,
                    before="",
                    after=section["body"],
                    area=section["heading"],
                    **base,
                )
            )
            continue
        earlier = old_sections[min(continued)]
        for key, kind in (
            ("heading", VersionChangeKind.SECTION_RENAMED),
            ("body", VersionChangeKind.SECTION_TEXT),
        ):
            if earlier[key] != section[key]:
                changes.append(
                    Change(
                        kind,
                        old_id=earlier["id"],
                        before=earlier[key],
                        after=section[key],
                        area=section["heading"],
                        **base,
                    )
                )
    for section in old["sections"]:
        if not section_forward.get(section["id"]):
            changes.append(
                Change(
                    VersionChangeKind.SECTION_REMOVED,
                    element=SECTION,
                    old_id=section["id"],
                    new_id=None,
                    before=section["body"],
                    area=section["heading"],
                )
            )
    return changes


def version_key(version: AgreementVersion) -> tuple:
    """Versions in the order they came: adopted ones by start, drafts last."""
    return (version.status == VersionStatus.DRAFT, version.valid_from or dt.date.max, version.pk)


def ordered(first: AgreementVersion, second: AgreementVersion) -> tuple[AgreementVersion, AgreementVersion]:
    """The two versions, the earlier first."""
    return tuple(sorted([first, second], key=version_key))  # type: ignore[return-value]


def version_diff(
    first: AgreementVersion, second: AgreementVersion, *, lineage: Lineage | None = None
) -> tuple[AgreementVersion, AgreementVersion, list]:
    """The changes from the earlier of two versions of one agreement to the
    later, through `lineage` when the caller has already read it."""
    if first.agreement_id != second.agreement_id:
        raise ValidationError(_("Only versions of the same agreement can be compared."))
    old, new = ordered(first, second)
    old_elements, new_elements = elements(old), elements(new)
    retired = {a.pk: a.retirement_note for a in old.priority_areas.all()}
    for area in old_elements["areas"]:
        area["retirement_note"] = retired.get(area["id"], "")
    return old, new, diff(old_elements, new_elements, lineage or Lineage.of_agreement(old.agreement))
