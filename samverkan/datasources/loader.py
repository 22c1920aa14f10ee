"""The shared loader: every import is checked first (a dry run that
writes nothing but the kept original), then applied all at once or not at
all. Importing the same content again adds nothing."""

import json
from collections import Counter
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.datasources.importers import (
    ParseResult,
    UnreadableFile,
    boundaries,
    bra,
    observations,
    police_events,
    surveys,
)
from samverkan.datasources.models import (
    ImportBatch,
    Observation,
    ObservationCategory,
    PoliceEvent,
    ReportedCrimeCount,
    SourceKind,
    SurveyResult,
)
from samverkan.datasources.regions import RegionResolver, normalise
from samverkan.datasources.signals import batch_imported
from samverkan.organisations.models import Area, AreaKind, Municipality, Organisation
from samverkan.organisations.placement import AreaLocator, AreaNames
from samverkan.plans import roundtrip

PARSERS = {
    SourceKind.BRA: bra.parse,
    SourceKind.POLICE_EVENTS: police_events.parse,
    SourceKind.OBSERVATIONS: observations.parse,
    SourceKind.BOUNDARIES: boundaries.parse,
    SourceKind.SURVEY: surveys.parse,
    SourceKind.MEASURES: roundtrip.parse_measures,
    SourceKind.FOLLOW_UP: roundtrip.parse_progress,
}
MAX_ERRORS_SHOWN = 200


@dataclass
class Plan:
    """What applying a file would do."""

    new: list = field(default_factory=list)
    changed: list = field(default_factory=list)  # (existing object, {field: new value})
    unchanged: int = 0
    unmapped: Counter = field(default_factory=Counter)
    outside: Counter = field(default_factory=Counter)


def batch_receive(
    *, municipality: Municipality, kind: str, filename: str, data: bytes, user, check: bool = True
) -> ImportBatch:
    """Keep the original file and check it (or leave the check to the worker
    with check=False): nothing else is written."""
    batch = ImportBatch(
        municipality=municipality,
        kind=kind,
        filename=filename[:255],
        sha256=ImportBatch.checksum(data),
        size=len(data),
        uploaded_by=user,
    )
    batch.original.save(filename, ContentFile(data), save=False)
    batch.status = ImportBatch.Status.QUEUED
    batch.save()
    if check:
        batch_check(batch, data=data)
    return batch


def _progress(batch: ImportBatch, status: str, percent: int) -> None:
    """Committed at once (outside any import transaction) so the page can show it."""
    ImportBatch.objects.filter(pk=batch.pk).update(status=status, progress=percent)
    batch.status, batch.progress = status, percent


def batch_check(batch: ImportBatch, *, data: bytes | None = None) -> Plan | None:
    _progress(batch, ImportBatch.Status.CHECKING, 10)
    data = data if data is not None else batch.original.open("rb").read()
    report: dict = {"errors": [], "notes": [], "counts": {}}
    previous = (
        ImportBatch.objects.filter(
            municipality=batch.municipality,
            kind=batch.kind,
            sha256=batch.sha256,
            status=ImportBatch.Status.IMPORTED,
        )
        .exclude(pk=batch.pk)
        .first()
    )
    plan = None
    try:
        parsed = PARSERS[batch.kind](data, batch.filename)
    except UnreadableFile as error:
        report["errors"].append({"line": None, "message": str(error)})
    else:
        batch.read_as = parsed.encoding
        plan = _plan(batch, parsed)  # may add errors only the database can see (unknown names)
        report["notes"] = list(parsed.notes)
        errors = sorted(parsed.errors, key=lambda e: e.line or 0)
        report["errors"] = [{"line": e.line, "message": e.message} for e in errors[:MAX_ERRORS_SHOWN]]
        report["error_count"] = len(parsed.errors)
        report["counts"] = {
            "rows": len(parsed.rows),
            "new": len(plan.new),
            "changed": len(plan.changed),
            "unchanged": plan.unchanged,
        }
        report["changed"] = [
            {
                "object": str(obj),
                "changes": {k: [_short(getattr(obj, k)), _short(v)] for k, v in values.items()},
            }
            for obj, values in plan.changed[:MAX_ERRORS_SHOWN]
        ]
        report["unmapped"] = dict(plan.unmapped.most_common())
        report["outside"] = dict(plan.outside.most_common())
    if previous is not None:
        report["notes"].insert(
            0,
            _("This exact file was already imported on %(date)s; importing it again adds nothing.")
            % {"date": timezone.localtime(previous.imported_at).strftime("%Y-%m-%d %H:%M")},
        )
    batch.report = report
    batch.progress = 100
    if report["errors"]:
        batch.status = ImportBatch.Status.REJECTED
    elif previous is not None:
        batch.status = ImportBatch.Status.DUPLICATE
    else:
        batch.status = ImportBatch.Status.PREVIEWED
    batch.save()
    return plan


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


