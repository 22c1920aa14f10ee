"""The shape of the code: imports flow one way, and the rules of STYLE.md
hold. Read from the source with `ast`, so a failure names the file and line."""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "samverkan"

# Third-party libraries that take seconds to import and serve only a download
# (a PDF, a Word or Excel file, an attachment's text): importing them inside
# the function that renders or reads the document keeps them out of the
# start-up of every process that never makes one. Measured on the CI machine
# (python -c "import X"): weasyprint 3.5 s, openpyxl 1.3 s, pypdf 1.1 s,
# docx 0.5 s, xlrd 0.2 s (legacy .xls only), PIL (diagram rendering), scipy 1.8 s
# (indicators.statistics, on the first figure computed).
DEFERRED_LIBRARIES = {"weasyprint", "openpyxl", "pypdf", "docx", "xlrd", "PIL", "scipy"}


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported module (a samverkan module, or a top-level package)
    line: int
    in_function: str | None  # the enclosing function, None at module level


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in ROOT.rglob("*.py") if "migrations" not in p.parts}


MODULES = _modules()


def _resolve(name: str) -> str:
    """The samverkan module a dotted name lives in, or its top-level package."""
    if not name.startswith("samverkan"):
        return name.split(".")[0]
    while name not in MODULES and "." in name:
        name = name.rpartition(".")[0]
    return name


def _imports_of(module: str, path: Path) -> list[Import]:
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[Import] = []

    def targets(node: ast.Import | ast.ImportFrom) -> list[str]:
        if isinstance(node, ast.Import):
            return [alias.name for alias in node.names]
        base = node.module or ""
        if node.level:
            anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join([*anchor, base] if base else anchor)
        return [f"{base}.{alias.name}" for alias in node.names]

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                continue  # for the type checker only; never runs
            if isinstance(child, ast.Import | ast.ImportFrom):
                for target in targets(child):
                    found.append(Import(module, _resolve(target), child.lineno, function))
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, child.name if function is None else function)
            else:
                visit(child, function)

    visit(tree, None)
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


IMPORTS = [i for module, path in MODULES.items() for i in _imports_of(module, path)]


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def connect(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return found


def _graph(imports: list[Import]) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for i in imports:
        if i.target in MODULES and i.target != i.source:
            edges.setdefault(i.source, set()).add(i.target)
    return edges


def test_the_cycle_finder_finds_a_loop_through_a_function_level_import():
    loop = [
        Import("samverkan.a", "samverkan.b", 1, None),
        Import("samverkan.b", "samverkan.c", 1, None),
        Import("samverkan.c", "samverkan.a", 9, "late"),
        Import("samverkan.c", "samverkan.d", 1, None),
    ]
    edges: dict[str, set[str]] = {}
    for i in loop:
        edges.setdefault(i.source, set()).add(i.target)
    assert _cycles(edges) == [["samverkan.a", "samverkan.b", "samverkan.c"]]


def test_relative_and_absolute_imports_resolve_to_their_module():
    path = ROOT / "datasources" / "loader.py"
    targets = {i.target for i in _imports_of("samverkan.datasources.loader", path)}
    assert "samverkan.datasources.models" in targets
    assert "django" in targets


def test_no_module_imports_itself_back_through_others():
    """Counting imports inside functions too: a loop hidden by a late import is still a loop."""
    assert _cycles(_graph(IMPORTS)) == []


def _allowed_in_function(i: Import) -> bool:
    if i.in_function == "ready" and MODULES[i.source].name == "apps.py":
        return True  # Django's place to connect signals, once every model is loaded
    return i.target in DEFERRED_LIBRARIES


def test_imports_inside_functions_only_defer_heavy_document_libraries():
    """A function-level import of our own code hides a misplaced function
    (move the function instead); one of a light library saves nothing."""
    late = [
        f"{MODULES[i.source].relative_to(ROOT.parent)}:{i.line} imports {i.target} in {i.in_function}()"
        for i in IMPORTS
        if i.in_function is not None and not _allowed_in_function(i)
    ]
    assert late == []


# The apps in layers, lowest first: an app imports only the apps before it
# (at module level and inside functions alike; `if TYPE_CHECKING:` blocks,
# which never run, excepted). The README's layout table lists them in this
# order. What a lower app needs from a higher one reaches it the Django way:
# a signal, a registry the higher app fills in its `ready()`, or
# `apps.get_model`.
APP_ORDER = [
    "core",
    "organisations",
    "accounts",
    "audit",
    "notifications",
    "calendar",
    "agreements",
    "governance",
    "datasources",
    "indicators",
    "est",
    "situations",
    "plans",
    "consultations",
    "configurations",
    "api",
    "overview",
]


def _app(module: str) -> str | None:
    """The app a samverkan module belongs to; None for the project's own
    modules (settings, urls) and for anything outside samverkan."""
    parts = module.split(".")
    if parts[0] != "samverkan" or len(parts) < 2 or not (ROOT / parts[1] / "__init__.py").exists():
        return None
    return parts[1]


def _where(i: Import) -> str:
    path = MODULES.get(i.source)
    return f"{path.relative_to(ROOT.parent)}:{i.line}" if path else f"{i.source}:{i.line}"


def _upward(imports: list[Import], order: list[str]) -> list[str]:
    found = []
    for i in imports:
        source, target = _app(i.source), _app(i.target)
        if source is None or target is None or source == target:
            continue
        if order.index(target) > order.index(source):
            late = f" in {i.in_function}()" if i.in_function else ""
            found.append(f"{_where(i)} imports {i.target}{late}: {source} is below {target}")
    return list(dict.fromkeys(found))  # one line for `from x import a, b`


def test_the_layer_check_counts_imports_inside_functions_and_skips_type_checking(tmp_path):
    module = tmp_path / "example.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "from samverkan.core import fields\n"
        "from samverkan.plans.models import ActionPlan\n"
        "if TYPE_CHECKING:\n"
        "    from samverkan.consultations.models import Recipient\n"
        "def late():\n"
        "    from samverkan.api import api\n"
    )
    imports = _imports_of("samverkan.agreements.example", module)
    assert _upward(imports, APP_ORDER) == [
        "samverkan.agreements.example:3 imports samverkan.plans.models: agreements is below plans",
        "samverkan.agreements.example:7 imports samverkan.api.api in late(): agreements is below api",
    ]


