"""The layers around the database, as a contract the sources must keep.

* ``saywho.web`` never touches SQLite: no ``sqlite3``, no ``.execute(``, no
  ``connection()``. It asks ``saywho.store`` (``Store``, ``StoreReader``) for rows.
* ``saywho.store`` never imports ``saywho.cli``: the command line is built on the
  store, not the other way round.

An AST scan over the source files: imports and calls as Python reads them (lazy
imports inside functions too), so a word in a docstring or a comment is no breach.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "saywho"
SQL_CALLS = frozenset({"execute", "executemany", "executescript", "connection"})


def _sources(subpackage: str) -> list[Path]:
    files = sorted((PACKAGE / subpackage).rglob("*.py"))
    assert files, f"no sources under {PACKAGE / subpackage}"
    return files


def _imports(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Every module an import names (``from a.b import c`` gives a.b and a.b.c)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def _is_within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _breaches(
    source: str, name: str, forbidden_modules: tuple[str, ...], calls: frozenset[str]
) -> list[str]:
    """Where ``source`` imports a forbidden module or calls a forbidden method."""
    tree = ast.parse(source, name)
    found = [
        f"{name}:{line} imports {module}"
        for line, module in _imports(tree)
        if any(_is_within(module, forbidden) for forbidden in forbidden_modules)
    ]
    found += [
        f"{name}:{node.lineno} calls .{node.func.attr}()"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in calls
    ]
    return found


def _file_breaches(
    path: Path, forbidden_modules: tuple[str, ...], calls: frozenset[str]
) -> list[str]:
    name = str(path.relative_to(PACKAGE.parent))
    return _breaches(path.read_text("utf-8"), name, forbidden_modules, calls)


@pytest.mark.parametrize("path", _sources("web"), ids=lambda path: path.name)
def test_the_web_asks_the_store_and_runs_no_sql(path: Path) -> None:
    assert _file_breaches(path, ("sqlite3",), SQL_CALLS) == []


@pytest.mark.parametrize("path", _sources("store"), ids=lambda path: path.name)
def test_the_store_does_not_import_the_command_line(path: Path) -> None:
    assert _file_breaches(path, ("saywho.cli",), frozenset()) == []


def test_the_scan_sees_what_it_forbids() -> None:
    source = (
        "import sqlite3 as lite\n"
        "from saywho import cli\n"
        "def f(store):\n"
        '    """store.connection().execute( in a docstring is no breach"""\n'
        "    from saywho.cli.options import EXIT_OK  # a lazy import is one\n"
        "    store.connection().execute('SELECT 1')\n"
    )
    assert _breaches(source, "x.py", ("sqlite3", "saywho.cli"), SQL_CALLS) == [
        "x.py:1 imports sqlite3",
        "x.py:2 imports saywho.cli",
        "x.py:5 imports saywho.cli.options",
        "x.py:5 imports saywho.cli.options.EXIT_OK",
        "x.py:6 calls .execute()",
        "x.py:6 calls .connection()",
    ]
    assert _breaches("import saywho.client\n", "y.py", ("saywho.cli",), SQL_CALLS) == []
