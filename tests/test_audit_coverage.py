"""Every write a service makes to a recorded model is in the audit log, also the
writes that pass Django's signals by (a queryset's update, a bulk create): the
database's own statements are watched while the platform's services run, and a
table written without an event for its model fails the test."""

import re

from django.apps import apps
from django.core.management import call_command
from django.db import connection

from samverkan.accounts.models import Role
from samverkan.agreements.models import PriorityArea
from samverkan.api.services import token_issue, tokens_revoke
from samverkan.audit.models import AuditEvent, is_recorded
from samverkan.situations import services as situations
from samverkan.situations.models import JointAnalysis

WRITE = re.compile(r'^\s*(UPDATE|INSERT INTO|DELETE FROM)\s+"?(\w+)"?', re.IGNORECASE)
ACTION = {"UPDATE": "update", "INSERT INTO": "create", "DELETE FROM": "delete"}
SET_COLUMNS = re.compile(r'"(\w+)"\s*=', re.IGNORECASE)


def _recorded_as() -> dict[str, str]:
    """Table → the label its writes are recorded under (a relation's table under its owner)."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        owner = model._meta.auto_created or model
        if is_recorded(owner):
            tables[model._meta.db_table] = owner._meta.label
    return tables


class Writes:
    """The recorded tables the database was asked to write: by model and the kind of
    event that write must leave, the columns an update set ("*" for an insert or delete)."""

    def __init__(self):
        self.tables = _recorded_as()
        self.seen: dict[tuple[str, str], set[str]] = {}

    def __call__(self, execute, sql, params, many, context):
        match = WRITE.match(sql)
        if match and match.group(2) in self.tables:
            table, label = match.group(2), self.tables[match.group(2)]
            action = ACTION[match.group(1).upper()]
            columns = set(SET_COLUMNS.findall(sql.split(" WHERE ")[0])) if action == "update" else {"*"}
            if table != apps.get_model(label)._meta.db_table:
                action = "update"  # a relation's row added or removed changes its owner
            self.seen.setdefault((label, action), set()).update(columns)
        return execute(sql, params, many, context)

    def unrecorded(self, since: int) -> dict[str, set[str]]:
        """Each model and kind of write the database saw with no event of that kind since `since`."""
        recorded = set(AuditEvent.objects.filter(pk__gt=since).values_list("model", "action"))
        missing = {}
        for (label, action), columns in self.seen.items():
            model = apps.get_model(label)
            quiet = set(getattr(model, "audit_quiet_fields", ()))
            derived = getattr(model, "audit_derived", False)
            if derived and any(model_label == label for model_label, _action in recorded):
                continue  # derived data: one event per recomputation, whatever it wrote
            if (label, action) not in recorded and not columns <= quiet:
                missing[f"{label} {action}"] = columns - quiet
        return missing


def _last_event() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_the_watcher_sees_an_update_that_nothing_recorded(cast):
    since = _last_event()
    watcher = Writes()
    with connection.execute_wrapper(watcher):
        PriorityArea.objects.filter(pk__in=PriorityArea.objects.values("pk")[:1]).update(name="x")
    assert watcher.unrecorded(since) == {"agreements.PriorityArea update": {"name"}}


def test_the_example_year_is_recorded_write_by_write(cast):
    since = _last_event()
    watcher = Writes()
    with connection.execute_wrapper(watcher):
        call_command("load_example_pictures", "stockholm", verbosity=0)
        call_command("load_example_plans", "stockholm", verbosity=0)
        call_command("load_example_consultations", "stockholm", verbosity=0)
    assert len(watcher.seen) > 15
    assert watcher.unrecorded(since) == {}


def test_merges_rankings_and_revocations_are_recorded(cast):
    call_command("load_example_pictures", "stockholm", verbosity=0)
    analysis = JointAnalysis.objects.filter(problems__evidence__isnull=False).distinct().first()
    from samverkan.situations.selectors import problem_parties

    # Two problems the two parties saw apart (a merge joins their views of one problem).
    problems = list(analysis.problems.all())
    keep, other = next(
        (a, b)
        for a in problems
        for b in problems
        if problem_parties(a) == {"city"} and problem_parties(b) == {"police"}
    )
    token, _key = token_issue(user=cast[Role.DISTRICT_COORDINATOR], name="t")
    since = _last_event()
    watcher = Writes()
    with connection.execute_wrapper(watcher):
        situations.joint_problems_merge(keep=keep, other=other)
        tokens_revoke([token])
    assert watcher.unrecorded(since) == {}
    assert {("situations.Evidence", "update"), ("api.ApiToken", "update")} <= set(watcher.seen)


def test_an_import_and_its_refresh_are_a_handful_of_events_that_say_what_happened(stockholm):
    """A BRÅ file's import: its batch, one event for the rows it added, and one per
    indicator refreshed naming the import, the years and the counts, not a row each."""
    from pathlib import Path

    from samverkan.datasources import loader
    from samverkan.indicators.models import Indicator
    from samverkan.indicators.services import refresh_after_import

    data = (Path(__file__).parent / "fixtures" / "bra_databasfil.txt").read_bytes()
    since = _last_event()
    watcher = Writes()
    with connection.execute_wrapper(watcher):
        batch = loader.batch_receive(
            municipality=stockholm, kind="bra", filename="bra_databasfil.txt", data=data, user=None
        )
        loader.batch_apply(batch)
        refresh_after_import(batch)
    assert watcher.unrecorded(since) == {}
    events = AuditEvent.objects.filter(pk__gt=since)
    refreshes = events.filter(model="indicators.IndicatorValue")
    indicators = Indicator.objects.filter(municipality=stockholm, source="bra").count()
    assert refreshes.count() == indicators > 0
    refresh = refreshes.first()
    assert refresh.changes["cause"] == [None, f"import #{batch.pk}"]
    assert refresh.changes["years"] == [None, [2023]] and refresh.changes["values_written"][1] > 0
    rows = events.get(model="datasources.ReportedCrimeCount", action="create")
    assert rows.changes["rows_added"] == [None, 24]
    assert events.count() < 40, list(events.values_list("model", "action"))