def test_apps_import_only_the_apps_below_them():
    assert _upward(IMPORTS, APP_ORDER) == []


def test_the_order_places_every_app():
    """A new app must be placed in APP_ORDER (and in the README's layout table)."""
    packages = sorted(p.name for p in ROOT.iterdir() if (p / "__init__.py").exists())
    assert sorted(APP_ORDER) == packages
    assert len(set(APP_ORDER)) == len(APP_ORDER)


def test_the_readme_lists_the_apps_in_their_order():
    readme = (ROOT.parent / "README.md").read_text()
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| `samverkan/(\w+)` \|", layout, flags=re.MULTILINE)
    assert listed == APP_ORDER


# Imports flow one way: models <- selectors <- services <- views/tasks.
# Permissions read through selectors and never import a service.
LOWER_THAN = {
    "models": {"selectors", "services", "views", "tasks", "permissions", "forms"},
    "selectors": {"services", "views", "tasks", "permissions"},
    "services": {"views", "tasks"},
    "permissions": {"services", "views", "tasks"},
}


def _layer(module: str) -> str:
    """models, selectors, services, views, tasks, permissions, ...: a module's
    last name, or the package it is part of (samverkan.plans.views.follow_up)."""
    if module.endswith("accounts.permissions"):
        return "permissions"
    inner = module.split(".")[2:]
    return next((layer for layer in ("views", "models") if layer in inner[:-1]), inner[-1] if inner else "")


@pytest.mark.parametrize("layer", sorted(LOWER_THAN))
def test_layers_import_only_downward(layer):
    upward = [
        f"{i.source} imports {i.target} (line {i.line})"
        for i in IMPORTS
        if _layer(i.source) == layer and i.target in MODULES and _layer(i.target) in LOWER_THAN[layer]
    ]
    assert upward == []


def test_every_view_says_what_it_returns():
    missing = []
    for module, path in MODULES.items():
        if _layer(module) != "views":
            continue
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.returns is None:
                missing.append(f"{path.relative_to(ROOT.parent)}:{node.lineno} {node.name}()")
    assert missing == []


WRITES = {"save", "delete", "create", "bulk_create", "get_or_create", "update_or_create", "bulk_update"}


def _writes_in(path: Path) -> list[str]:
    """Calls that write rows: .save() (but a form's save(commit=False), which
    builds an unsaved object), .delete(), .create() and the like, and
    .update() on a queryset (anything reached through .objects or .filter)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        if name == "save" and any(k.arg == "commit" for k in node.keywords):
            continue
        chained = ast.unparse(node.func.value)
        if name in WRITES or (name == "update" and (".objects" in chained or ".filter(" in chained)):
            found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno} {ast.unparse(node.func)}()")
    return found


def test_views_selectors_and_permissions_write_nothing_themselves():
    """Every model write goes through its app's service."""
    writes = [
        w
        for module, path in MODULES.items()
        if _layer(module) in {"views", "selectors", "permissions"}
        for w in _writes_in(path)
    ]
    assert writes == []


# Public service functions that are not one transaction, with the reason.
NOT_ATOMIC = {
    "account_key": "computes a key, writes nothing",
    "attempt_digest": "computes a digest, writes nothing",
    "sign_in_attempt": "the throttle's count must stay when the sign-in fails",
    "sign_in_not_tried": "one statement (the throttle)",
    "sign_in_succeeded": "one statement (the throttle)",
    "district_shown": "a request's remembered choice: one statement",
    "version_chain_fit": "runs inside its callers' transaction, under their lock (select_for_update)",
    "token_used": "one statement, on every API request",
    "invitation_path": "builds a link, writes nothing",
    "refresh_after_import": "one transaction per indicator: a short hold of SQLite's write lock",
    "mail_queue_due": "queues tasks, writes nothing of its own",
    "people_of": "a read",
    "annual_report_generate": "keeps a failure on the report while the compilation rolls back",
}


def test_every_service_that_writes_is_one_transaction():
    """A service writes all or nothing: a failure halfway leaves no half-made record."""
    loose = []
    for module, path in MODULES.items():
        if module.split(".")[-1] != "services" and ".services." not in module:
            continue
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_") or node.name in NOT_ATOMIC:
                continue
            decorated = any("atomic" in ast.unparse(d) for d in node.decorator_list)
            if not decorated and "transaction.atomic" not in ast.unparse(node):
                loose.append(f"{module}.{node.name} (line {node.lineno})")
    assert loose == []
    services = {
        n.name
        for m, p in MODULES.items()
        if m.endswith("services")
        for n in ast.parse(p.read_text()).body
        if isinstance(n, ast.FunctionDef)
    }
    assert set(NOT_ATOMIC) <= services, set(NOT_ATOMIC) - services
