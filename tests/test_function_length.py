"""No function in ``src/saywho`` is longer than a screen (60 lines, decorators apart).

A longer one is split; ruff's C901 and PLR0915 (pyproject.toml) bound its
branches and statements, this bounds what they do not count: long literal
option lists, docstrings and argument lists that grow one line at a time.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

MAX_LINES = 60
PACKAGE = Path(__file__).resolve().parent.parent / "src" / "saywho"

Function = ast.FunctionDef | ast.AsyncFunctionDef


def _functions(tree: ast.AST, scope: str = "") -> Iterator[tuple[str, Function]]:
    """Every function and method in ``tree``, nested ones too, with its qualified name."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            name = f"{scope}{node.name}"
            yield name, node
            yield from _functions(node, f"{name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{scope}{node.name}.")
        else:
            yield from _functions(node, scope)


def _lines(function: Function) -> int:
    assert function.end_lineno is not None
    return function.end_lineno - function.lineno + 1


def test_the_walk_finds_nested_functions_and_methods() -> None:
    source = "class A:\n    def f(self):\n        def g():\n            pass\n"
    names = [name for name, _ in _functions(ast.parse(source))]
    assert names == ["A.f", "A.f.g"]


def test_no_function_is_longer_than_60_lines() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    assert files, f"no sources under {PACKAGE}"
    too_long = [
        f"{path.relative_to(PACKAGE)}:{function.lineno} {name} ({_lines(function)} lines)"
        for path in files
        for name, function in _functions(ast.parse(path.read_text("utf-8"), str(path)))
        if _lines(function) > MAX_LINES
    ]
    assert not too_long, f"functions over {MAX_LINES} lines (split them):\n" + "\n".join(too_long)
