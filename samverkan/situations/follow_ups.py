"""What the apps above this one make from a joint analysis, shown on its
page: the action plans made from it (samverkan.plans.on_analysis). An app
registers a function of (request, analysis) that renders its section, ""
when it has nothing to show the reader, with `@follows`, in a module its
AppConfig.ready() imports; the page shows the sections in that order."""

from collections.abc import Callable

from samverkan.accounts.http import AuthenticatedRequest
from samverkan.situations.models import JointAnalysis

Section = Callable[[AuthenticatedRequest, JointAnalysis], str]

_sections: list[Section] = []


def follows(section: Section) -> Section:
    """Register a section of the joint analysis's page."""
    if section not in _sections:
        _sections.append(section)
    return section


def sections_for(request: AuthenticatedRequest, analysis: JointAnalysis) -> list[str]:
    return [html for section in _sections if (html := section(request, analysis))]
