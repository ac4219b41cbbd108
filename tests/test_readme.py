"""The README's library quick start runs as written (on the embedded sample)."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

import pytest

from .conftest import ROOT


def test_library_quick_start_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"## Library quick start\n\n```python\n(.*?)```", readme, re.S)
    assert match, "the README lost its quick start"
    code = match.group(1).replace(
        '"export_fiches_RNCP_V4_1_2026-08-16.zip"', '"samples/RNCP35080.xml"'
    )
    monkeypatch.chdir(ROOT)
    code = code.replace('"build/', f'"{tmp_path}{os.sep}').replace(
        '"fiches.jsonl"', f'"{tmp_path / "fiches.jsonl"}"'
    )
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    printed = out.getvalue()
    assert "RNCP NIV7 7" in printed
    assert "['CA', 'FC', 'CQ', 'VAE']" in printed
    assert "1 fiches read, 1 written, 0 skipped by filter, 0 rejected" in printed
    assert (tmp_path / "fiches.jsonl").exists()
