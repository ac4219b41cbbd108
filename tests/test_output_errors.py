"""Outputs that cannot be written: one clear line naming the path, exit 1, nothing left
behind; read-only files kept; modes kept; Ctrl-C exits 130 without half-written files.

Tests run as root, where permission bits stop nothing: the real permission cases run the
command as an unprivileged user (``setpriv``), the others simulate the failure in-process.
"""

from __future__ import annotations

import errno
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import rncpkit
import rncpkit.io.outputs
from rncpkit.cli import cli
from rncpkit.errors import OutputFileError

from .conftest import SAMPLES

SAMPLE = SAMPLES / "RNCP35080.xml"
HOLDERS = SAMPLES / "holders-RNCP35080.csv"
RNCPKIT = Path(sys.executable).with_name("rncpkit")
BUILD = [
    "accrochage",
    "build",
    str(HOLDERS),
    "--certification",
    "RNCP35080",
    "--id-client",
    "03VML243",
    "--id-contrat",
    "MCFCER000209",
]


def _commands(directory: Path) -> dict[str, list[str]]:
    """Every command that writes a file, writing into ``directory``."""
    return {
        "convert": ["convert", str(SAMPLE), "--to", "json", "-o", str(directory / "x.json")],
        "convert -o DIR/": [
            "convert",
            str(SAMPLE),
            "--to",
            "supplement-html",
            "-o",
            f"{directory}/",
        ],
        "accrochage template": ["accrochage", "template", "-o", str(directory / "t.csv")],
        "accrochage build": [*BUILD, "-o", str(directory / "flux.xml")],
        "validate -o": ["validate", str(SAMPLE), "--format", "json", "-o", str(directory / "v")],
        "diff -o": ["diff", str(SAMPLE), str(SAMPLE), "-o", str(directory / "d.txt")],
    }


def _leftovers(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.rglob("*") if path.name != "keep")


