"""The official SDK (toloka-kit 1.2.3, in its own environment, unmodified) works against a live emulator."""

from __future__ import annotations

import ast
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from toloka_emulator.testing import RunningEmulator, running_emulator

REPO = Path(__file__).resolve().parents[2]
SDK_PYTHON = REPO / "compat" / "toloka-kit" / ".venv" / "bin" / "python"
SCRIPT = Path(__file__).with_name("sdk_compat_script.py")
WORKFLOW = Path(__file__).with_name("sdk_workflow_script.py")
needs_sdk = pytest.mark.skipif(
    not SDK_PYTHON.exists(), reason="the official SDK's environment is absent: run `make setup-sdk`"
)


def _literal(path: Path, name: str) -> Any:
    """A module-level literal of a script that only the SDK's interpreter can import."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise LookupError(f"{path.name} has no literal {name}")


def _run_sdk(emulator: RunningEmulator, args: list[str], env: dict[str, str] | None = None) -> str:
    """Run a script with the SDK's interpreter; its stdout (AssertionError with the logs if it failed)."""
    result = subprocess.run(
        [str(SDK_PYTHON), *args], capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})}
    )
    assert result.returncode == 0, (
        f"SDK script failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}\nserver log:\n{emulator.log()[-4000:]}"
    )
    return result.stdout


@needs_sdk
def test_official_sdk_creates_tasks_and_suites_in_both_modes() -> None:
    with running_emulator() as emulator:
        stdout = _run_sdk(emulator, [str(SCRIPT), emulator.base_url, emulator.token()])
    seen = json.loads(stdout.strip().splitlines()[-1])
    for mode in ("async=True", "async=False"):
        assert seen[mode] == {"tasks": 5, "suites": 3, "skipped": ["1"]}


@needs_sdk
def test_official_sdk_upload_workflow_passes_every_step_with_both_clients() -> None:
    """toloka-kit's upload workflow (see sdk_workflow_script.py), TolokaClient with the OAuth token and
    AsyncTolokaClient with the API key: every call succeeds and returns what was sent."""
    clients, steps = _literal(WORKFLOW, "CLIENTS"), _literal(WORKFLOW, "STEPS")
    assert clients == ("TolokaClient", "AsyncTolokaClient")
    with running_emulator() as emulator:
        env = {"SDK_OAUTH_TOKEN": emulator.token(), "SDK_APIKEY_TOKEN": emulator.config.api_key_of("requester")}
        stdout = _run_sdk(emulator, [str(WORKFLOW), emulator.base_url, str(emulator.config_path)], env)
    records = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    assert records[-1] == {"done": True}
    results = {record["step"]: record for record in records if "step" in record}
    expected = [f"{client}.{step}" for client in clients for step in steps]
    assert sorted(results) == sorted(expected), set(results) ^ set(expected)
    failed = [f"{name}: {results[name]['detail']}" for name in expected if not results[name]["ok"]]
    assert not failed, "\n\n".join(failed)
