"""Where a request's time goes, for the load benchmark: a Server-Timing
header with queue, app, CPU and database time, only when turned on."""

import re
import time

from django.urls import reverse

from samverkan.accounts.models import Role


def timings(response) -> dict[str, tuple[float, str]]:
    found = {}
    for part in response["Server-Timing"].split(","):
        name, *fields = [f.strip() for f in part.split(";")]
        values = dict(f.split("=", 1) for f in fields)
        found[name] = (float(values["dur"]), values.get("desc", "").strip('"'))
    return found


def test_no_timing_header_unless_turned_on(client, cast):
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    assert "Server-Timing" not in client.get(reverse("start"))


def test_the_header_says_where_the_time_went(client, cast, settings):
    settings.SAMVERKAN_SERVER_TIMING = True
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    sent = time.time() - 0.5  # the request waited half a second for a worker
    response = client.get(reverse("start"), headers={"X-Request-Start": f"t={sent:.3f}"})
    assert response.status_code == 200
    found = timings(response)
    assert set(found) == {"app", "cpu", "db", "queue"}
    assert found["app"][0] > 0 and found["db"][0] <= found["app"][0]
    assert int(found["db"][1]) > 0  # the page read the database
    assert 450 <= found["queue"][0] < 60_000
    # A header it cannot read is left out, not guessed.
    response = client.get(reverse("start"), headers={"X-Request-Start": "soon"})
    assert "queue" not in timings(response) and re.search(r"app;dur=[\d.]+", response["Server-Timing"])
