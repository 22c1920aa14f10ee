"""Diagrams of situation-picture content, from snapshot dictionaries (what
exports and saved versions hold) or from the live objects."""

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from samverkan.situations import diagrams
from samverkan.situations.models import Branch, Confidence


def safe_svg(diagram: diagrams.Diagram | None) -> str:
    """SVG markup for a template; every text in it is escaped by to_svg."""
    return mark_safe(diagrams.to_svg(diagram)) if diagram else ""  # noqa: S308


def fishbone_from(title: str, causes: list[dict]) -> diagrams.Diagram:
    nodes = {
        c["key"]: diagrams.CauseNode(c["text"], str(Confidence(c["confidence"]).label).lower())
        for c in causes
    }
    branches: dict[str, list[diagrams.CauseNode]] = {b.value: [] for b in Branch}
    for cause in causes:
        node = nodes[cause["key"]]
        if cause["parent"] in nodes:
            nodes[cause["parent"]].children.append(node)
        else:
            branches[cause["branch"]].append(node)
    return diagrams.fishbone(
        title,
        [(str(Branch(b).label), branches[b]) for b in branches],
        title=_("Cause analysis (fishbone): %(problem)s") % {"problem": title},
    )


def causes_of(problem) -> list[dict]:
    return [
        {"key": c.pk, "parent": c.parent_id, "branch": c.branch, "text": c.text, "confidence": c.confidence}
        for c in problem.causes.all()
    ]


def cause_fishbone(problem) -> str:
    return safe_svg(fishbone_from(problem.title, causes_of(problem)))


def chart_from(figures: dict) -> diagrams.Diagram | None:
    rows = figures.get("rows") or []
    if not rows:
        return None
    unit = figures.get("unit") or (
        "%" if figures.get("is_share") else (_("per 1,000 inhabitants") if figures.get("per") else _("count"))
    )

    def scaled(row, name):
        value = row.get(name)
        return None if value is None or row.get("suppressed") else value

    apart = [bool(r.get("incomplete")) for r in rows]
    return diagrams.interval_chart(
        [
            f"{r['label']} ({_('part period')})" if part else r["label"]
            for r, part in zip(rows, apart, strict=True)
        ],
        [scaled(r, "value") for r in rows],
        [scaled(r, "low") for r in rows],
        [scaled(r, "high") for r in rows],
        [r.get("municipality") for r in rows] if figures.get("per") or figures.get("is_share") else [],
        title=f"{figures['indicator']}, {figures['area']}",
        unit=unit,
        own=figures["area"],
        other=_("whole municipality"),
        levels=[
            (label, figures[name])
            for name, label in (("baseline", _("baseline")), ("target", _("target")))
            if figures.get(name) is not None
        ],
        apart=apart,
        apart_label=_("part period"),
        hidden=[bool(r.get("suppressed")) for r in rows],
    )


def evidence_chart(evidence) -> str:
    return safe_svg(chart_from(evidence.figures or {}))
