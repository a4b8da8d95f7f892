"""The split holds: pages render, experiments/ decides, only the store speaks SQL, and a lower
layer never imports a higher one (store ← importers ← the rest of experiments ← views)."""

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
# Where the driver may be imported: everything else sees the store's domain errors.
# experiments/lake.py is part of the connection: it attaches DuckLake catalogs;
# experiments/sql_params.py too: it runs a statement with its values.
DUCKDB_HOMES = (
    "experiments/store/", "experiments/db.py", "experiments/lake.py", "experiments/migrations.py",
    "experiments/sql_params.py",
)  # fmt: skip
# The layers, lowest first. Foundations hold values, errors, the connection, the schema and pure
# helpers that read no data; a module imports only its own layer and those below it.
FOUNDATIONS = (
    "experiments.models",
    "experiments.import_models",
    "experiments.errors",
    "experiments.db",
    "experiments.lake",
    "experiments.sql_params",
    "experiments.migrations",
    "experiments.metrics",
    "experiments.display",
    "experiments.i18n",
    "experiments.stats",
    "experiments.sufficiency",
    "experiments.safe_text",
    "experiments.currencies",
)
LAYERS = ("foundations", "store", "importers", "experiments", "views")


def python_files(*folders: str) -> list[Path]:
    files: list[Path] = []
    for folder in folders:
        path = ROOT / folder
        files.extend([path] if path.is_file() else sorted(path.rglob("*.py")))
    return files


def imported_modules(path: Path) -> set[str]:
    return imports_of(path.read_text(encoding="utf-8"))


def imports_of(source: str) -> set[str]:
    """Every module a source imports anywhere (in functions and TYPE_CHECKING blocks too);
    ``from a import b`` gives both a and a.b, as b may be a module."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _within(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def layer(module: str) -> int | None:
    """Return the layer of one of our modules (an index of LAYERS), None for anything else."""
    if _within(module, "views", "dashboard"):
        return LAYERS.index("views")
    if _within(module, *FOUNDATIONS):
        return LAYERS.index("foundations")
    if _within(module, "experiments.store"):
        return LAYERS.index("store")
    if _within(module, "experiments.importers"):
        return LAYERS.index("importers")
    if module.startswith("experiments."):
        return LAYERS.index("experiments")
    return None  # the package itself, the standard library, third parties


def upward_imports(module: str, source: str) -> list[str]:
    """Return what ``module`` (given by its source) imports from a layer above its own."""
    # The package's own __init__ sits with the modules it would gather.
    own = LAYERS.index("experiments") if module == "experiments" else layer(module)
    assert own is not None, module
    return sorted(m for m in imports_of(source) if (layer(m) or 0) > own)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


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


@pytest.mark.parametrize(
    "path",
    python_files("experiments", "views", "dashboard.py"),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_a_lower_layer_never_imports_a_higher_one(path: Path) -> None:
    assert upward_imports(module_name(path), path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "path", python_files("experiments/store"), ids=lambda p: str(p.relative_to(ROOT))
)
def test_the_store_imports_nothing_from_the_importers(path: Path) -> None:
    assert not any(_within(m, "experiments.importers") for m in imported_modules(path))


@pytest.mark.parametrize(
    "path", python_files("experiments"), ids=lambda p: str(p.relative_to(ROOT))
)
def test_only_the_store_and_the_connection_import_the_driver(path: Path) -> None:
    if path.relative_to(ROOT).as_posix().startswith(DUCKDB_HOMES):
        return
    assert not any(_within(m, "duckdb") for m in imported_modules(path))


def tracker_tables() -> list[str]:
    snapshot = (ROOT / "tests" / "schema_snapshot.txt").read_text(encoding="utf-8")
    return sorted({line.split(".", 1)[0] for line in snapshot.splitlines() if "." in line})


@pytest.mark.parametrize(
    "path", python_files("experiments/importers"), ids=lambda p: str(p.relative_to(ROOT))
)
def test_the_importers_sql_reads_files_not_the_trackers_tables(path: Path) -> None:
    tables = "|".join(tracker_tables())
    touches = re.compile(rf"\b(FROM|JOIN|INTO|UPDATE|TABLE)\s+({tables})\b", re.I)
    assert [s for s in string_constants(path) if touches.search(s)] == []


@pytest.mark.parametrize(
    ("module", "source", "upward"),
    [
        ("experiments.store.facts", "from experiments.importers.plan import Prepared",
         ["experiments.importers.plan", "experiments.importers.plan.Prepared"]),
        ("experiments.store.facts",
         "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from experiments import loop",
         ["experiments.loop"]),
        ("experiments.models", "import experiments.store", ["experiments.store"]),
        ("experiments.importers.service", "def f():\n    import views.common", ["views.common"]),
        ("experiments.loop", "from dashboard import main", ["dashboard", "dashboard.main"]),
        ("experiments.importers.service", "from experiments.store import Store", []),
        ("experiments.store.facts", "from experiments.import_models import FactWrite", []),
        ("views.imports", "from experiments.importers import service", []),
        ("experiments.loop", "import duckdb\nfrom experiments import errors", []),
    ],
)  # fmt: skip
def test_the_layer_detector_sees_upward_imports(
    module: str, source: str, upward: list[str]
) -> None:
    # Guard against a check that cannot fail: each upward import above must be caught.
    assert upward_imports(module, source) == upward


def test_the_table_list_is_the_schema() -> None:
    assert {"metric_fact", "import", "campaign", "audit"} <= set(tracker_tables())


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


# The code that signs people in: outside the store, the only code that may hold a SignIn (the
# capability that makes sessions). Local mode has no sign-in; team mode's sign-in form lives in
# views/sign_in.py, and the command line's ``--as`` signs in the member it names.
SIGN_IN_PATH = ("views/sign_in.py", "experiments/cli.py")
# What only the store's own modules touch: the seal of sessions and a store's private parts
# (an object's own private attributes, ``self._db``, are its business).
STORE_PRIVATE = re.compile(
    r"\b_SEAL\b|(?<!self)\._(cur|db|exec|changed|audit|actor|session|in_write)\b"
)


def sign_in_reach(path: Path) -> list[str]:
    """Return what a module uses of the sign-in capability or of a store's private parts."""
    found = sorted(m for m in imported_names(path) if m.endswith(".SignIn"))
    found += sorted({m.group(0) for m in STORE_PRIVATE.finditer(path.read_text("utf-8"))})
    return found


@pytest.mark.parametrize(
    "path",
    python_files("experiments", "views", "dashboard.py"),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_only_the_sign_in_path_makes_sessions_and_nothing_reaches_past_the_store(
    path: Path,
) -> None:
    relative = path.relative_to(ROOT).as_posix()
    if relative.startswith("experiments/store/"):
        return
    reach = sign_in_reach(path)
    if relative in SIGN_IN_PATH:
        reach = [r for r in reach if not r.endswith(".SignIn")]
    assert reach == []


def test_the_sign_in_check_sees_a_session_maker_and_a_private_cursor(tmp_path: Path) -> None:
    # Guard against a check that cannot fail: a page that made its own sessions or ran SQL on
    # a store's cursor is caught.
    page = tmp_path / "page.py"
    page.write_text(
        "from experiments.store.sessions import SignIn, _SEAL\n"
        "rows = store._cur.execute('SELECT 1').fetchall()\n"
        "store._audit('campaign', 1, 'forged')\n",
        encoding="utf-8",
    )
    assert sign_in_reach(page) == ["experiments.store.sessions.SignIn", "._audit", "._cur", "_SEAL"]
