import datetime as dt

from django.tasks import task

from samverkan.est import services
from samverkan.est.models import EstGroup


@task()
def compile_and_send_week(group_id: int, week_start: str) -> int:
    """Compile a finished week for a group and send it; returns how many
    people it was sent to (0 when it had been sent already)."""
    picture = services.weekly_picture_compile(
        group=EstGroup.objects.get(pk=group_id), week_start=dt.date.fromisoformat(week_start)
    )
    if picture.sent_at is not None:
        return 0
    return services.weekly_picture_send(picture=picture)
