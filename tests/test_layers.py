"""The package's layers (calculators/__init__.py's map): every import points down, none runs in a circle.

Every import of every module is read from its source, those inside functions too, plus the lazy names of the
package's ``__init__`` (``_LAZY``). A failure names the two files and the line of the import.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "calculators"


@dataclass(frozen=True)
class Layer:
    title: str
    description: str
    modules: tuple[str, ...]


@dataclass(frozen=True)
class Edge:
    source: str  # importing module, dotted
    target: str  # imported module, dotted
    path: Path  # the importing file
    line: int

    def where(self, root: Path) -> str:
        return f"{self.path.relative_to(root).as_posix()}:{self.line}"


def read_layers(package: Path) -> list[Layer]:
    """The map in the package's docstring: a line "Title: description" and, indented under it, the modules."""
    doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8"))) or ""
    layers = []
    lines = doc.splitlines()
    for first, second in zip(lines, lines[1:], strict=False):
        heading = re.fullmatch(r"([A-Z][\w ]*): (.+)", first)
        if heading and second.startswith("    ") and re.fullmatch(r"[\w ]+", second.strip()):
            layers.append(Layer(heading[1], heading[2], tuple(second.split())))
    return layers


def module_files(package: Path) -> dict[str, Path]:
    """Every module of the package by dotted name (a package's ``__init__.py`` by the package's name)."""
    modules = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> list[Edge]:
    """Every import of a package module in ``path``, wherever it is in the file; ``from . import x`` is an import of
    the submodule ``x`` when there is one. In the package's ``__init__``, the modules its ``_LAZY`` names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    root = name.split(".")[0]
    is_package = path.name == "__init__.py"
    edges = []

    def add(target: str, line: int) -> None:
        if target.split(".")[0] == root and target != name:
            edges.append(Edge(name, target, path, line))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                submodule = f"{module}.{alias.name}"
                add(submodule if submodule in modules else module, node.lineno)
        elif (
            is_package
            and isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "_LAZY" for t in node.targets)
        ):
            for value in ast.literal_eval(node.value).values():
                add(f"{name}.{value}", node.lineno)
    return edges


def layer_of(module: str, layers: list[Layer]) -> int | None:
    """The index of the module's layer: a subpackage's modules are in the subpackage's layer; the package's own
    ``__init__`` is in the first layer (it re-exports calculation names)."""
    parts = module.split(".")
    if len(parts) == 1:
        return 0
    for i, layer in enumerate(layers):
        if parts[1] in layer.modules:
            return i
    return None


def find_circle(edges: list[Edge]) -> list[Edge] | None:
    """One circle of imports, as the edges that make it, or None."""
    graph: dict[str, list[Edge]] = {}
    for edge in edges:
        graph.setdefault(edge.source, []).append(edge)
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[Edge] = []

    def visit(module: str) -> list[Edge] | None:
        state[module] = 1
        for edge in graph.get(module, []):
            if state.get(edge.target) == 1:
                start = next(i for i, e in enumerate(path) if e.source == edge.target) if path else 0
                if edge.target == module:
                    return [edge]
                return [*path[start:], edge]
            if edge.target not in state:
                path.append(edge)
                found = visit(edge.target)
                if found:
                    return found
                path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state:
            found = visit(module)
            if found:
                return found
    return None


def layering_problems(package: Path) -> list[str]:
    """What breaks the map: a module the map does not place, a circle, an import from a later layer."""
    layers = read_layers(package)
    modules = module_files(package)
    problems = []
    placed = {m for layer in layers for m in layer.modules}
    top = {name.split(".")[1] for name in modules if "." in name}
    problems += [
        f"{package.name}/{m}: not in any layer of {package.name}/__init__.py's map" for m in sorted(top - placed)
    ]
    problems += [f"{package.name}/__init__.py's map names {m}, which is not a module" for m in sorted(placed - top)]
    edges = [edge for name, path in modules.items() for edge in imports_of(name, path, modules)]
    root = package.parent
    circle = find_circle(edges)
    if circle:
        problems.append("a circle of imports: " + "; ".join(f"{e.where(root)} imports {e.target}" for e in circle))
    for edge in edges:
        source, target = layer_of(edge.source, layers), layer_of(edge.target, layers)
        if source is not None and target is not None and target > source:
            problems.append(
                f"{edge.where(root)} imports {edge.target} ({modules[edge.target].relative_to(root).as_posix()}): "
                f"'{layers[source].title}' may not import from '{layers[target].title}', a later layer"
            )
    return problems


def test_the_map_has_three_layers_and_places_every_module():
    layers = read_layers(PACKAGE)
    assert [layer.title for layer in layers] == ["Calculation", "Live data and measurement", "Rendering"]
    placed = [m for layer in layers for m in layer.modules]
    assert len(placed) == len(set(placed))
    assert {"tokens", "data", "pricing", "cliargs", "cli", "charts", "widgets"} <= set(placed)


def test_every_import_points_down_and_none_runs_in_a_circle():
    assert layering_problems(PACKAGE) == []


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    package = tmp_path / "pkg"
    doc = '"""A package.\n\nLow: the bottom.\n    a b\n\nHigh: the top.\n    c sub\n"""\n'
    for name, text in {"__init__.py": doc, "sub/__init__.py": "", **files}.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text, encoding="utf-8")
    return package


def test_a_circle_is_found_even_through_an_import_inside_a_function(tmp_path):
    package = _package(
        tmp_path,
        {
            "a.py": "from .b import x\n",
            "b.py": "x = 1\n\n\ndef f():\n    from .a import y  # lazy, but a circle all the same\n",
            "c.py": "",
        },
    )
    (problem,) = layering_problems(package)
    assert problem == "a circle of imports: pkg/a.py:1 imports pkg.b; pkg/b.py:5 imports pkg.a"


def test_an_upward_import_names_both_files_and_the_line(tmp_path):
    package = _package(
        tmp_path,
        {"a.py": "import os\n\n\ndef f():\n    from .sub.deep import z\n", "b.py": "", "c.py": "from . import a\n"},
    )
    (tmp_path / "pkg" / "sub" / "deep.py").write_text("z = 1\n", encoding="utf-8")
    assert layering_problems(package) == [
        "pkg/a.py:5 imports pkg.sub.deep (pkg/sub/deep.py): 'Low' may not import from 'High', a later layer"
    ]


def test_a_module_outside_the_map_is_named(tmp_path):
    package = _package(tmp_path, {"a.py": "", "b.py": "", "c.py": "", "stray.py": ""})
    assert layering_problems(package) == ["pkg/stray: not in any layer of pkg/__init__.py's map"]


def test_the_readme_architecture_says_what_the_map_says():
    """The README's "Architecture" list: each layer's line in the same words, and the same modules in order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Architecture\n", 1)[1].split("\n## ", 1)[0]
    # A list item: "- **Title**: ..." and the lines indented under it.
    items = [" ".join(m[0].split()) for m in re.finditer(r"^- \*\*.*\n(?:  .*\n)*", section, re.MULTILINE)]
    layers = read_layers(PACKAGE)
    assert len(items) == len(layers)
    for item, layer in zip(items, layers, strict=True):
        head = f"- **{layer.title}**: {layer.description} "
        assert item.startswith(head), f"README's Architecture: {item[: len(head)]!r} is not {head!r}"
        assert tuple(re.findall(r"`(\w+)/?`", item[len(head) :])) == layer.modules


def test_import_calculators_and_counting_tokens_load_no_pandas():
    code = (
        "import sys, calculators; calculators.count_tokens('Olá', 'o200k_base'); "
        "from calculators.cli import main; main(['tokens', '--text', 'Olá', '--tokenizer', 'o200k_base']); "
        "print(sorted(m for m in ('pandas', 'numpy', 'httpx', 'altair') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.splitlines() == ["o200k_base                1 tokens  (exact)", "[]"]


@pytest.mark.parametrize("name", ["load_snapshot", "cost_table", "count_tokens", "DataError"])
def test_the_lazy_names_are_the_modules_own(name):
    import importlib

    import calculators

    source = importlib.import_module(f"calculators.{calculators._LAZY[name]}")
    assert getattr(calculators, name) is getattr(source, name)
    assert name in calculators.__all__ and name in dir(calculators)
