"""The official SDK (toloka-kit 1.2.3, in its own environment) works against a live emulator."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from toloka_emulator.testing import running_emulator

REPO = Path(__file__).resolve().parents[2]
SDK_PYTHON = REPO / "compat" / "toloka-kit" / ".venv" / "bin" / "python"
SCRIPT = Path(__file__).with_name("sdk_compat_script.py")


@pytest.mark.skipif(not SDK_PYTHON.exists(), reason="the official SDK's environment is absent: run `make setup-sdk`")
def test_official_sdk_creates_tasks_and_suites_in_both_modes() -> None:
    with running_emulator() as emulator:
        result = subprocess.run(
            [str(SDK_PYTHON), str(SCRIPT), emulator.base_url, emulator.token()],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, (
            f"SDK script failed:\n{result.stderr[-4000:]}\nserver log:\n{emulator.log()[-4000:]}"
        )
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    for mode in ("async=True", "async=False"):
        assert seen[mode] == {"tasks": 5, "suites": 3, "skipped": ["1"]}
