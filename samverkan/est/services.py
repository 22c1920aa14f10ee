import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.est.compile import compile_week, week_start_of
from samverkan.est.models import EstGroup, ObservationFeedback, QuickMeasure, WeeklyMeeting, WeeklyPicture
from samverkan.est.selectors import recipients_of
from samverkan.notifications.services import mail_queue


@transaction.atomic
def weekly_picture_compile(*, group: EstGroup, week_start: dt.date) -> WeeklyPicture:
    """Compile a week; a picture already sent is never recompiled, so the
    recipients and the record say the same."""
    week_start = week_start_of(week_start)
    picture = WeeklyPicture.objects.select_for_update().filter(group=group, week_start=week_start).first()
    if picture is not None and picture.sent_at is not None:
        return picture
    content = compile_week(group.area, week_start)
    if picture is None:
        return WeeklyPicture.objects.create(
            group=group, week_start=week_start, content=content, compiled_at=timezone.now()
        )
    picture.content, picture.compiled_at = content, timezone.now()
    picture.save()
    return picture


@transaction.atomic
def weekly_picture_send(*, picture: WeeklyPicture, base_url: str = "") -> int:
    """E-mail the weekly picture to every active user of the recipient
    organisations and record that it was sent (the mail goes out from the
    worker after commit, retried while the mail server is down)."""
    if picture.sent_at is not None:
        raise ValidationError(_("This weekly picture has already been sent."))
    people = recipients_of(picture.group)
    content = picture.content
    lines = [
        _("Weekly picture %(week)s, %(group)s") % {"week": picture.week_label, "group": picture.group.name},
        "",
        _("Observations: %(n)s (previous weeks: %(mean)s on average)")
        % {"n": content["observations"]["total"], "mean": content["observations"]["previous_mean"]},
        _("Police events naming the district: %(n)s (previous weeks: %(mean)s on average)")
        % {"n": content["events"]["total"], "mean": content["events"]["previous_mean"]},
    ]
    for row in content["observations"]["by_category"]:
        if row["count"]:
            mark = " *" if row["unusual"] else ""
            lines.append(f"  {row['category']}: {row['count']}{mark}")
    if any(r["unusual"] for r in content["observations"]["by_category"]):
        lines += ["", _("* more than usual compared with the previous four weeks")]
    if base_url:
        lines += ["", base_url]
    subject = _("EST weekly picture %(week)s – %(group)s") % {
        "week": picture.week_label,
        "group": picture.group.name,
    }
    body = "\n".join(lines)
    mail_queue(people, subject=subject, body=body)  # sent by the worker once this commits
    picture.sent_at, picture.sent_to = timezone.now(), len(people)
    picture.save()
    return len(people)


@transaction.atomic
def meeting_record(*, picture: WeeklyPicture, held_on: dt.date, focus: str, hotspots: str, notes: str, user):
    # By id: a refused meeting must not stay attached to the picture that is shown again.
    meeting = WeeklyMeeting(
        picture_id=picture.pk, held_on=held_on, focus=focus, hotspots=hotspots, notes=notes, recorded_by=user
    )
    if hasattr(picture, "meeting"):
        meeting = picture.meeting
        meeting.held_on, meeting.focus, meeting.hotspots, meeting.notes = held_on, focus, hotspots, notes
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def quick_measure_add(*, meeting: WeeklyMeeting, text: str, place: str, owner, due: dt.date) -> QuickMeasure:
    measure = QuickMeasure(meeting=meeting, text=text, place=place, owner=owner, due=due)
    measure.full_clean()
    measure.save()
    return measure


@transaction.atomic
def quick_measure_set_status(*, measure: QuickMeasure, status: str) -> QuickMeasure:
    measure.status = status
    measure.full_clean()
    measure.save()
    return measure


@transaction.atomic
def observation_feedback_give(
    *, observation, outcome: str, text: str, user, meeting=None
) -> ObservationFeedback:
    feedback, _created = ObservationFeedback.objects.get_or_create(
        observation=observation, defaults={"outcome": outcome, "given_by": user, "meeting": meeting}
    )
    feedback.outcome, feedback.text, feedback.given_by, feedback.meeting = outcome, text, user, meeting
    feedback.full_clean()
    feedback.save()
    return feedback
