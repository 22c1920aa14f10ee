"""Loading a set-up: a configuration folder by name (with --demo its example
people and work), or a set-up document exported from another installation."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from samverkan.audit.context import acting_as
from samverkan.configurations.demo import DemoLoader
from samverkan.configurations.document import DocumentError, read_folder
from samverkan.configurations.loader import (
    CONFIGURATIONS,
    ConfigurationError,
    ConfigurationLoader,
    LoadReport,
    available,
)
from samverkan.core.personal_data import holds_identity_number


def load_configuration(
    name: str, *, demo: bool = False, neighbourhood_file: Path | None = None
) -> LoadReport:
    folder = CONFIGURATIONS / name
    if not (folder / "municipality.toml").exists():
        raise ConfigurationError(f"No configuration named {name!r}; available: {', '.join(available())}")
    document = read_folder(folder, neighbourhood_file=neighbourhood_file)
    with acting_as(label=f"configuration:{name}"), transaction.atomic():
        loader = DemoLoader if demo else ConfigurationLoader
        return loader(document, folder=folder).run()


def setup_load(document: dict[str, Any], *, label: str) -> LoadReport:
    """A set-up document (configurations.document) into the database, all or
    nothing. A document that does not hold together raises DocumentError with
    a message for the person who chose the file."""
    if holds_identity_number(document):
        raise DocumentError(_("The file holds a personal identity number; it was not read."))
    try:
        with acting_as(label=f"configuration:{label}"), transaction.atomic():
            return ConfigurationLoader(document).run()
    except KeyError as error:
        raise DocumentError(
            _("The file refers to %(key)s, which it does not hold.") % {"key": error}
        ) from error
    except (ValidationError, IntegrityError, ValueError, TypeError) as error:
        raise DocumentError(_("The file could not be loaded: %(error)s") % {"error": error}) from error