class ImportRefused(Exception):
    pass


def batch_apply(batch: ImportBatch) -> ImportBatch:
    """Write everything the check found, in one transaction."""
    if batch.status not in (ImportBatch.Status.PREVIEWED, ImportBatch.Status.IMPORTING):
        raise ImportRefused(_("Only a checked file without errors can be imported."))
    _progress(batch, ImportBatch.Status.IMPORTING, 20)
    try:
        data = batch.original.open("rb").read()
        if ImportBatch.checksum(data) != batch.sha256:
            raise ImportRefused(_("The kept file no longer matches its checksum; upload it again."))
        with transaction.atomic():
            parsed = PARSERS[batch.kind](data, batch.filename)
            plan = _plan(batch, parsed, remember=True)
            if parsed.errors:
                raise ImportRefused(_("The file has errors; nothing was imported."))
            model = type(plan.new[0]) if plan.new else None
            if model is not None:
                model.objects.bulk_create(plan.new, batch_size=1000)
            for obj, values in plan.changed:
                for name, value in values.items():
                    setattr(obj, name, value)
                obj.batch = batch
                obj.save()  # audited: a changed imported value is never silent
            batch.status = ImportBatch.Status.IMPORTED
            batch.progress = 100
            batch.imported_at = timezone.now()
            batch.report = {
                **batch.report,
                "applied": {"new": len(plan.new), "changed": len(plan.changed), "unchanged": plan.unchanged},
            }
            batch.save()
            transaction.on_commit(lambda: batch_imported.send(sender=ImportBatch, batch=batch))
    except Exception:
        _progress(batch, ImportBatch.Status.PREVIEWED, 0)  # the transaction wrote nothing
        raise
    return batch


def _plan(batch: ImportBatch, parsed: ParseResult, *, remember: bool = False) -> Plan:
    if batch.kind == SourceKind.BRA:
        return _plan_crime_counts(batch, parsed, remember)
    if batch.kind == SourceKind.OBSERVATIONS:
        return _plan_observations(batch, parsed)
    if batch.kind == SourceKind.BOUNDARIES:
        return _plan_boundaries(batch, parsed)
    if batch.kind == SourceKind.SURVEY:
        return _plan_survey(batch, parsed, remember)
    if batch.kind == SourceKind.MEASURES:
        return roundtrip.plan_measures(batch, parsed, Plan)
    if batch.kind == SourceKind.FOLLOW_UP:
        return roundtrip.plan_progress(batch, parsed, Plan)
    return _plan_police_events(batch, parsed)


_COUNT_FIELDS = ("count", "suppressed", "preliminary", "rate_per_100k")


