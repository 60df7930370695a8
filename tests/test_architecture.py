"""The layers CONTRIBUTING.md draws: a module imports only from its own layer or the ones
below it, and module imports form no cycle (type-only imports aside)."""

from __future__ import annotations

import ast
from pathlib import Path

from validate_support import REPO

PACKAGE = REPO / "fluxnotify"

#: top to bottom, as in CONTRIBUTING.md's picture; a module is in the first layer one of
#: whose prefixes it starts with
LAYERS: tuple[tuple[str, ...], ...] = (
    ("fluxnotify.__main__", "fluxnotify.cli"),
    ("fluxnotify.commands",),
    (
        "fluxnotify.engine",
        "fluxnotify.route",
        "fluxnotify.routemap",
        "fluxnotify.migration",
        "fluxnotify.generate",
        "fluxnotify.send",
        "fluxnotify.reporters",
    ),
    ("fluxnotify.rules",),
    (
        "fluxnotify.project",
        "fluxnotify.graph",
        "fluxnotify.index",
        "fluxnotify.generated",
        "fluxnotify.discovery",
        "fluxnotify.parsing",
        "fluxnotify.scan",
        "fluxnotify.cache",
        "fluxnotify.config",
        "fluxnotify.directives",
        "fluxnotify.matching",
    ),
    (
        "fluxnotify.model",
        "fluxnotify.positions",
        "fluxnotify.fluxversion",
        "fluxnotify.apiversions_data",
        "fluxnotify.providertypes",
        "fluxnotify.gitrepo",
        "fluxnotify.schemas",
        "fluxnotify._validators",
        "fluxnotify.errors",
        "fluxnotify.redact",
        "fluxnotify.root",
        "fluxnotify",
    ),
)


def _name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> int:
    for number, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes if p != "fluxnotify"):
            return number
    assert module == "fluxnotify", f"{module} is in no layer: add it to LAYERS and CONTRIBUTING.md"
    return len(LAYERS) - 1


def _is_type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _imports(path: Path) -> set[str]:
    """First-party modules ``path`` imports at run time (function-level imports included)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            return
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("fluxnotify"):
                for alias in node.names:
                    candidate = f"{node.module}.{alias.name}"
                    is_module = (PACKAGE.parent / candidate.replace(".", "/")).with_suffix(
                        ".py"
                    ).is_file() or (PACKAGE.parent / candidate.replace(".", "/")).is_dir()
                    found.add(candidate if is_module else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("fluxnotify"))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


MODULES = {
    _name(p): p for p in PACKAGE.rglob("*.py") if not p.name.startswith("v_")
}  # generated validators import nothing of ours


def test_every_module_imports_only_its_layer_or_below() -> None:
    wrong = []
    for module, path in sorted(MODULES.items()):
        for imported in sorted(_imports(path)):
            if imported == "fluxnotify":
                continue  # __version__
            if _layer(imported) < _layer(module):
                wrong.append(f"{module} imports {imported}, a layer above it")
    assert wrong == []


def test_there_is_no_import_cycle() -> None:
    graph = {m: {i for i in _imports(p) if i in MODULES and i != m} for m, p in MODULES.items()}
    for module in graph:  # packages import their modules: an edge to the package is not one back
        graph[module] = {i for i in graph[module] if not module.startswith(i + ".")}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def walk(module: str, trail: list[str]) -> None:
        state[module] = 1
        for imported in sorted(graph[module]):
            if state.get(imported) == 1:
                cycles.append([*trail[trail.index(imported) :], imported])
            elif imported not in state:
                walk(imported, [*trail, imported])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            walk(module, [module])
    assert cycles == []


def test_the_layers_are_the_ones_contributing_draws() -> None:
    page = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    picture = page.split("```mermaid", 1)[1].split("```", 1)[0]
    for prefixes in LAYERS:
        for prefix in prefixes:
            if prefix in MODULES and prefix != "fluxnotify":
                assert prefix.removeprefix("fluxnotify.") in picture, prefix
