"""A joint analysis as plain data, and the differences between two states.

The snapshot is what a saved version keeps; `diff` is a pure function over
two snapshots, so any two versions (or a version and the current state) can
be compared.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def snapshot(analysis) -> dict:
    problems = analysis.problems.prefetch_related(
        "priority_areas",
        "categories",
        "evidence",
        "causes",
        "scores",
        "derived_from__party_picture__organisation",
    ).select_related("area")
    decision = analysis.adopted_decision
    return {
        "summary": analysis.summary,
        "decision": (
            {
                "body": decision.body.name,
                "decided_on": decision.decided_on.isoformat(),
                "minutes_reference": decision.minutes_reference,
                "ranking": decision.ranking,
            }
            if decision
            else None
        ),
        "problems": [
            {
                # Joint problems keep their identity across versions by their key.
                "key": p.pk,
                "title": p.title,
                "place": p.place,
                "area": p.area.name if p.area else "",
                "times": p.times,
                "situation": p.situation,
                "rank": p.rank,
                "priority_areas": sorted(a.name for a in p.priority_areas.all()),
                "categories": sorted(c.name for c in p.categories.all()),
                "seen_by": sorted({d.party_picture.organisation.name for d in p.derived_from.all()}),
                "scores": {s.criterion: s.score for s in p.scores.all()},
                "evidence": [
                    {"kind": e.source_kind, "text": e.text, "figures": e.figures} for e in p.evidence.all()
                ],
                "causes": [
                    {
                        "key": c.pk,
                        "parent": c.parent_id,
                        "branch": c.branch,
                        "text": c.text,
                        "evidence": c.evidence,
                        "confidence": c.confidence,
                    }
                    for c in p.causes.all()
                ],
            }
            for p in problems
        ],
    }


@dataclass(frozen=True)
class Change:
    kind: str  # "added", "removed" or "changed"
    subject: str
    detail: str = ""


FIELD_LABELS = {
    "title": gettext_lazy("Title"),
    "place": gettext_lazy("Where"),
    "area": gettext_lazy("Area"),
    "times": gettext_lazy("When"),
    "situation": gettext_lazy("Situation"),
    "rank": gettext_lazy("Priority"),
    "priority_areas": gettext_lazy("Priority areas"),
    "categories": gettext_lazy("Mandatory categories"),
    "seen_by": gettext_lazy("Seen by"),
    "scores": gettext_lazy("Scores"),
}


def _label(name: str) -> str:
    return str(FIELD_LABELS[name])


def diff(old: dict, new: dict) -> list[Change]:
    changes: list[Change] = []
    if old.get("summary") != new.get("summary"):
        changes.append(Change("changed", _("Joint summary")))
    before = {p["key"]: p for p in old["problems"]}
    after = {p["key"]: p for p in new["problems"]}
    for key in before.keys() - after.keys():
        changes.append(Change("removed", before[key]["title"]))
    for key, problem in after.items():
        if key not in before:
            changes.append(Change("added", problem["title"]))
            continue
        earlier = before[key]
        fields = [name for name in FIELD_LABELS if earlier.get(name) != problem.get(name)]
        if fields:
            changes.append(Change("changed", problem["title"], ", ".join(_label(f) for f in fields)))
        added_evidence = len(problem["evidence"]) - len(earlier["evidence"])
        if added_evidence > 0:
            changes.append(
                Change("added", problem["title"], _("%(n)s new pieces of evidence") % {"n": added_evidence})
            )
        old_causes = {c["key"]: c for c in earlier["causes"]}
        new_causes = {c["key"]: c for c in problem["causes"]}
        for ckey in new_causes.keys() - old_causes.keys():
            changes.append(
                Change("added", problem["title"], _("Cause: %(text)s") % {"text": new_causes[ckey]["text"]})
            )
        for ckey in old_causes.keys() - new_causes.keys():
            changes.append(
                Change("removed", problem["title"], _("Cause: %(text)s") % {"text": old_causes[ckey]["text"]})
            )
    if old.get("decision") != new.get("decision"):
        changes.append(Change("changed" if old.get("decision") else "added", _("Prioritisation decision")))
    return changes