def _plan_crime_counts(batch: ImportBatch, parsed: ParseResult, remember: bool) -> Plan:
    plan = Plan()
    resolver = RegionResolver(batch.municipality)
    regions = {row.data["region"] for row in parsed.rows}
    existing = {
        (c.region, c.crime, c.year, c.period_kind, c.period): c
        for c in ReportedCrimeCount.objects.filter(municipality=batch.municipality, region__in=regions)
    }
    resolutions = {}
    for region in regions:
        resolutions[region] = resolver.resolve(region)
        if remember:
            resolver.remember(region, resolutions[region])
    for row in parsed.rows:
        d = row.data
        resolution = resolutions[d["region"]]
        if not resolution.mapped:
            plan.unmapped[d["region"]] += 1
        values = {
            "count": d["count"],
            "suppressed": d["suppressed"],
            "preliminary": d["preliminary"],
            "rate_per_100k": d["rate"],
        }
        current = existing.get((d["region"], d["crime"], d["year"], d["period_kind"], d["period"]))
        if current is None:
            plan.new.append(
                ReportedCrimeCount(
                    municipality=batch.municipality,
                    region=d["region"],
                    area=resolution.area,
                    is_municipality=resolution.is_municipality,
                    crime=d["crime"],
                    year=d["year"],
                    period_kind=d["period_kind"],
                    period=d["period"],
                    batch=batch,
                    line=row.line,
                    **values,
                )
            )
            continue
        differences = {k: v for k, v in values.items() if getattr(current, k) != v}
        if differences:
            plan.changed.append((current, differences))
        else:
            plan.unchanged += 1
    return plan


def _plan_police_events(batch: ImportBatch, parsed: ParseResult) -> Plan:
    plan = Plan()
    municipality = batch.municipality
    place = (municipality.place_name or municipality.name).casefold()
    existing = {
        e.event_id: e
        for e in PoliceEvent.objects.filter(
            municipality=municipality, event_id__in=[r.data["event_id"] for r in parsed.rows]
        )
    }
    names = AreaNames(municipality)
    for row in parsed.rows:
        d = dict(row.data)
        d["in_municipality"] = d["location_name"].casefold() == place
        if not d["in_municipality"]:
            plan.outside[d["location_name"]] += 1
        d["named_area"] = names.only_named(f"{d['name']} {d['summary']}") if d["in_municipality"] else None
        current = existing.get(d["event_id"])
        if current is None:
            plan.new.append(PoliceEvent(municipality=municipality, batch=batch, **d))
            continue
        differences = {
            k: v
            for k, v in d.items()
            if k in {"name", "summary", "event_type", "url"} and getattr(current, k) != v
        }
        if differences:
            plan.changed.append((current, differences))
        else:
            plan.unchanged += 1
    return plan


def observation_fingerprint(d: dict, category_id: int, organisation_id: int) -> str:
    return Observation.make_fingerprint(
        at=d["observed_at"].isoformat(),
        category=category_id,
        organisation=organisation_id,
        lon=d["longitude"],
        lat=d["latitude"],
        address=d["address"],
        description=d["description"],
    )


def _plan_observations(batch: ImportBatch, parsed: ParseResult) -> Plan:
    plan = Plan()
    municipality = batch.municipality
    categories = {c.name.casefold(): c for c in ObservationCategory.objects.filter(municipality=municipality)}
    organisations = {o.name.casefold(): o for o in Organisation.objects.filter(municipality=municipality)}
    organisations |= {o.short_name.casefold(): o for o in organisations.values() if o.short_name}
    rows = []
    for row in parsed.rows:
        d = row.data
        category = categories.get(d["category"].casefold())
        organisation = organisations.get(d["organisation"].casefold())
        if category is None:
            parsed.error(row.line, _("'%(value)s' is not in the checklist.") % {"value": d["category"]})
        elif organisation is None:
            parsed.error(
                row.line, _("'%(value)s' is not a known organisation.") % {"value": d["organisation"]}
            )
        else:
            rows.append((row, category, organisation))
    fingerprints = {observation_fingerprint(r.data, c.pk, o.pk) for r, c, o in rows}
    existing = set(
        Observation.objects.filter(fingerprint__in=fingerprints).values_list("fingerprint", flat=True)
    )
    placed = [(r, c, o) for r, c, o in rows if r.data["longitude"] is not None]
    locator = AreaLocator(municipality)
    districts, neighbourhoods = locator.locate(
        [r.data["longitude"] for r, _c, _o in placed],
        [r.data["latitude"] for r, _c, _o in placed],
        [timezone.localtime(r.data["observed_at"]).date() for r, _c, _o in placed],
    )
    located = {id(r): (d, n) for (r, _c, _o), d, n in zip(placed, districts, neighbourhoods, strict=True)}
    seen = set()
    for row, category, organisation in rows:
        fingerprint = observation_fingerprint(row.data, category.pk, organisation.pk)
        if fingerprint in existing or fingerprint in seen:
            plan.unchanged += 1
            continue
        seen.add(fingerprint)
        district_id, neighbourhood_id = located.get(id(row), (None, None))
        if row.data["longitude"] is None:
            day = timezone.localtime(row.data["observed_at"]).date()
            district_id, neighbourhood_id = locator.locate_by_name(row.data["address"], day)
        if row.data["longitude"] is not None and district_id is None:
            plan.outside[_("outside the municipality's areas")] += 1
        plan.new.append(
            Observation(
                municipality=municipality,
                observed_at=row.data["observed_at"],
                category=category,
                description=row.data["description"],
                longitude=row.data["longitude"],
                latitude=row.data["latitude"],
                address=row.data["address"],
                area_id=district_id,
                neighbourhood_id=neighbourhood_id,
                organisation=organisation,
                classification=row.data.get("classification", "open"),
                batch=batch,
                fingerprint=fingerprint,
            )
        )
    return plan


