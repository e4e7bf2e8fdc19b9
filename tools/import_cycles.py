"""Fail when modules of the project import each other in a cycle (`make lint`).

Every import counts, the ones inside functions too: an import moved into a function to dodge
a cycle still ties the two modules together, so the fix is a module that both can use (or a
signal, or a setting naming a handler), not a lazy import. Imports under ``TYPE_CHECKING``
are left out: they never run. The packages are import-linter's ``root_packages``
(pyproject.toml); the graph is grimp's, the library import-linter is built on.

Usage: python tools/import_cycles.py   (exit status 1 and the cycles on stdout when any)
"""

import sys
import tomllib
from collections.abc import Iterable
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent


def root_packages() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return list(config["tool"]["importlinter"]["root_packages"])


def import_graph(packages: Iterable[str]) -> dict[str, set[str]]:
    graph = grimp.build_graph(*packages, exclude_type_checking_imports=True)
    return {
        module: graph.find_modules_directly_imported_by(module) & graph.modules
        for module in graph.modules
    }


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
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
    return sorted(found)


def main() -> int:
    sys.path.insert(0, str(ROOT))  # the apps are top-level packages of the checkout
    edges = import_graph(root_packages())
    found = cycles(edges)
    for component in found:
        members = set(component)
        print(f"Import cycle among {len(component)} modules:")
        for module in component:
            inside = sorted(edges[module] & members)
            print(f"  {module} -> {', '.join(inside)}")
    if found:
        print(
            f"{len(found)} import cycle(s). Move what both sides need into a module both can "
            "import, or let the lower one send a signal; a lazy import is still a cycle."
        )
        return 1
    print(f"No import cycles among {len(edges)} modules.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
