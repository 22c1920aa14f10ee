"""The demo's people and their work on top of a configuration: example
local agreements of the districts, the steering and preparation groups,
EST groups, and one user per role (password DEMO_PASSWORD)."""

import datetime as dt

from samverkan.accounts.models import Role, User
from samverkan.agreements.models import Agreement, Scope
from samverkan.configurations.loader import ConfigurationLoader, LoadReport, police_key, read_config_file
from samverkan.est.models import EstGroup

DEMO_PASSWORD = "samverkan"  # noqa: S105 - documented password of the local demo only


class DemoLoader(ConfigurationLoader):
    def run(self) -> LoadReport:
        report = super().run()
        demo = read_config_file(self.folder, "demo.toml") if self.folder else {}
        self._example_local_agreements(demo)
        self._bodies([{**item, "example": True} for item in demo.get("bodies", [])])
        self._users(demo)
        self._est_groups(demo)
        return report

    def _example_local_agreements(self, demo: dict) -> None:
        central_2024 = [key for key in self.priority_areas if key.startswith("2024-")]
        for item in demo.get("local_agreements", []):
            code = item["district"]
            area = self.areas[code]
            police = self._police_area(item.get("police"), code)
            agreement, _ = Agreement.objects.update_or_create(
                municipality=self.municipality,
                title=f"Lokal samverkansöverenskommelse {area.name}",
                defaults={"scope": Scope.LOCAL, "area": area},
            )
            self.agreements[code] = agreement
            addressed = [key for key in central_2024 if key not in item.get("missing", [])]
            areas = [
                {"name": self.priority_areas[key].name, "addresses": [key], "example": True}
                for key in addressed
            ]
            areas += [
                {"name": name, "local": True, "example": True} for name in item.get("local_priorities", [])
            ]
            self._version(
                agreement,
                {
                    "label": "Överenskommelse 2024",
                    "valid_from": dt.date(2024, 1, 1),
                    "valid_to": item.get("valid_to", dt.date(2027, 12, 31)),
                    "parties": [f"sdf-{code}", police_key(police, self.orgs)],
                    "example": True,
                    "areas": areas,
                },
                {},
            )

    def _est_groups(self, demo: dict) -> None:
        for item in demo.get("est_groups", []):
            group, _ = EstGroup.objects.update_or_create(
                area=self.areas[item["district"]],
                name=item["name"],
                defaults={"meeting_day": item.get("meeting_day", 1), "is_example": True},
            )
            group.recipients.set([self.orgs[key] for key in item["recipients"]])

    def _users(self, demo: dict) -> None:
        for item in demo.get("users", []):
            user, created = User.objects.get_or_create(
                username=item["username"],
                defaults={
                    "first_name": item.get("first_name", ""),
                    "last_name": item.get("last_name", ""),
                    # Demo addresses on a reserved domain: mail goes to the console in the demo.
                    "email": f"{item['username']}@demo.example",
                    "role": item["role"],
                    "organisation": self.orgs[item["org"]],
                    "is_staff": item["role"] == Role.ADMINISTRATOR,
                    "is_superuser": item["role"] == Role.ADMINISTRATOR,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
