"""Progress rolls up from measures to goals to priority areas: a goal's
progress is the weighted mean of its measures' progress, an area's the
weighted mean of its goals' (each goal weighted by its measures' weights).
A recorded override replaces a computed value and says so. No ORM here."""

from dataclasses import dataclass, field


@dataclass
class Node:
    key: int | None
    name: str
    weight: int = 0
    computed: float | None = None
    override: dict | None = None  # {"percent", "reason", "by", "at"}
    children: list = field(default_factory=list)

    @property
    def percent(self) -> float | None:
        return self.override["percent"] if self.override else self.computed


def weighted_mean(pairs: list[tuple[float | None, int]]) -> float | None:
    counted = [(value, weight) for value, weight in pairs if value is not None and weight > 0]
    total = sum(weight for _value, weight in counted)
    if not total:
        return None
    return sum(value * weight for value, weight in counted) / total


def roll_up(measures: list[dict], goal_overrides: dict, area_overrides: dict) -> list[Node]:
    """measures: dicts with area_id, area, goal_id, goal, weight, percent
    (None when a cancelled measure no longer counts)."""
    areas: dict = {}
    for m in measures:
        area = areas.setdefault(m["area_id"], Node(m["area_id"], m["area"]))
        goal = next((g for g in area.children if g.key == m["goal_id"]), None)
        if goal is None:
            goal = Node(m["goal_id"], m["goal"])
            area.children.append(goal)
        goal.children.append(m)
        if m["percent"] is not None:
            goal.weight += m["weight"]
    for area in areas.values():
        for goal in area.children:
            goal.computed = weighted_mean([(m["percent"], m["weight"]) for m in goal.children])
            goal.override = goal_overrides.get(goal.key)
        area.weight = sum(g.weight for g in area.children)
        area.computed = weighted_mean([(g.percent, g.weight or 1) for g in area.children])
        area.override = area_overrides.get(area.key)
    return list(areas.values())
