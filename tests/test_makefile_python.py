"""The Makefile stops at once, in one line, when the Python it would build the venv with is older than 3.11."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _fake_python(tmp_path: Path, version: str) -> Path:
    """A script that answers any question like a Python of ``version`` would answer ours."""
    fake = tmp_path / f"python{version}"
    fake.write_text(f'#!/bin/sh\necho "{version}"\n', encoding="utf-8")
    fake.chmod(0o755)
    return fake


@pytest.mark.parametrize("target", ["book", "test"])
def test_an_old_python_gets_one_line_before_any_venv(tmp_path, target):
    fake = _fake_python(tmp_path, "3.10.12")
    venv = tmp_path / "venv"
    done = subprocess.run(
        ["make", "-C", str(ROOT), target, f"PYTHON={fake}", f"VENV={venv}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "3.10.12" in lines[0] and "3.11" in lines[0] and str(fake) in lines[0]
    assert "Makefile" in lines[0] and "Stop." in lines[0]  # make's own stop, before any recipe ran
    assert not venv.exists()
    assert "pip" not in done.stdout


def test_a_new_enough_python_passes_the_check(tmp_path):
    fake = _fake_python(tmp_path, "3.11.0")
    done = subprocess.run(
        ["make", "-C", str(ROOT), "python-check", f"PYTHON={fake}", f"VENV={tmp_path / 'venv'}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "needs Python" not in done.stdout + done.stderr
