"""Loading a configuration by name: the municipality's own, and with --demo its
example people and work."""

from pathlib import Path

from django.db import transaction

from samverkan.audit.context import acting_as
from samverkan.configurations.demo import DemoLoader
from samverkan.configurations.loader import (
    CONFIGURATIONS,
    ConfigurationError,
    ConfigurationLoader,
    LoadReport,
    available,
)


def load_configuration(
    name: str, *, demo: bool = False, neighbourhood_file: Path | None = None
) -> LoadReport:
    folder = CONFIGURATIONS / name
    if not (folder / "municipality.toml").exists():
        raise ConfigurationError(f"No configuration named {name!r}; available: {', '.join(available())}")
    with acting_as(label=f"configuration:{name}"), transaction.atomic():
        loader = DemoLoader if demo else ConfigurationLoader
        return loader(folder, neighbourhood_file=neighbourhood_file).run()
