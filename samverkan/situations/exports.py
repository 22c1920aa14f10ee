"""The joint situation picture as the document a district files: PDF
(WeasyPrint, from the same HTML template family as the pages) and Word
(python-docx). Both are built from a snapshot, so a saved version exports
exactly as it was saved."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.core.http import render_pdf
from samverkan.situations import diagrams
from samverkan.situations.models import Confidence, Criterion, EvidenceSource, figures_note
from samverkan.situations.presentation import chart_from, fishbone_from, safe_svg


def _ordered(content: dict) -> list[dict]:
    """Prioritised problems first, in their rank, then the rest."""
    return sorted(content["problems"], key=lambda p: (p["rank"] is None, p["rank"] or 0))


def _context(analysis, content, version) -> dict:
    problems = []
    for problem in _ordered(content):
        evidence = []
        for item in problem["evidence"]:
            chart = chart_from(item["figures"] or {})
            evidence.append(
                {
                    **item,
                    "kind_label": EvidenceSource(item["kind"]).label,
                    "chart": chart,
                    "observations": (item["figures"] or {}).get("observations"),
                    "note": figures_note(item["figures"] or {}),
                }
            )
        causes = problem["causes"]
        problems.append(
            {
                **problem,
                "evidence": evidence,
                "fishbone": fishbone_from(problem["title"], causes) if causes else None,
                "score_total": sum(problem["scores"].values()),
            }
        )
    picture = analysis.picture
    return {
        "analysis": analysis,
        "picture": picture,
        "content": content,
        "problems": problems,
        "version": version,
        "parties": [analysis.city_picture, analysis.police_picture],
        "printed": timezone.localtime(),
        "criteria": list(Criterion),
        "decided_against_scores": _decided_against_scores(content, problems),
        "decided_against_scores_text": _decided_against_scores_text(content, problems),
        # The prioritisation matrix: one row per problem, a score per criterion.
        "matrix": [
            {
                "title": problem["title"],
                "rank": problem["rank"],
                "scores": [problem["scores"].get(criterion.value, 0) for criterion in Criterion],
                "total": problem["score_total"],
            }
            for problem in problems
        ],
    }


def _decided_against_scores_text(content: dict, problems: list[dict]) -> str:
    """The decided order said against the scores' own: which problems, in which order, the
    total scores in the matrix would have put first."""
    ranked = len((content.get("decision") or {}).get("ranking") or [])
    by_score = sorted(problems, key=lambda p: -p["score_total"])[: max(ranked, 1)]
    order = "; ".join(f"{i}. {p['title']} ({p['score_total']})" for i, p in enumerate(by_score, start=1))
    return _(
        "The order is the steering group's decision. By the total scores in the matrix below it "
        "would be: %(order)s."
    ) % {"order": order}


def _decided_against_scores(content: dict, problems: list[dict]) -> bool:
    """Whether the decided order differs from the order of the problems' total scores (it
    was decided so, or the scores changed after it): the documents say so."""
    decision = content.get("decision")
    if not decision:
        return False
    totals = {p["key"]: p["score_total"] for p in problems}
    decided = [totals.get(item["problem"], 0) for item in decision["ranking"]]
    ranked = {item["problem"] for item in decision["ranking"]}
    passed_over = [total for key, total in totals.items() if key not in ranked]
    # Out of the scores' order, or a problem left out that scores above one ranked.
    return decided != sorted(decided, reverse=True) or bool(
        decided and passed_over and max(passed_over) > min(decided)
    )


def joint_pdf(analysis, content: dict, *, version=None) -> bytes:
    context = _context(analysis, content, version)
    for problem in context["problems"]:
        problem["fishbone_svg"] = safe_svg(problem["fishbone"])
        for item in problem["evidence"]:
            item["chart_svg"] = safe_svg(item["chart"])
    return render_pdf("situations/export.html", context)


def joint_docx(analysis, content: dict, *, version=None) -> bytes:
    from docx import Document
    from docx.shared import Cm

    context = _context(analysis, content, version)
    picture = analysis.picture
    document = Document()
    document.core_properties.title = _("Joint situation picture: %(title)s") % {"title": picture.title}
    document.add_heading(_("Joint situation picture"), level=0)
    document.add_paragraph(picture.title)
    facts = document.add_table(rows=0, cols=2)
    facts.style = "Light List"
    rows = [
        (_("Local agreement"), picture.agreement.title),
        (_("Period"), f"{picture.period_start:%Y-%m-%d} – {picture.period_end:%Y-%m-%d}"),
        (_("Version"), str(version.number) if version else _("Current state")),
        (_("Printed"), f"{context['printed']:%Y-%m-%d %H:%M}"),
    ]
    if picture.is_example:
        rows.append((_("Example"), _("Example content, not taken from the municipality's documents.")))
    for label, value in rows:
        cells = facts.add_row().cells
        cells[0].text, cells[1].text = label, value

    document.add_heading(_("Sources"), level=1)
    for party in context["parties"]:
        document.add_heading(party.organisation.name, level=2)
        document.add_paragraph(_("Sources used: %(s)s") % {"s": party.sources_used or "–"})
        document.add_paragraph(_("Sources left out: %(s)s") % {"s": party.sources_left_out or "–"})

    if content.get("summary"):
        document.add_heading(_("Joint summary"), level=1)
        document.add_paragraph(content["summary"])

    document.add_heading(_("Priorities"), level=1)
    decision = content.get("decision")
    if decision:
        document.add_paragraph(
            _("Adopted by %(body)s on %(date)s %(ref)s")
            % {"body": decision["body"], "date": decision["decided_on"], "ref": decision["minutes_reference"]}
        )
        for item in decision["ranking"]:
            document.add_paragraph(f"{item['rank']}. {item['title']}", style="List Number")
        if context["decided_against_scores"]:
            document.add_paragraph(context["decided_against_scores_text"])
    else:
        document.add_paragraph(_("No prioritisation has been adopted yet."))

    document.add_heading(_("Prioritisation matrix"), level=1)
    criteria = context["criteria"]
    matrix = document.add_table(rows=1, cols=len(criteria) + 2)
    matrix.style = "Light List"
    head = matrix.rows[0].cells
    head[0].text = _("Problem")
    for cell, criterion in zip(head[1:], criteria, strict=False):
        cell.text = str(criterion.label)
    head[-1].text = _("Total")
    for row in context["matrix"]:
        cells = matrix.add_row().cells
        cells[0].text = row["title"] if row["rank"] is None else f"{row['rank']}. {row['title']}"
        for cell, score in zip(cells[1:], row["scores"], strict=False):
            cell.text = str(score)
        cells[-1].text = str(row["total"])

    document.add_heading(_("Problems"), level=1)
    for problem in context["problems"]:
        heading = problem["title"] if problem["rank"] is None else f"{problem['rank']}. {problem['title']}"
        document.add_heading(heading, level=2)
        for label, value in [
            (_("Where"), problem["place"] or problem["area"]),
            (_("When"), problem["times"]),
            (_("Seen by"), ", ".join(problem["seen_by"])),
            (_("Priority areas"), "; ".join(problem["priority_areas"])),
            (_("Score"), str(problem["score_total"])),
        ]:
            if value:
                paragraph = document.add_paragraph()
                paragraph.add_run(f"{label}: ").bold = True
                paragraph.add_run(value)
        if problem["situation"]:
            document.add_paragraph(problem["situation"])
        if problem["evidence"]:
            _docx_evidence(document, problem["evidence"])
        if problem["causes"]:
            document.add_heading(_("Cause analysis"), level=3)
            document.add_picture(io.BytesIO(diagrams.to_png(problem["fishbone"])), width=Cm(16.5))
            for cause in problem["causes"]:
                text = f"{cause['text']} ({Confidence(cause['confidence']).label.lower()})"
                if cause.get("evidence"):
                    text += f" – {cause['evidence']}"
                document.add_paragraph(text, style="List Bullet 2" if cause["parent"] else "List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_evidence(document, evidence: list[dict]) -> None:
    from docx.shared import Cm

    document.add_heading(_("Evidence"), level=3)
    for item in evidence:
        document.add_paragraph(f"{item['kind_label']}: {item['text']}", style="List Bullet")
        if item["note"]:
            document.add_paragraph(item["note"])
        if item["chart"]:
            document.add_picture(io.BytesIO(diagrams.to_png(item["chart"])), width=Cm(13))
