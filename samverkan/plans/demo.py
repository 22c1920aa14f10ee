"""Loads a worked example of action plans, tertial follow-ups, a citizen
promise and the yearly compilation from a configuration's `plans.toml`, on
top of the example situation picture. Everything it creates is marked as
example content. Loading again changes nothing."""

from django.core.exceptions import ValidationError

from samverkan.accounts.models import Role, User
from samverkan.agreements.models import Agreement, Goal, Scope
from samverkan.governance.models import Body
from samverkan.indicators.models import Indicator
from samverkan.plans import selectors, services
from samverkan.plans.models import ActionPlan, AnnualReport, Communication, Measure, MeasureKind
from samverkan.situations.models import Cause, Problem, SituationPicture


def _user(organisation, *roles) -> User:
    user = (
        User.objects.filter(organisation=organisation, role__in=roles).first()
        or User.objects.filter(role=Role.ADMINISTRATOR).first()
        or User.objects.filter(is_superuser=True).first()
    )
    if user is None:
        raise ValueError("The example needs a user to record it; load the configuration with --demo.")
    return user


def load_example_plans(data: dict, *, municipality) -> list[ActionPlan]:
    loaded: list[ActionPlan] = []
    measures: dict[str, Measure] = {}
    for item in data.get("plans", []):
        agreement = Agreement.objects.get(
            municipality=municipality, scope=Scope.LOCAL, area__code=item["district"]
        )
        area = agreement.versions.get(valid_from__year=2024).priority_areas.get(name=item["priority_area"])
        existing = ActionPlan.objects.filter(
            agreement=agreement, priority_area=area, year=item["year"]
        ).first()
        if existing is not None:
            loaded.append(existing)
            measures |= {m.title: m for m in existing.measures.all()}
            continue
        plan, made = _load_plan(item, agreement, area, municipality)
        loaded.append(plan)
        measures |= made
    for item in data.get("communications", []):
        _load_communication(item, municipality, measures, data)
    annual = data.get("annual")
    if annual and not AnnualReport.objects.filter(municipality=municipality, year=annual["year"]).exists():
        preparation = User.objects.filter(role=Role.PREPARATION_GROUP).first() or _user(None)
        report = AnnualReport.objects.create(
            municipality=municipality,
            year=annual["year"],
            requested_by=preparation,
            next_year_plan=annual.get("next_year_plan", ""),
            is_example=True,
        )
        services.annual_report_generate(report)
        if annual.get("send"):
            services.annual_report_send(report=report)
    return loaded


def _load_plan(item, agreement, area, municipality):
    goals = [
        Goal.objects.get_or_create(priority_area=area, text=text, defaults={"order": n, "is_example": True})[
            0
        ]
        for n, text in enumerate(item.get("goals", []), start=1)
    ]
    picture = SituationPicture.objects.get(agreement=agreement, title=item["picture"])
    plan = services.plan_create(
        agreement=agreement,
        priority_area=area,
        year=item["year"],
        title=item["title"],
        purpose=item.get("purpose", ""),
        goals=goals,
        analysis=picture.joint,
        is_example=True,
    )
    parties = list(agreement.versions.get(valid_from__year=2024).parties.all())
    side = {"police" if o.is_police else "city": o for o in parties}
    kinds = {k.code: k for k in MeasureKind.objects.filter(municipality=municipality)}
    indicators = {i.code: i for i in Indicator.objects.filter(municipality=municipality)}
    made, by_key = {}, {}
    for order, spec in enumerate(item.get("measures", []), start=1):
        problem = (
            Problem.objects.get(analysis=picture.joint, title=spec["problem"])
            if spec.get("problem")
            else None
        )
        measure = services.measure_save(
            measure=Measure(
                plan=plan,
                order=order,
                title=spec["title"],
                description=spec.get("description", ""),
                kind=kinds.get(spec.get("kind", "")),
                goal=goals[spec["goal"] - 1] if spec.get("goal") else None,
                problem=problem,
                area=agreement.area,
                place=spec.get("place", ""),
                start=spec.get("start"),
                end=spec.get("end"),
                expected_effect=spec.get("effect", "short"),
                weight=spec.get("weight", 1),
                is_example=True,
            ),
            owners=[side[key] for key in spec["owners"]],
            causes=list(Cause.objects.filter(problem=problem, text__in=spec.get("causes", []))),
        )
        for link in spec.get("indicators", []):
            indicator = indicators[link["indicator"]]
            try:
                created = services.measure_indicator_add(
                    measure=measure,
                    indicator=indicator,
                    area=agreement.area,
                    target=0,
                    direction=link["direction"],
                )
            except ValidationError:  # no data before the plan's year: the configured baseline
                created = services.measure_indicator_add(
                    measure=measure,
                    indicator=indicator,
                    area=agreement.area,
                    baseline=link["baseline"],
                    target=0,
                    direction=link["direction"],
                )
            created.target = round(created.baseline * (1 + link["target_change"]), 1)
            created.save()
        made[measure.title] = measure
        by_key[spec["key"]] = measure
    city = side["city"]
    for duty in item.get("duties", []):
        services.duty_add(
            plan=plan,
            organisation=side[duty["org"]],
            subject=duty["subject"],
            frequency=duty["frequency"],
            recipients=list(Body.objects.filter(municipality=municipality, name__in=duty["to"])),
        )
    decision = item["decision"]
    services.plan_adopt(
        plan=plan,
        body=Body.objects.get(municipality=municipality, name=decision["body"]),
        decided_on=decision["date"],
        minutes_reference=decision.get("minutes", ""),
        user=_user(city, Role.STEERING_GROUP_MEMBER, Role.DISTRICT_COORDINATOR),
    )
    coordinator = _user(city, Role.DISTRICT_COORDINATOR)
    for spec in item.get("reports", []):
        report = services.report_create(
            plan=plan, year=item["year"], tertial=spec["tertial"], is_example=True
        )
        for progress in report.progress.select_related("measure"):
            key = next(k for k, m in by_key.items() if m.pk == progress.measure_id)
            status, percent = spec["progress"][key]
            services.progress_set(progress=progress, status=status, percent=percent, comment="")
        services.report_update(report=report, narrative=spec.get("narrative", ""))
        override = spec.get("override")
        if override:
            services.override_record(
                report=report,
                goal=goals[override["goal"] - 1],
                percent=override["percent"],
                reason=override["reason"],
                user=coordinator,
            )
        services.report_submit(report=report, user=coordinator)
    return plan, made


def _load_communication(item, municipality, measures, data) -> None:
    agreement = Agreement.objects.get(
        municipality=municipality, scope=Scope.LOCAL, area__code=item["district"]
    )
    if Communication.objects.filter(agreement=agreement, title=item["title"]).exists():
        return
    communication = services.communication_save(
        communication=Communication(
            agreement=agreement,
            kind=item["kind"],
            year=item["year"],
            title=item["title"],
            text=item["text"],
            plan=None,
            is_example=True,
        ),
        measures=[
            m for key in item.get("measures", []) for m in measures.values() if _key_of(m, data) == key
        ],
    )
    parties = selectors.communication_parties(communication)
    for side in item.get("approved_by", []):
        organisation = next(o for o in parties if o.is_police == (side == "police"))
        services.communication_approve(
            communication=communication,
            user=_user(organisation, Role.DISTRICT_COORDINATOR, Role.POLICE_CONTACT),
        )


def _key_of(measure, data) -> str | None:
    for item in data.get("plans", []):
        for spec in item.get("measures", []):
            if spec["title"] == measure.title:
                return spec["key"]
    return None
