"""The layering of ``app/``: ``app.core`` knows no domain, and no two packages import each other.

Every ``import`` and ``from ... import`` counts, at module level or inside a function, absolute
or relative; only imports under ``if TYPE_CHECKING:`` are left out (they never run). Each module
maps to its top-level package or module under ``app/`` (``app/__init__.py``, the application
factory, sits above everything and is not checked). See docs/design.md, "Layers".
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import under ``node``, skipping the bodies of ``if TYPE_CHECKING:``."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for stmt in child.orelse:
                yield from _imports_in(stmt)
            continue
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child
        yield from _imports(child)


def _imports_in(stmt: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        yield stmt
    yield from _imports(stmt)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(APP.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _targets(module: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> list[str]:
    """Absolute names of the modules (or names in them) an import statement refers to."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = module.split(".")
        if not is_package:
            base = base[:-1]
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join(base)
        if node.module:
            prefix = f"{prefix}.{node.module}"
    else:
        prefix = node.module or ""
    # ``from app import comments`` names a package; ``from app.comments import x`` a module.
    return [f"{prefix}.{alias.name}" for alias in node.names] + [prefix]


def _package(name: str) -> str | None:
    """The top-level package under ``app`` that ``name`` belongs to, if it is one."""
    parts = name.split(".")
    if len(parts) < 2 or parts[0] != "app":
        return None
    top = parts[1]
    if (APP / top).is_dir() or (APP / f"{top}.py").is_file():
        return top
    return None


def package_graph() -> dict[str, dict[str, set[str]]]:
    """package -> imported package -> the modules that import it (for the failure message)."""
    graph: dict[str, dict[str, set[str]]] = {}
    for path in sorted(APP.rglob("*.py")):
        if "static" in path.relative_to(APP).parts:
            continue
        module = _module_name(path)
        source = _package(module)
        if source is None:
            continue
        graph.setdefault(source, {})
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in _imports(tree):
            for target in _targets(module, path.name == "__init__.py", node):
                package = _package(target)
                if package is not None and package != source:
                    graph[source].setdefault(package, set()).add(module)
    return graph


def find_cycle(graph: dict[str, dict[str, set[str]]]) -> list[str] | None:
    """One cycle of packages (first package repeated at the end), or None."""
    white, grey, black = 0, 1, 2
    colour = {name: white for name in graph}
    stack: list[str] = []

    def visit(name: str) -> list[str] | None:
        colour[name] = grey
        stack.append(name)
        for nxt in sorted(graph.get(name, {})):
            if colour.get(nxt, white) == grey:
                return stack[stack.index(nxt) :] + [nxt]
            if colour.get(nxt, white) == white:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        colour[name] = black
        return None

    for name in sorted(graph):
        if colour[name] == white:
            found = visit(name)
            if found:
                return found
    return None


def _describe(graph: dict[str, dict[str, set[str]]], cycle: list[str]) -> str:
    return "\n".join(
        f"  {a} -> {b} (in {', '.join(sorted(graph[a][b]))})"
        for a, b in zip(cycle, cycle[1:], strict=False)
    )


def test_the_graph_sees_imports_inside_functions_and_relative_ones() -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from app.surveys import models\n"
        "def f():\n    from ..comments import models\n    import app.projects.models\n"
    )
    names = [
        target
        for node in _imports(tree)
        for target in _targets("app.core.x", False, node)
        if _package(target)
    ]
    assert {_package(n) for n in names} == {"comments", "projects"}
    assert find_cycle({"a": {"b": {"app.a"}}, "b": {"a": {"app.b"}}}) == ["a", "b", "a"]
    assert find_cycle({"a": {"b": {"app.a"}}, "b": {}}) is None


def test_core_imports_no_other_package_of_app() -> None:
    """``app.core`` is plumbing (the Flask extensions included): it imports no domain, and
    no other package of ``app`` either, so everything may build on it."""
    imported = package_graph()["core"]
    assert not imported, "app.core imports other packages of app/:\n" + "\n".join(
        f"  core -> {package} (in {', '.join(sorted(modules))})"
        for package, modules in sorted(imported.items())
    )


def test_packages_of_app_import_each_other_without_cycles() -> None:
    graph = package_graph()
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle between packages of app/:\n" + _describe(graph, cycle)
