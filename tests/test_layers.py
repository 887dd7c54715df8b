"""The house's layers: each app imports only from the apps below it, and no modules import
each other in a circle (architecture.md). Read from the source, so a new import is checked the
moment it is written."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Bottom to top. Apps not written yet keep their place, so that they slot in when they come.
LAYERS = ["registry", "routes", "planner", "drills", "printouts", "pages", "sasaeai"]


def _modules() -> dict[str, Path]:
    found = {}
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")) if (ROOT / app).is_dir() else []:
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Project modules this module imports, at any depth of its code (TYPE_CHECKING included:
    a circle hidden from the interpreter is still a circle in the design)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets.add(base)
            targets.update(f"{base}.{alias.name}" for alias in node.names)
    return {target for target in targets if target in MODULES and target != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _layer(module: str) -> int:
    return LAYERS.index(module.split(".")[0])


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        for target in targets
        if _layer(target) > _layer(module)
    )


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_it_finds_the_apps_modules():
    assert "registry.access" in MODULES
    assert "pages.views" in MODULES
    assert "printouts.sheets" in GRAPH["pages.paper_views"]


def test_no_app_imports_from_a_layer_above_it():
    assert upward_imports(GRAPH) == []


def test_no_modules_import_each_other_in_a_circle():
    assert circles(GRAPH) == []


@pytest.mark.parametrize(
    ("graph", "upward", "circle"),
    [
        ({"registry.a": {"planner.b"}, "planner.b": set()}, ["registry.a imports planner.b"], []),
        (
            {"planner.a": {"planner.b"}, "planner.b": {"planner.c"}, "planner.c": {"planner.a"}},
            [],
            [["planner.a", "planner.b", "planner.c"]],
        ),
        ({"pages.a": {"registry.b"}, "registry.b": set()}, [], []),
    ],
)
def test_the_checks_themselves_catch_what_they_should(graph, upward, circle):
    assert upward_imports(graph) == upward
    assert circles(graph) == circle
