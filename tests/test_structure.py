"""The package's structure: modules import one another without a cycle, and one SHA-256 helper."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from analysis import paths

PACKAGE = paths.PACKAGE_DIR


def _modules() -> dict[str, Path]:
    out = {}
    for p in PACKAGE.rglob("*.py"):
        parts = p.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = p
    return out


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The package modules *path* imports when it runs: at the top or inside functions, not under
    ``if TYPE_CHECKING:`` (annotations only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for node in ast.walk(tree)
                   if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}

    def resolve(name: str) -> str:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name

    deps = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("analysis"):
            for a in node.names:
                full = f"{node.module}.{a.name}"
                deps.add(full if full in modules else resolve(node.module))
        elif isinstance(node, ast.Import):
            deps |= {resolve(a.name) for a in node.names if a.name.startswith("analysis")}
    return deps - {""}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_modules():
    modules = _modules()
    graph = {name: _imports(path, modules) - {name} for name, path in modules.items()}
    assert {"analysis.pipeline.catalog", "analysis.pipeline.params"} <= set(graph["analysis.pipeline.crossplan"])
    assert _cycles(graph) == []


def test_one_sha256_helper():
    """The package hashes with analysis.files.sha256 / file_sha256 only."""
    direct = [str(p.relative_to(PACKAGE.parent)) for p in PACKAGE.rglob("*.py")
              if p.name != "files.py" and re.search(r"hashlib\.sha256|sha256\(\)", p.read_text(encoding="utf-8"))]
    assert direct == []