def _one_error_line(stderr: str, path: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("rncpkit: error: ") and path in lines[0], stderr
    assert "Traceback" not in stderr


# --------------------------------------------------------------------------- real permissions


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A temporary directory an unprivileged user can enter (pytest's is root-only)."""
    directory = Path(tempfile.mkdtemp(prefix="rncpkit-perm-"))
    directory.chmod(0o755)
    try:
        yield directory
    finally:
        for path in directory.rglob("*"):
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(directory)


def _unprivileged(args: list[str]) -> subprocess.CompletedProcess[str]:
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: permission bits cannot be tested")
        prefix = [setpriv, "--reuid", "65534", "--regid", "65534", "--clear-groups"]
    return subprocess.run(
        [*prefix, str(RNCPKIT), *args], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    "name",
    [
        "convert",
        "convert -o DIR/",
        "accrochage template",
        "accrochage build",
        "validate -o",
        "diff -o",
    ],
)
def test_unwritable_directory_is_one_line_and_exit_1(shared_tmp: Path, name: str) -> None:
    locked = shared_tmp / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    result = _unprivileged(_commands(locked)[name])
    assert result.returncode == 1, result.stderr
    _one_error_line(result.stderr, str(locked))
    assert "Permission denied" in result.stderr
    assert _leftovers(locked) == []


def test_unwritable_existing_file_is_kept(shared_tmp: Path) -> None:
    target = shared_tmp / "x.json"
    target.write_text("previous")
    target.chmod(0o644)  # root's file: the unprivileged user may not write it
    (shared_tmp).chmod(0o777)  # … though it could create a file beside it
    result = _unprivileged(["convert", str(SAMPLE), "--to", "json", "-o", str(target)])
    assert result.returncode == 1
    _one_error_line(result.stderr, str(target))
    assert "read-only" in result.stderr
    assert target.read_text() == "previous"
    assert _leftovers(shared_tmp) == ["x.json"]


# --------------------------------------------------------------------------- simulated failures


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_read_only_file_system_simulated(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), f"{kwargs.get('dir')}/.x.part")

    monkeypatch.setattr(rncpkit.io.outputs.tempfile, "mkstemp", refuse)
    for name, args in _commands(tmp_path).items():
        if name in ("convert -o DIR/", "accrochage build"):
            continue  # they make their files without rncpkit.io: tested for real above
        result = runner.invoke(cli, args)
        assert result.exit_code == 1, (name, result.output)
        assert "cannot write: Read-only file system" in result.stderr, name
        assert result.exception is None or isinstance(result.exception, SystemExit)
    assert _leftovers(tmp_path) == []


def test_disk_full_at_sync_leaves_nothing_and_keeps_the_old_file(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "x.json"
    target.write_text("previous")

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(rncpkit.io.outputs.os, "fsync", full)
    result = runner.invoke(cli, ["convert", str(SAMPLE), "--to", "json", "-o", str(target)])
    assert result.exit_code == 1
    _one_error_line(result.stderr, str(target))
    assert "No space left on device" in result.stderr
    assert target.read_text() == "previous"
    assert _leftovers(tmp_path) == ["x.json"]


def test_library_raises_output_file_error(tmp_path: Path) -> None:
    with pytest.raises(OutputFileError) as caught:
        rncpkit.convert(SAMPLE, tmp_path / "missing" / "x.json", "json")
    error = caught.value
    assert error.path == str(tmp_path / "missing" / "x.json")
    assert error.errno == errno.ENOENT
    assert "the directory" in error.message and "does not exist" in error.message
    assert error.as_dict()["file"] == error.path == error.location()


def _no_core_dump() -> None:
    """In the child: a 4 kB file-size limit, its signal ignored so that write() fails."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


def test_file_too_large_mid_write_is_one_line(tmp_path: Path) -> None:
    """A write that fails half-way (here the file-size limit, as a full disk would)."""
    target = tmp_path / "big.json"
    result = subprocess.run(
        [str(RNCPKIT), "convert", str(SAMPLE), "--to", "json", "-o", str(target)],
        capture_output=True,
        text=True,
        preexec_fn=_no_core_dump,
        check=False,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    _one_error_line(result.stderr, str(target))
    assert "File too large" in result.stderr
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("to_stdout", [True, False])
def test_dev_full(to_stdout: bool) -> None:
    """A full device, as stdout or as ``-o``: one line, exit 1, no second error at exit."""
    with open("/dev/full", "w") as full:
        args = [str(RNCPKIT), "convert", str(SAMPLE), "--to", "json"]
        result = subprocess.run(
            args if to_stdout else [*args, "-o", "/dev/full"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            timeout=120,
        )
    assert result.returncode == 1
    _one_error_line(result.stderr, "<stdout>" if to_stdout else "/dev/full")
    assert "No space left on device" in result.stderr


def test_directory_where_a_file_is_expected(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    for args in (
        ["convert", str(SAMPLE), "--to", "json", "-o", str(tmp_path / "out")],
        ["validate", str(SAMPLE), "-o", str(tmp_path / "out")],
        ["accrochage", "template", "-o", str(tmp_path / "out")],
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code == 1, result.output
        _one_error_line(result.stderr, str(tmp_path / "out"))
        assert "it is a directory" in result.stderr
    assert _leftovers(tmp_path) == ["out"]


def test_missing_parent_directory(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "nope" / "x.json"
    result = runner.invoke(cli, ["convert", str(SAMPLE), "--to", "json", "-o", str(target)])
    assert result.exit_code == 1
    _one_error_line(result.stderr, str(target))
    assert f"the directory {tmp_path / 'nope'} does not exist" in result.stderr
    assert not (tmp_path / "nope").exists()


# --------------------------------------------------------------------------- existing files


def test_read_only_file_is_not_replaced_even_by_root(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "x.json"
    target.write_text("previous")
    target.chmod(0o444)
    result = runner.invoke(cli, ["convert", str(SAMPLE), "--to", "json", "-o", str(target)])
    assert result.exit_code == 1
    _one_error_line(result.stderr, str(target))
    assert "the file is read-only" in result.stderr
    assert target.read_text() == "previous"
    assert oct(target.stat().st_mode & 0o777) == "0o444"
    assert _leftovers(tmp_path) == ["x.json"]


@pytest.mark.parametrize("mode", [0o640, 0o600, 0o664])
def test_replaced_file_keeps_its_mode(runner: CliRunner, tmp_path: Path, mode: int) -> None:
    target = tmp_path / "x.json"
    target.write_text("previous")
    target.chmod(mode)
    result = runner.invoke(cli, ["convert", str(SAMPLE), "--to", "json", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert '"RNCP35080"' in target.read_text()
    assert target.stat().st_mode & 0o777 == mode


def test_new_file_gets_the_umask(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "x.json"
    old = os.umask(0o027)
    try:
        result = runner.invoke(cli, ["convert", str(SAMPLE), "--to", "json", "-o", str(target)])
        assert result.exit_code == 0, result.output
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o640


# --------------------------------------------------------------------------- Ctrl-C


def test_keyboard_interrupt_inside_a_writer(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rncpkit.formats import json_format

    target = tmp_path / "x.json"
    target.write_text("previous")

    def interrupt(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(json_format.JsonWriter, "write", interrupt)
    result = runner.invoke(cli, ["convert", str(SAMPLE), "--to", "json", "-o", str(target)])
    assert result.exit_code == 130
    assert "rncpkit: interrupted" in result.stderr
    assert target.read_text() == "previous"
    assert _leftovers(tmp_path) == ["x.json"]


def test_sigint_mid_run_exits_130_and_leaves_nothing(tmp_path: Path) -> None:
    """A real Ctrl-C: the command is blocked reading its input when SIGINT arrives."""
    target = tmp_path / "out.json"
    line = next(rncpkit.read(SAMPLE)).model_dump_json() + "\n"
    process = subprocess.Popen(
        [str(RNCPKIT), "convert", "-", "--from", "jsonl", "--to", "json", "-o", str(target)],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stderr is not None
    process.stdin.write(line * 3)
    process.stdin.flush()
    deadline = time.monotonic() + 60
    while not any(p.name.endswith(".part") for p in tmp_path.iterdir()):
        assert time.monotonic() < deadline, "the output was never started"
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == 130
    assert "rncpkit: interrupted" in stderr and "Traceback" not in stderr
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "args",
    [
        ["show", "35080", str(SAMPLE)],
        ["schema"],
        ["formats"],
        ["validate", str(SAMPLE)],
        ["accrochage", "template"],
    ],
)
def test_every_command_writing_to_a_full_stdout(args: list[str]) -> None:
    """Commands printing with click.echo, with or without their own error handler."""
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [str(RNCPKIT), *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            timeout=120,
        )
    assert result.returncode == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert errors == ["rncpkit: error: <stdout>: cannot write: No space left on device"]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["convert", str(SAMPLE), "--to", "supplement-html", "-o", "{dir}/pages/"], "pages/"),
        ([*BUILD, "-o", "{dir}/flux.xml"], "the temporary directory"),
    ],
)
def test_writers_with_their_own_files_under_a_size_limit(
    tmp_path: Path, args: list[str], named: str
) -> None:
    """The directory writer and the accrochage build's spool + split files: a failed write
    is one line naming where, and leaves no .part file."""
    result = subprocess.run(
        [str(RNCPKIT), *(arg.format(dir=tmp_path) for arg in args)],
        capture_output=True,
        text=True,
        preexec_fn=_no_core_dump,
        check=False,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("rncpkit: error: ") and named in line and "File too large" in line
    assert not [path for path in tmp_path.rglob("*") if path.name.endswith(".part")]


def test_a_symbolic_link_is_written_through(runner: CliRunner, tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("previous")
    real.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    result = runner.invoke(cli, ["convert", str(SAMPLE), "--to", "json", "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and '"RNCP35080"' in real.read_text()
    assert real.stat().st_mode & 0o777 == 0o640
