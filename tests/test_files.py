"""Reports and exports are written whole or not at all, and never over a file without --force."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from experiments.errors import InvalidInput
from experiments.files import write_atomically
from tests.cli_runner import run_cli
from tests.conftest import ROOT


def _file_as_parent(tmp: Path) -> Path:
    (tmp / "notes.txt").write_text("a file")
    return tmp / "notes.txt" / "report.html"


def _existing(tmp: Path) -> Path:
    (tmp / "report.html").write_text("the previous report")
    return tmp / "report.html"


def _folder(tmp: Path) -> Path:
    (tmp / "report.html").mkdir()
    return tmp / "report.html"


# (case, the target in a temporary folder, message with {tmp} for the folder)
CASES: list[tuple[str, Callable[[Path], Path], str]] = [
    ("parent is a file", _file_as_parent,
     "cannot write {tmp}/notes.txt/report.html: {tmp}/notes.txt is a file, not a folder; "
     "choose another path"),
    ("target exists", _existing,
     "{tmp}/report.html exists already; add --force to replace it, or choose another path"),
    ("target is a folder", _folder,
     "cannot write {tmp}/report.html: it is a folder; name a file inside it"),
]  # fmt: skip


@pytest.mark.parametrize(("target", "message"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_refusals_name_the_path_and_change_nothing(
    tmp_path: Path, target: Callable[[Path], Path], message: str
) -> None:
    out = target(tmp_path)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    with pytest.raises(InvalidInput) as caught:
        write_atomically(out, b"new")
    assert str(caught.value) == message.format(tmp=tmp_path)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_force_replaces_and_missing_folders_are_made(tmp_path: Path) -> None:
    out = _existing(tmp_path)
    write_atomically(out, b"new", force=True)
    assert out.read_bytes() == b"new"
    deep = tmp_path / "a" / "b" / "export.csv"
    write_atomically(deep, b"x,y\n")
    assert deep.read_bytes() == b"x,y\n"
    assert sorted(p.name for p in tmp_path.rglob("*.part")) == []


def test_a_write_cut_off_by_the_file_size_limit_keeps_the_previous_file(tmp_path: Path) -> None:
    # As 'ulimit -f' does to a shell: writes beyond 4 KB fail (SIGXFSZ ignored, so EFBIG).
    out = _existing(tmp_path)
    script = (
        "import resource, signal, sys\n"
        "from pathlib import Path\n"
        "from experiments.errors import InvalidInput\n"
        "from experiments.files import write_atomically\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "try:\n"
        "    write_atomically(Path(sys.argv[1]), b'x' * 100_000, force=True)\n"
        "except InvalidInput as e:\n"
        "    print(e)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.stdout.startswith(f"cannot write {out}: File too large; nothing was changed")
    assert out.read_text() == "the previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


@pytest.mark.parametrize("command", [["report"], ["export", "campaigns"]])
def test_the_command_line_refuses_to_overwrite_without_force(
    demo_db: Path, tmp_path: Path, command: list[str]
) -> None:
    out = tmp_path / ("out.html" if command == ["report"] else "out.csv")
    out.write_text("keep me")
    code, stdout, stderr = run_cli(*command, "--out", str(out))
    assert (code, stdout, out.read_text()) == (2, "", "keep me")
    assert (
        stderr
        == f"error: {out} exists already; add --force to replace it, or choose another path\n"
    )
    code, _, stderr = run_cli(*command, "--out", str(out), "--force")
    assert (code, stderr) == (0, "")
    assert out.read_text() != "keep me"
