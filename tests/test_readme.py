"""Every snippet of the README runs as written, from a fresh clone's files.

Python blocks are executed; each ``$ command`` line of a console block is run by a shell in a
scratch directory holding the embedded samples (``# exit N`` after a command gives the exit
code it must end with, 0 otherwise). Shell blocks are the set-up (``make``, which is what
runs these tests) and the download, marked ``<!-- network -->``: the only ones not run.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"(<!-- network -->\n)?```(\w+)\n(.*?)```", re.S)
BLOCKS = [(m.group(2), m.group(3), bool(m.group(1))) for m in BLOCK.finditer(README)]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    (tmp_path / "build").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_block_is_run_or_known_not_to_be() -> None:
    languages = {language for language, _code, _network in BLOCKS}
    assert languages <= {"python", "console", "sh"}, languages
    for language, code, network in BLOCKS:
        if language == "sh":
            commands = [line for line in code.splitlines() if line and not line.startswith(" ")]
            assert network or all(line.startswith("make ") for line in commands), code
    assert sum(network for _l, _c, network in BLOCKS) == 1


@pytest.mark.parametrize(
    "code", [code for language, code, _n in BLOCKS if language == "python"], ids=lambda c: c[:30]
)
def test_python_block_runs(code: str, workdir: Path) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    printed = out.getvalue()
    # the values the comments promise
    for promised in re.findall(r"#\s+(.+)$", code, re.M):
        if promised.startswith(("Any ", "Write ", "Bulk ", "Every ")):
            continue  # a comment that explains, not a printed value
        assert promised.split("…")[0].strip() in printed, (promised, printed)


def _commands() -> list[tuple[str, int]]:
    commands = []
    for language, code, _network in BLOCKS:
        if language != "console":
            continue
        for line in code.splitlines():
            if line.startswith("$ "):
                commands.append((line[2:], 0))
            elif line.startswith("# exit "):
                commands[-1] = (commands[-1][0], int(line.removeprefix("# exit ")))
    return commands


def test_console_commands_run_in_order(workdir: Path) -> None:
    commands = _commands()
    assert len(commands) >= 10
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    for command, expected in commands:
        done = subprocess.run(
            command, shell=True, cwd=workdir, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == expected, (command, done.stdout[-2000:], done.stderr[-2000:])
        assert "Traceback" not in done.stderr, (command, done.stderr)