def _plan_boundaries(batch: ImportBatch, parsed: ParseResult) -> Plan:
    """New polygons for configured areas, matched by name; the file decides
    whether it holds district areas or neighbourhoods by which matches more."""
    plan = Plan()
    areas = list(Area.objects.filter(municipality=batch.municipality))
    names = {kind: {normalise(a.name): a for a in areas if a.kind == kind} for kind in AreaKind.values}
    matches = {
        kind: sum(normalise(r.data["name"]) in by_name for r in parsed.rows)
        for kind, by_name in names.items()
    }
    kind = max(matches, key=matches.get)
    parsed.notes.append(_("The file holds %(kind)s.") % {"kind": AreaKind(kind).label.lower()})
    for row in parsed.rows:
        area = names[kind].get(normalise(row.data["name"]))
        if area is None:
            plan.unmapped[row.data["name"]] += 1
            continue
        # Compare as stored: a JSON round trip turns the parser's tuples into lists.
        geometry = json.loads(json.dumps(row.data["geometry"]))
        if area.geometry == geometry:
            plan.unchanged += 1
        else:
            plan.changed.append((area, {"geometry": geometry, "geometry_source": batch.filename[:300]}))
    return plan


def _plan_survey(batch: ImportBatch, parsed: ParseResult, remember: bool) -> Plan:
    plan = Plan()
    resolver = RegionResolver(batch.municipality)
    resolutions = {}
    for region in {r.data["region"] for r in parsed.rows}:
        resolutions[region] = resolver.resolve(region)
        if remember:
            resolver.remember(region, resolutions[region])
    existing = {
        (s.region, s.year, s.question): s
        for s in SurveyResult.objects.filter(municipality=batch.municipality, region__in=resolutions)
    }
    seen = {}
    for row in parsed.rows:
        d = row.data
        key = (d["region"], d["year"], d["question"])
        if key in seen:
            parsed.error(
                row.line, _("The same area, year and question as line %(line)s.") % {"line": seen[key]}
            )
            continue
        seen[key] = row.line
        resolution = resolutions[d["region"]]
        if not resolution.mapped:
            plan.unmapped[d["region"]] += 1
        current = existing.get(key)
        if current is None:
            plan.new.append(
                SurveyResult(
                    municipality=batch.municipality,
                    region=d["region"],
                    area=resolution.area,
                    is_municipality=resolution.is_municipality,
                    year=d["year"],
                    question=d["question"],
                    count=d["count"],
                    respondents=d["respondents"],
                    batch=batch,
                    line=row.line,
                )
            )
            continue
        differences = {k: d[k] for k in ("count", "respondents") if getattr(current, k) != d[k]}
        if differences:
            plan.changed.append((current, differences))
        else:
            plan.unchanged += 1
    return plan
