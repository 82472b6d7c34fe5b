"""generator/lint_spec_examples.py passes on openapi.yaml and names every broken example of a doctored copy."""

import copy
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from toloka_contract.spec import load_spec

LINT = Path(__file__).resolve().parents[1] / "lint_spec_examples.py"
SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"
TASKS = "#/paths/~1api~1v1~1tasks"


def load_lint() -> ModuleType:
    """The lint script as a module, so most checks run in-process (its imports take seconds)."""
    module_spec = importlib.util.spec_from_file_location("lint_spec_examples", LINT)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


lint_script = load_lint()


def write_spec(tmp_path: Path, spec: dict[str, Any]) -> Path:
    path = tmp_path / "openapi.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def doctored_spec() -> tuple[dict[str, Any], list[str]]:
    """A copy of the spec with one broken example of each kind, and the pointers the lint must name."""
    spec = copy.deepcopy(load_spec())
    components = spec["components"]
    tasks_post = spec["paths"]["/api/v1/tasks"]["post"]
    json_body = "content/application~1json/examples"
    # Request body: overlap as the docs' "string".
    tasks_post["requestBody"]["content"]["application/json"]["examples"]["two_tasks"]["value"][0]["overlap"] = "3"
    # Response: a timestamp with a zone designator (not date-time-local).
    created = tasks_post["responses"]["201"]["content"]["application/json"]["examples"]["docs"]["value"]["items"]["0"]
    created["created"] = "2016-09-29T18:04:00Z"
    # Parameter: an operation_id that is not an RFC 4122 UUID.
    components["parameters"]["OperationIdQuery"]["example"] = "not-a-uuid"
    # components/examples via $ref: an unknown status.
    components["examples"]["FailedTaskBatchOperation"]["value"]["status"] = "DONE"
    # Schema-level examples: a date that does not exist, and an unused components/examples entry.
    components["schemas"]["Timestamp"]["examples"] = ["2016-13-45T18:04:00"]
    components["examples"]["Orphan"] = {"value": {"anything": 1}}
    # A shared response component: an error body without its code.
    del components["responses"]["Unauthorized"]["content"]["application/json"]["examples"]["no_token"]["value"]["code"]
    bad = [
        f"{TASKS}/post/requestBody/{json_body}/two_tasks",
        f"{TASKS}/post/responses/201/{json_body}/docs",
        "#/components/parameters/OperationIdQuery/example",
        f"#/paths/~1api~1v1~1operations~1{{operation_id}}/get/responses/200/{json_body}/docs "
        "($ref #/components/examples/FailedTaskBatchOperation)",
        "#/components/schemas/Timestamp/examples/0",
        "#/components/examples/Orphan",
        f"#/components/responses/Unauthorized/{json_body}/no_token",
    ]
    return spec, bad


def test_the_spec_examples_validate_when_run_as_make_lint_does() -> None:
    result = subprocess.run([sys.executable, str(LINT), str(SPEC_PATH)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "examples validate" in result.stdout


def test_a_doctored_spec_fails_naming_each_bad_example(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec, bad = doctored_spec()
    assert lint_script.main([str(write_spec(tmp_path, spec))]) == 1
    reported = {line.split(": ", 1)[0] for line in capsys.readouterr().err.splitlines()}
    assert set(bad) <= reported
    assert len(reported - set(bad)) == 1  # only the summary line besides them


def test_an_untouched_copy_passes(tmp_path: Path) -> None:
    """The doctored run fails because of the doctoring, not because the spec was copied or re-serialised."""
    assert lint_script.lint(write_spec(tmp_path, copy.deepcopy(load_spec()))) == []


def test_a_dangling_example_reference_fails_cleanly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = copy.deepcopy(load_spec())
    del spec["components"]["examples"]["FailedTaskBatchOperation"]
    assert lint_script.main([str(write_spec(tmp_path, spec))]) == 1
    assert "unresolvable reference #/components/examples/FailedTaskBatchOperation" in capsys.readouterr().err
