import datetime as dt
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from samverkan.datasources.fetching import MAX_PER_HOUR, next_allowed
from samverkan.datasources.models import FetchLog, PoliceEvent

FIXTURES = Path(__file__).parent / "fixtures"
T0 = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)


def test_calls_are_at_least_ten_seconds_apart():
    assert next_allowed(T0, []) == T0
    assert next_allowed(T0, [T0 - dt.timedelta(seconds=3)]) == T0 + dt.timedelta(seconds=7)
    assert next_allowed(T0, [T0 - dt.timedelta(seconds=30)]) == T0


def test_fewer_than_sixty_calls_an_hour():
    history = [T0 - dt.timedelta(minutes=59) + dt.timedelta(seconds=20 * i) for i in range(MAX_PER_HOUR)]
    allowed = next_allowed(T0, history)
    assert allowed == history[0] + dt.timedelta(hours=1)
    calls = history + [allowed]
    assert sum(1 for t in calls if t > allowed - dt.timedelta(hours=1)) <= 59


class Api(BaseHTTPRequestHandler):
    seen_agents: list[str] = []

    def do_GET(self):
        Api.seen_agents.append(self.headers.get("User-Agent", ""))
        if self.path.startswith("/api/events"):
            body = (FIXTURES / "police_events.json").read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def api():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_the_fetcher_archives_new_events_and_identifies_itself(stockholm, api):
    call_command("fetch_police_events", url=f"{api}/api/events", verbosity=0)
    assert PoliceEvent.objects.count() == 4
    log = FetchLog.objects.get()
    assert (
        log.status == 200
        and log.batch.original.open("rb").read() == (FIXTURES / "police_events.json").read_bytes()
    )
    assert Api.seen_agents[-1].startswith("Samverkan/")


def test_a_404_is_final(stockholm, api):
    with pytest.raises(CommandError, match="404"):
        call_command("fetch_police_events", url=f"{api}/gone", verbosity=0)
    calls = len(Api.seen_agents)
    with pytest.raises(CommandError, match="404"):
        call_command("fetch_police_events", url=f"{api}/gone", verbosity=0)
    assert len(Api.seen_agents) == calls  # not asked again
