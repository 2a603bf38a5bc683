"""The package's layers import only what the layout allows, and no two packages import each
other, even through others (README: "Layout")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "daftar"

#: Each layer and the layers it may import (README: "Layout"). `worker` is daftar/worker.py,
#: `app` daftar/app.py; anything not listed may not be imported.
ALLOWED: dict[str, set[str]] = {
    "domain": set(),
    "contracts": {"domain"},
    "workflows": {"contracts", "domain"},
    "store": {"domain"},
    "core": {"contracts", "domain"},
    "activities": {"store", "contracts", "domain", "core"},
    "gateway": {"workflows", "contracts", "domain", "core"},
    "services": {"store", "contracts", "domain", "core", "gateway"},
    "api": {"services", "contracts", "domain", "core", "gateway"},
    "pages": {"services", "contracts", "domain", "core"},
    "console": {"pages", "services", "contracts", "domain", "core", "gateway"},
    "portal": {"pages", "services", "contracts", "domain", "core", "gateway"},
    "worker": {"activities", "workflows", "store", "contracts", "domain", "core", "gateway"},
    "app": {"api", "console", "portal", "services", "store", "contracts", "domain", "core",
            "gateway"},
    "commands": {"app", "worker", "api", "console", "portal", "services", "activities",
                 "workflows", "store", "contracts", "domain", "core", "gateway"},
}


def _layer(path: Path) -> str:
    parts = path.relative_to(ROOT).parts
    return parts[0].removesuffix(".py")


def _imports(path: Path) -> set[str]:
    """The daftar layers `path` imports (relative imports resolved)."""
    return _imports_of(path.read_text(), path.relative_to(ROOT.parent).with_suffix("").parts)


def _imports_of(source: str, module: tuple[str, ...]) -> set[str]:
    tree = ast.parse(source)
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module[:len(module) - node.level]
                names = [".".join((*base, node.module or ""))]
            elif node.module == "daftar":
                names = [f"daftar.{a.name}" for a in node.names]
            else:
                names = [node.module or ""]
        for name in names:
            parts = name.split(".")
            if parts[0] == "daftar" and len(parts) > 1:
                found.add(parts[1])
    return found


def _graph() -> dict[str, dict[str, list[str]]]:
    """layer → imported layer → the files of the layer that import it."""
    graph: dict[str, dict[str, list[str]]] = {}
    for path in sorted(ROOT.rglob("*.py")):
        if path.name == "__init__.py" and path.parent == ROOT:
            continue
        layer = _layer(path)
        for other in _imports(path) - {layer}:
            graph.setdefault(layer, {}).setdefault(other, []).append(
                str(path.relative_to(ROOT.parent)))
    return graph


def test_every_module_belongs_to_a_layer() -> None:
    layers = {_layer(p) for p in ROOT.rglob("*.py")
              if not (p.name == "__init__.py" and p.parent == ROOT)}
    assert layers <= set(ALLOWED), f"not in the layout: {sorted(layers - set(ALLOWED))}"


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_a_layer_imports_only_what_the_layout_allows(layer: str) -> None:
    forbidden = {other: files for other, files in _graph().get(layer, {}).items()
                 if other not in ALLOWED[layer]}
    assert not forbidden, f"{layer} may not import: {forbidden}"


def test_no_two_layers_import_each_other_even_through_others() -> None:
    graph = {layer: set(targets) for layer, targets in _graph().items()}

    def reaches(start: str) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for nxt in graph.get(todo.pop(), set()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    cycles = sorted(layer for layer in graph if layer in reaches(layer))
    assert not cycles, f"layers on a cycle: {cycles}"


def test_the_check_sees_imports_of_every_form() -> None:
    """The checker itself: absolute, from-package, dotted and relative imports all count."""
    module = ("daftar", "api", "routes", "sample")
    assert _imports_of("from daftar.store import db", module) == {"store"}
    assert _imports_of("from daftar import console", module) == {"console"}
    assert _imports_of("import daftar.gateway.temporal", module) == {"gateway"}
    assert _imports_of("from ...services import x", module) == {"services"}
    assert _imports_of("from . import health", module) == {"api"}
    assert _imports_of("import json\nfrom temporalio import workflow", module) == set()
