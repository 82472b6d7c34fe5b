"""The official SDK (toloka-kit 1.2.3, in its own environment, unmodified) works against a live emulator."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from toloka_contract.schema import OperationSpec, operations
from toloka_contract.spec import load_spec
from toloka_contract.testing import validator
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


def _operation_of(method: str, path: str) -> OperationSpec | None:
    """The spec's operation for a request (path templates matched segment by segment)."""
    for candidate in operations(load_spec()):
        pattern = re.sub(r"\\{[^/]+\\}", "[^/]+", re.escape(candidate.path))
        if candidate.method == method.lower() and re.fullmatch(pattern, path):
            return candidate
    return None


def _query_value(value: str, schema: dict[str, Any]) -> Any:
    """A query string value as the type its schema declares (booleans travel as true/false)."""
    kind = schema.get("type")
    if kind == "boolean":
        return {"true": True, "false": False}.get(value, value)
    if kind == "integer" and re.fullmatch(r"-?[0-9]+", value):
        return int(value)
    return value


def contract_violations(exchange: dict[str, Any]) -> list[str]:
    """Where one recorded exchange breaks openapi.yaml: the operation, query, request body, status, answer."""
    spec = load_spec()
    url = urlsplit(exchange["path"])
    where = f"{exchange['method']} {exchange['path']} -> {exchange['status']}"
    found = _operation_of(exchange["method"], url.path)
    if found is None:
        return [f"{where}: no operation of openapi.yaml"]
    problems = []
    declared = {parameter["name"]: parameter for parameter in found.parameters if parameter.get("in") == "query"}
    for name, value in parse_qsl(url.query, keep_blank_values=True):
        if name not in declared:
            problems.append(f"{where}: query parameter {name} is not declared")
            continue
        schema = declared[name]["schema"]
        problems += [
            f"{where}: query {name}={value}: {e.message}"
            for e in validator(spec, schema).iter_errors(_query_value(value, schema))
        ]
    if found.request_schema is not None and exchange["sent"]:
        sent = json.loads(exchange["sent"])
        problems += [
            f"{where}: request body: {e.message}" for e in validator(spec, found.request_schema).iter_errors(sent)
        ]
    response = found.responses.get(exchange["status"])
    if response is None:
        return [*problems, f"{where}: status not documented for {found.operation_id}"]
    if response.schema is not None:
        try:
            answer = json.loads(exchange["answer"])
        except ValueError:
            return [*problems, f"{where}: the answer is not JSON: {exchange['answer'][:200]!r}"]
        problems += [f"{where}: answer: {e.message}" for e in validator(spec, response.schema).iter_errors(answer)]
    return problems


@needs_sdk
def test_official_sdk_upload_workflow_passes_every_step_with_both_clients(tmp_path: Path) -> None:
    """toloka-kit's upload workflow (see sdk_workflow_script.py), TolokaClient with the OAuth token and
    AsyncTolokaClient with the API key: every call succeeds and returns what was sent, and every request the SDK
    sent and every answer it got keeps openapi.yaml."""
    clients, steps = _literal(WORKFLOW, "CLIENTS"), _literal(WORKFLOW, "STEPS")
    assert clients == ("TolokaClient", "AsyncTolokaClient")
    exchanges_file = tmp_path / "exchanges.jsonl"
    with running_emulator() as emulator:
        env = {
            "SDK_OAUTH_TOKEN": emulator.token(),
            "SDK_APIKEY_TOKEN": emulator.config.api_key_of("requester"),
            "SDK_EXCHANGES_FILE": str(exchanges_file),
        }
        stdout = _run_sdk(emulator, [str(WORKFLOW), emulator.base_url, str(emulator.config_path)], env)
    records = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    assert records[-1] == {"done": True}
    results = {record["step"]: record for record in records if "step" in record}
    expected = [f"{client}.{step}" for client in clients for step in steps]
    assert sorted(results) == sorted(expected), set(results) ^ set(expected)
    failed = [f"{name}: {results[name]['detail']}" for name in expected if not results[name]["ok"]]
    assert not failed, "\n\n".join(failed)
    exchanges = [json.loads(line) for line in exchanges_file.read_text(encoding="utf-8").splitlines()]
    assert len(exchanges) > len(expected)
    violations = [problem for exchange in exchanges for problem in contract_violations(exchange)]
    assert not violations, "\n".join(violations[:20])
    used = {
        (found.operation_id, exchange["status"])
        for exchange in exchanges
        if (found := _operation_of(exchange["method"], urlsplit(exchange["path"]).path))
    }
    assert {operation_id for operation_id, _ in used} == {found.operation_id for found in operations(load_spec())}
    # Both answers of each upload and pool action, and the other account's pool, went through the check.
    for kind in ("create_tasks", "create_task_suites"):
        assert {(kind, 201), (kind, 202)} <= used
    assert {("open_pool", 202), ("open_pool", 204), ("close_pool", 202), ("close_pool", 204), ("get_pool", 404)} <= used


def test_the_contract_check_of_recorded_exchanges_bites() -> None:
    """The check the SDK workflow's traffic passes finds each kind of fault (no SDK needed)."""
    answer = '{"items": [], "has_more": false}'
    faults = {
        "answer: 'project_id' is a required property": ("GET", "/api/v1/pools/1", 200, "", '{"id": "1"}'),
        "sort=name": ("GET", "/api/v1/tasks?sort=name", 200, "", answer),
        "limit=0": ("GET", "/api/v1/tasks?limit=0", 200, "", answer),
        "query parameter bogus is not declared": ("GET", "/api/v1/tasks?bogus=1", 200, "", answer),
        "async_mode=maybe": ("POST", "/api/v1/tasks?async_mode=maybe", 400, "{}", '{"code": "C", "message": "m"}'),
        "the answer is not JSON": ("GET", "/api/v1/pools/1", 200, "", "<html>"),
        "request body": ("POST", "/api/v1/tasks", 400, "[]", '{"code": "VALIDATION_ERROR", "message": "m"}'),
        "status not documented": ("GET", "/api/v1/projects/1", 418, "", ""),
        "no operation of openapi.yaml": ("DELETE", "/api/v1/tasks", 405, "", ""),
    }
    for expected, (method, path, status, sent, got) in faults.items():
        exchange = {"method": method, "path": path, "status": status, "sent": sent, "answer": got}
        problems = contract_violations(exchange)
        assert any(expected in problem for problem in problems), (expected, problems)
    fine = {
        "method": "GET",
        "path": "/api/v1/tasks?sort=id,-created&limit=2",
        "status": 200,
        "sent": "",
        "answer": answer,
    }
    assert contract_violations(fine) == []
