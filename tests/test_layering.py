"""The split holds: pages render, experiments/ decides, only the store speaks SQL."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

# Our SQL is written with upper-case keywords; UI text such as "Select a campaign" is not SQL.
SQL = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)\b",
    re.S,
)
# Where SQL may be written: the store package, the schema migrations, and the importers, which
# read export files through DuckDB's CSV reader (they never touch the tracker's tables).
SQL_HOMES = ("experiments/store/", "experiments/migrations.py", "experiments/importers/")


def python_files(*folders: str) -> list[Path]:
    files: list[Path] = []
    for folder in folders:
        path = ROOT / folder
        files.extend([path] if path.is_file() else sorted(path.rglob("*.py")))
    return files


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def string_constants(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    texts = [
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]
    # f-strings: join their literal parts
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            texts.append(
                "".join(
                    v.value
                    for v in node.values
                    if isinstance(v, ast.Constant) and isinstance(v.value, str)
                )
            )
    return texts


@pytest.mark.parametrize(
    "path", python_files("experiments"), ids=lambda p: str(p.relative_to(ROOT))
)
def test_domain_package_never_imports_streamlit(path: Path) -> None:
    assert not any(m == "streamlit" or m.startswith("streamlit.") for m in imported_modules(path))


@pytest.mark.parametrize(
    "path", python_files("views", "dashboard.py"), ids=lambda p: str(p.relative_to(ROOT))
)
def test_pages_neither_write_sql_nor_touch_duckdb(path: Path) -> None:
    assert "duckdb" not in imported_modules(path)
    offending = [s for s in string_constants(path) if SQL.search(s)]
    assert offending == []


@pytest.mark.parametrize(
    "path", python_files("experiments"), ids=lambda p: str(p.relative_to(ROOT))
)
def test_sql_lives_only_in_the_store(path: Path) -> None:
    relative = path.relative_to(ROOT).as_posix()
    if relative.startswith(SQL_HOMES):
        return
    offending = [s for s in string_constants(path) if SQL.search(s)]
    assert offending == []


def test_the_detector_sees_sql() -> None:
    # Guard against a check that cannot fail: the pattern must catch the statements we write.
    assert SQL.search("SELECT id, name FROM campaign WHERE id = ?")
    assert SQL.search("INSERT INTO audit VALUES (?)")
    assert not SQL.search("Select the campaign from the list")


# The import page's one door to the importers; their modules are internals that may move.
IMPORT_ENTRY = "experiments.imports_view"


def imported_names(path: Path) -> set[str]:
    """Every module a file imports, and every name it imports from one, as dotted names."""
    names = imported_modules(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def importer_internals(path: Path) -> list[str]:
    return sorted(m for m in imported_names(path) if m == "experiments.importers" or
                  m.startswith("experiments.importers."))  # fmt: skip


@pytest.mark.parametrize(
    "path", python_files("views", "dashboard.py"), ids=lambda p: str(p.relative_to(ROOT))
)
def test_pages_reach_the_importers_only_through_their_entry_point(path: Path) -> None:
    assert importer_internals(path) == []


def test_the_import_page_uses_the_entry_point() -> None:
    assert IMPORT_ENTRY in imported_names(ROOT / "views" / "imports.py")


def test_the_importer_check_sees_an_internal_import(tmp_path: Path) -> None:
    # Guard against a check that cannot fail: the imports the page had before are caught.
    page = tmp_path / "page.py"
    page.write_text(
        "from experiments.importers import generic\n"
        "from experiments.importers.plan import UnknownExport\n"
        "from experiments import importers\n",
        encoding="utf-8",
    )
    assert importer_internals(page) == [
        "experiments.importers", "experiments.importers.generic", "experiments.importers.plan",
        "experiments.importers.plan.UnknownExport",
    ]  # fmt: skip
