"""A mail server that is down delays the e-mail, never the change: a notification's
mail is stored with it and sent by the worker after commit, retried with growing
pauses, and its state shown to administrators."""

import datetime as dt
import email
import email.policy
import socket
import socketserver
import threading

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from samverkan.accounts.models import Role
from samverkan.notifications.models import Mail
from samverkan.notifications.outbox import RETRY_PAUSES, attempt
from samverkan.plans import services
from samverkan.plans.demo import load_example_plans
from samverkan.plans.models import ReportStatus
from samverkan.situations.demo import load_example_pictures
from tests.test_plans import EXAMPLE_PICTURES, EXAMPLE_PLANS, PLACES


class _Smtp(socketserver.StreamRequestHandler):
    """Just enough SMTP to take a message: what a mail server that is back up does."""

    def handle(self):
        self.wfile.write(b"220 test ESMTP\r\n")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250 test\r\n")
            elif verb == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                message = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    message += chunk
                self.server.received.append(message.decode("utf-8", "replace"))
                self.wfile.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_at(settings):
    """Mail goes to a real SMTP port on this machine, where no server listens yet."""
    port = _free_port()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    return port


def _run_worker():
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


# Committed for real: the mail's task is queued when the submission commits, and the worker runs it.
@pytest.fixture
def places_plan(stockholm):
    """The worked example's plan (loaded here: test_plans.py keeps it in a module
    transaction, which a transactional test cannot run inside)."""
    load_example_pictures(EXAMPLE_PICTURES, municipality=stockholm)
    plans = load_example_plans(EXAMPLE_PLANS, municipality=stockholm)
    return next(p for p in plans if p.priority_area.name == PLACES)


@pytest.mark.django_db(transaction=True)
def test_a_follow_up_is_submitted_while_the_mail_server_is_down_and_mailed_when_it_is_back(
    client,
    cast,
    places_plan,
    smtp_at,
):
    report = services.report_create(plan=places_plan, year=2025, tertial=3)
    Mail.objects.all().delete()  # the example year's own mail
    DBTaskResult.objects.all().delete()
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    response = client.post(reverse("plans:report_submit", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    mails = list(Mail.objects.all())
    assert mails and {m.state for m in mails} == {Mail.State.WAITING}
    assert DBTaskResult.objects.filter(task_path="samverkan.notifications.outbox.send_mail").count() == len(
        mails
    )

    _run_worker()  # the server is down
    for mail in Mail.objects.all():
        assert mail.state == Mail.State.WAITING and mail.attempts == 1
        assert "Connection" in mail.last_error or "refused" in mail.last_error.lower()
        assert timezone.now() < mail.next_attempt_at <= timezone.now() + RETRY_PAUSES[0]
    retries = DBTaskResult.objects.filter(status="READY", run_after__isnull=False)
    assert retries.count() == len(mails)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", smtp_at), _Smtp)
    server.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        retries.update(run_after=timezone.now() - dt.timedelta(seconds=1))  # the pause has passed
        Mail.objects.update(next_attempt_at=timezone.now())
        _run_worker()
    finally:
        server.shutdown()
        server.server_close()
    assert {m.state for m in Mail.objects.all()} == {Mail.State.SENT}
    assert len(server.received) == len(mails)
    subjects = [email.message_from_string(m, policy=email.policy.default)["Subject"] for m in server.received]
    assert all(subject.startswith("Uppföljning inlämnad") for subject in subjects), subjects


def test_a_mail_that_keeps_failing_is_marked_failed_and_an_administrator_sends_it_again(
    client, cast, stockholm, smtp_at
):
    from samverkan.notifications.services import notify

    notify([cast[Role.POLITICIAN]], key="k", message="Hej")
    mail = Mail.objects.get()
    for _ in range(len(RETRY_PAUSES) + 1):
        Mail.objects.filter(pk=mail.pk).update(next_attempt_at=None)
        attempt(mail.pk)
    mail.refresh_from_db()
    assert mail.state == Mail.State.FAILED and mail.attempts == len(RETRY_PAUSES) + 1

    page = reverse("mail_outbox")
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    assert client.get(page).status_code == 403
    client.force_login(cast[Role.ADMINISTRATOR])
    shown = client.get(page + "?state=failed").content.decode()
    assert mail.to in shown and "Connection" in shown
    response = client.post(page, {"mail": mail.pk}, follow=True)
    assert response.status_code == 200
    mail.refresh_from_db()
    assert mail.state == Mail.State.WAITING and mail.attempts == 0
    assert client.post(page, {"mail": "99999999999999999999"}).status_code == 404


def test_mail_written_without_a_request_links_to_the_site(cast, stockholm, settings):
    """A reminder from the scheduled command knows no request: its link is made from
    the site's address, so a mail client can open it."""
    from samverkan.notifications.services import notify

    settings.SAMVERKAN_SITE_URL = "https://samverkan.example.se"
    notify([cast[Role.POLITICIAN]], key="k1", message="Påminnelse", url="/plans/reports/7/")
    notify(
        [cast[Role.POLITICIAN]],
        key="k2",
        message="Inlämnad",
        url="/plans/reports/8/",
        body="Se /plans/reports/8/",
    )
    bodies = dict(Mail.objects.values_list("notification__key", "body"))
    assert bodies["k1"].endswith("\n\nhttps://samverkan.example.se/plans/reports/7/")
    assert bodies["k2"] == "Se https://samverkan.example.se/plans/reports/8/"
