"""The compilation of a round and the comparison of two versions as PDF
(WeasyPrint, from the same templates' content) and Word (python-docx)."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.core.http import render_pdf


def _pdf(template: str, context: dict) -> bytes:
    return render_pdf(template, context | {"printed": timezone.localtime()})


def compilation_pdf(content: dict) -> bytes:
    return _pdf("consultations/compilation_export.html", {"c": content})


def diff_pdf(content: dict) -> bytes:
    return _pdf("consultations/diff_export.html", content)


def _document(title: str, subtitle: str):
    from docx import Document

    document = Document()
    document.core_properties.title = title
    document.add_heading(title, level=0)
    document.add_paragraph(subtitle)
    return document


def _bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _entries(document, entries) -> None:
    for e in entries:
        paragraph = document.add_paragraph(style="List Bullet")
        paragraph.add_run(f"{e['organisation']}").bold = True
        who = f" ({e['put_forward_by']})" if e["put_forward_by"] else ""
        paragraph.add_run(f" – {e['origin']}{who}. {e['kind']}")
        if e["text"]:
            paragraph.add_run(f": ”{e['text']}”")
        if e["outcome"]:
            paragraph.add_run(f" {_('Outcome')}: {e['outcome']}.")
        if e["justification"]:
            document.add_paragraph(f"{_('Justification')}: {e['justification']}")


def compilation_docx(c: dict) -> bytes:
    round = c["round"]
    document = _document(
        _("Compilation of the consultation responses"),
        f"{round.case_number} {round.title}. "
        + _("Answered: %(answered)s of %(total)s.")
        % {"answered": c["answered"], "total": len(c["recipients"])},
    )
    if round.is_example:
        document.add_paragraph(_("Contains example content, not taken from the municipality's documents."))
    document.add_heading(_("Recipients"), level=1)
    table = document.add_table(rows=1, cols=4)
    table.style = "Light List"
    for cell, text in zip(
        table.rows[0].cells, [_("Recipient"), _("Deadline"), _("Status"), _("Decision")], strict=True
    ):
        cell.text = text
    for r in c["recipients"]:
        cells = table.add_row().cells
        cells[0].text = r["organisation"]
        cells[1].text = f"{r['deadline']:%Y-%m-%d}" + (f" ({_('extended')})" if r["extended"] else "")
        answered = f", {r['statement'].submitted_on:%Y-%m-%d}" if r["statement"] else ""
        cells[2].text = r["status_label"] + answered
        cells[3].text = r["minutes"].get_outcome_display() if r["minutes"] else "–"
    document.add_heading(_("Per element of the draft"), level=1)
    for row in c["rows"]:
        document.add_heading(row["label"], level=2)
        _entries(document, row["entries"])
        for goal in row.get("goals", []):
            if goal["entries"]:
                document.add_heading(f"{_('Goal')} {goal['number']}: {goal['label']}", level=3)
                _entries(document, goal["entries"])
        if not row["entries"] and not any(g["entries"] for g in row.get("goals", [])):
            document.add_paragraph(_("No response concerns this element."))
    document.add_heading(_("The responses"), level=1)
    for r in c["recipients"]:
        if not r["statement"]:
            continue
        statement = r["statement"]
        document.add_heading(r["organisation"], level=2)
        for label, text in [
            (_("Proposed decision"), statement.proposed_decision),
            (_("Summary"), statement.summary),
            (_("Goal fulfilment"), statement.goal_fulfilment),
            (_("Consequences for children"), statement.child_consequences),
        ]:
            if text:
                document.add_paragraph().add_run(label).bold = True
                document.add_paragraph(text)
        minutes = r["minutes"]
        if minutes:
            document.add_paragraph().add_run(
                f"{minutes.committee} {minutes.meeting_date:%Y-%m-%d} {minutes.paragraph}"
            ).bold = True
            document.add_paragraph(minutes.decision)
    return _bytes(document)


def diff_docx(content: dict) -> bytes:
    old, new = content["old"], content["new"]
    document = _document(
        _("Comparison of agreement versions"),
        f"{content['agreement']}: {old.case_number or old.label} → {new.case_number or new.label}",
    )
    document.add_heading(_("Changes"), level=1)
    if not content["changes"]:
        document.add_paragraph(_("The two versions have the same areas, goals and text."))
    for change in content["changes"]:
        paragraph = document.add_paragraph(style="List Number")
        paragraph.add_run(f"{change.label}").bold = True
        if change.area:
            paragraph.add_run(f" ({change.area})")
        if change.is_text:
            text = document.add_paragraph()
            for tag, words in change.words:
                run = text.add_run(words + " ")
                run.font.strike = tag == "removed"
                run.underline = tag == "added"
        else:
            if change.before:
                document.add_paragraph(f"{_('Before')}: {change.before}")
            if change.after:
                document.add_paragraph(f"{_('After')}: {change.after}")
        if change.note:
            document.add_paragraph(change.note)
        for traced in change.proposals:
            p = traced.proposal
            document.add_paragraph(
                f"{_('Answers the proposal')}: {p.heading} ({p.statement.recipient.organisation})",
                style="List Bullet",
            )
    document.add_heading(_("Amendment proposals and their outcome"), level=1)
    if not content["proposals"]:
        document.add_paragraph(_("No amendment proposals were made on the drafts between these versions."))
    for traced in content["proposals"]:
        p = traced.proposal
        document.add_heading(f"{p.heading} – {p.statement.recipient.organisation}", level=2)
        outcome = traced.outcome
        document.add_paragraph(
            f"{_('Outcome')}: {outcome.get_outcome_display() if outcome else _('not yet decided')}"
            + (f". {outcome.comment}" if outcome and outcome.comment else "")
        )
        for change in p.changes.all():
            document.add_paragraph(
                f"{change.get_kind_display()} – {change.anchor_label}"
                + (f": ”{change.proposed_text}”" if change.proposed_text else ""),
                style="List Bullet",
            )
        numbers = ", ".join(str(c.number) for c in traced.shown)
        document.add_paragraph(
            _("Answered by change %(numbers)s.") % {"numbers": numbers}
            if numbers
            else _("No change in the later version answers it.")
        )
    return _bytes(document)
