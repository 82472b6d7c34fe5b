"""Writes the corpus (contract_tests/corpus/{requests,responses}/**) from the public sources, at pinned commits.

`uv run --frozen python tools/corpus/build.py --sources <dir> [--out <corpus dir>]`: `<dir>` holds the three
source repositories as `Toloka+docs`, `Toloka+toloka-kit`, `Toloka+toloka-java-sdk` (clones, bare git
directories, or directories holding one as `repo`: what the `fetch` tool makes under /work/.mirror), or as
plain files (`<owner>+<name>/<commit>/<path>`). Each payload is read out of its source file by `extract` (never
typed in by hand). Everything is written to a temporary directory first and swapped in only when the whole
build succeeded, so a failure leaves the committed corpus as it was. A provenance tool, not part of any
package: the corpus test does not need it; `tools/corpus/test_build.py` checks it still writes the committed
files.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from extract import Sources, groovy_value, json_text, markdown_blocks, python_value

CORPUS = Path(__file__).resolve().parents[2] / "contract_tests" / "corpus"
PARTS = ("requests", "responses")
DOCS, KIT, JAVA = "Toloka/docs", "Toloka/toloka-kit", "Toloka/toloka-java-sdk"
DOCS_HEAD = "c28c2aca9612a8b86fc3140a025f97ba1525e427"
OLDDOCS = "c75d33e4eba04afe6b5e6ebf482f651ec9e23e43"  # parent of ed476ebf, which deleted en/api/concepts/*.md
KIT_HEAD = "e5e0450d42d46a6aad357784d3d9c86a721662de"
JAVA_HEAD = "61aba1406e43bb98b9de2fbfb7d68b594652a684"
TAG = {DOCS: "docs", KIT: "kit", JAVA: "java"}
LICENSES = ((DOCS, DOCS_HEAD), (KIT, KIT_HEAD), (JAVA, JAVA_HEAD))  # all three: Apache License 2.0


NOTE_202 = (
    "The source files this under 201 (fullApi.yaml lists one 201 answer for every form); an async upload is "
    "answered 202 (the Java SDK accepts only 202; the contract follows it), so it is checked as the 202 body."
)
NOTE_MOCK_STATUS = (
    "The mock answered with status {mock}; the real API answers this call {real}, so it is checked as {real}."
)
NOTE_LENIENT = (
    "MockServer's json() body matcher is lenient (ONLY_MATCHING_FIELDS): the SDK's request contains at least this."
)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)  # simplejson writes Decimal('0.01') as the number 0.01
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def build(out: Path, sources: Sources) -> list[Path]:
    """Write every payload file under `out` (requests/, responses/) from `sources`; the files written."""
    show = sources.show
    written: list[Path] = []

    def write(
        *,
        repo: str,
        commit: str,
        path: str,
        name: str,
        operation: str,
        direction: str,
        body: Any = None,
        status: int | None = None,
        file_name: str,
        note: str | None = None,
        no_body: bool = False,
        extra: dict[str, Any] | None = None,
    ) -> None:
        source: dict[str, Any] = {"repository": repo, "commit": commit, "path": path, "name": name}
        source.update(extra or {})
        record: dict[str, Any] = {"source": source, "operation": operation, "direction": direction}
        if direction == "response":
            assert status is not None
            record["status"] = status
            folder = out / "responses" / ("any" if operation == "*" else operation) / str(status)
        else:
            folder = out / "requests" / operation
        if note:
            record["note"] = note
        if not no_body:
            record["body"] = _jsonable(body)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{TAG[repo]}__{file_name}.json"
        assert target not in written, target
        target.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(target)

    # ---- Toloka/docs: fullApi.yaml's example files ---------------------------------------------------------

    def docs_example(file: str, key: str) -> Any:
        return yaml.safe_load(show(DOCS, DOCS_HEAD, file))[key]["value"]

    REQ = "en/api/reference/requests/api/"
    RESP = "en/api/reference/responses/api/"
    for file, key, op in [
        ("task-body.yaml", "single_task_body", "create_tasks"),
        ("task-body.yaml", "multiple_tasks_body", "create_tasks"),
        ("task-suite-body.yaml", "single_task_suite_body", "create_task_suites"),
        ("task-suite-body.yaml", "multiple_task_suites_body", "create_task_suites"),
    ]:
        write(
            repo=DOCS,
            commit=DOCS_HEAD,
            path=REQ + file,
            name=key,
            operation=op,
            direction="request",
            body=docs_example(REQ + file, key),
            file_name=key,
        )

    for file, key, op, status, note in [
        ("task-post.yaml", "single_task", "create_tasks", 201, None),
        ("task-post.yaml", "single_task_async", "create_tasks", 202, NOTE_202),
        ("task-post.yaml", "multiple_tasks", "create_tasks", 201, None),
        ("task-post.yaml", "multiple_tasks_async", "create_tasks", 202, NOTE_202),
        ("task-id.yaml", "success", "get_task", 200, None),
        ("task-list.yaml", "success", "list_tasks", 200, None),
        ("task-suite-post.yaml", "single_task_suite", "create_task_suites", 201, None),
        (
            "task-suite-post.yaml",
            "multiple_task_suites",
            "create_task_suites",
            201,
            'YAML integer keys (0:, 1:) become JSON object keys ("0", "1").',
        ),
        ("task-suite-post.yaml", "async", "create_task_suites", 202, NOTE_202),
        ("task-suite-id.yaml", "success", "get_task_suite", 200, None),
        ("task-suite-list.yaml", "success", "list_task_suites", 200, None),
        ("operation-id.yaml", "success", "get_operation", 200, None),
        ("pool-id.yaml", "success", "get_pool", 200, None),
        ("pool-open-operation.yaml", "success", "open_pool", 202, None),
        ("pool-close-operation.yaml", "success", "close_pool", 202, None),
        ("project-id.yaml", "success", "get_project", 200, None),
    ]:
        stem = file.removesuffix(".yaml")
        write(
            repo=DOCS,
            commit=DOCS_HEAD,
            path=RESP + file,
            name=key,
            operation=op,
            direction="response",
            status=status,
            body=docs_example(RESP + file, key),
            file_name=f"{stem}__{key}",
            note=note,
        )

    # the current docs' one sample error (the overview, "HTTP status codes"): common to all requests
    _info = "en/api/reference/parts/api/info-description.md"
    _start, _end, _text = markdown_blocks(show(DOCS, DOCS_HEAD, _info))[0]
    write(
        repo=DOCS,
        commit=DOCS_HEAD,
        path=_info,
        name="HTTP status codes: sample error with HTTP status code 409",
        operation="*",
        direction="response",
        status=409,
        body=json_text(_text),
        file_name="info-description__block0",
        extra={"lines": [_start, _end]},
    )

    # ---- Toloka/docs history: the per-method pages (en/api/concepts/*.md) ----------------------------------

    def old_block(page: str, index: int) -> tuple[Any, dict[str, Any]]:
        start, end, text = markdown_blocks(show(DOCS, OLDDOCS, f"en/api/concepts/{page}.md"))[index]
        try:
            value = json_text(text)
        except json.JSONDecodeError:
            value = yaml.safe_load(text)  # the 400 example has a trailing comma; YAML reads it as the same object
        return value, {"lines": [start, end]}

    OLD_PAGES: list[tuple[str, int, str, str, int | None, str, str | None]] = [
        ("create-task", 0, "create_tasks", "request", None, "one task", None),
        ("create-task", 1, "create_tasks", "request", None, "multiple tasks", None),
        ("create-task", 4, "create_tasks", "response", 202, "one task, async_mode=true", None),
        ("create-task", 5, "create_tasks", "response", 201, "multiple tasks, async_mode=false", None),
        (
            "create-task",
            6,
            "create_tasks",
            "response",
            202,
            "multiple tasks, async_mode=true",
            "The page shows this already-ended (FAIL) operation as the answer to the upload; checked as the 202 body.",
        ),
        ("create-task-suite", 0, "create_task_suites", "request", None, "one task suite", None),
        ("create-task-suite", 1, "create_task_suites", "request", None, "multiple task suites", None),
        ("get-operation-log", 1, "get_operation_log", "response", 200, "response: bonus issued", None),
        ("get-operation-log", 2, "get_operation_log", "response", 200, "response: bonus not issued", None),
        ("errors", 0, "*", "response", 409, "sample error with HTTP status code 409", None),
        (
            "errors",
            1,
            "*",
            "response",
            400,
            "400: Error in the data that is passed in the request",
            "The page's JSON has a trailing comma after the last member; read as the same two-member object.",
        ),
        ("errors", 2, "*", "response", 403, "403: No permission to perform the operation", None),
        ("errors", 3, "*", "response", 404, "404: The requested object doesn't exist", None),
        ("errors", 4, "*", "response", 409, "409: The operation can't be performed due to its logic", None),
        ("errors", 5, "*", "response", 429, "429: The allowed number of requests per time unit exceeded", None),
        ("errors", 6, "*", "response", 500, "500: An unexpected error in the service", None),
        ("errors", 7, "*", "response", 503, "503: The service is temporarily unavailable", None),
        ("create-tasks-batch", 0, "create_tasks", "response", 201, "tasks data (async_mode=false)", None),
        (
            "create-tasks-batch",
            1,
            "create_tasks",
            "response",
            202,
            "information about the operation (async_mode=true)",
            "The page shows this already-ended (FAIL) operation as the answer to the upload; checked as the 202 body.",
        ),
    ]
    for page, index, op, direction, old_status, name, note in OLD_PAGES:
        body, extra = old_block(page, index)
        slug = f"{page}__block{index}"
        write(
            repo=DOCS,
            commit=OLDDOCS,
            path=f"en/api/concepts/{page}.md",
            name=name,
            operation=op,
            direction=direction,
            status=old_status,
            body=body,
            file_name=slug,
            note=note,
            extra=extra,
        )

    # ---- toloka-kit tests ---------------------------------------------------------------------------------

    def kit_sources(test_path: str) -> list[str]:
        parts = test_path.split("/")
        sources = []
        for depth in range(1, len(parts)):
            conftest = "/".join(parts[:depth]) + "/conftest.py"
            with contextlib.suppress(subprocess.CalledProcessError):  # no conftest at this level
                sources.append(show(KIT, KIT_HEAD, conftest))
        sources.append(show(KIT, KIT_HEAD, test_path))
        return sources

    def kit(
        test_path: str,
        test: str,
        expr: str,
        *,
        operation: str,
        direction: str,
        status: int | None = None,
        file_name: str,
        note: str | None = None,
        bind: dict[str, str] | None = None,
        fixtures: str | None = None,
    ) -> None:
        body = python_value(kit_sources(test_path), expr, test=test, bind=bind)
        extra: dict[str, Any] = {"expression": expr}
        if bind:
            extra["bound"] = bind
        if fixtures:
            extra["fixtures"] = fixtures
        write(
            repo=KIT,
            commit=KIT_HEAD,
            path=test_path,
            name=test,
            operation=operation,
            direction=direction,
            status=status,
            body=body,
            file_name=file_name,
            note=note,
            extra=extra,
        )

    def kit_no_body(test_path: str, test: str, expr: str, *, operation: str, status: int, file_name: str) -> None:
        from extract import assert_in_source

        assert_in_source(expr, show(KIT, KIT_HEAD, test_path))
        write(
            repo=KIT,
            commit=KIT_HEAD,
            path=test_path,
            name=test,
            operation=operation,
            direction="response",
            status=status,
            no_body=True,
            file_name=file_name,
            extra={"expression": expr},
        )

    T = "tests/tasks/test_creation.py"
    TS = "tests/task_suites/test_creation.py"
    ASYNC_HELPER = (
        "The mock (tests/testutils/util_functions.py) answers the POST with {mock}; "
        "an async upload is answered 202, so it is checked as 202."
    )
    GET_HELPER = (
        "The mock (tests/testutils/util_functions.py) answers GET {what} with 201; "
        "the real API answers 200, so it is checked as 200."
    )

    # requests toloka-kit sends (asserted in the tests)
    kit(
        T,
        "test_create_task_sync",
        "task_map",
        operation="create_tasks",
        direction="request",
        file_name="test_create_task_sync__request",
        fixtures="tests/tasks/conftest.py",
    )
    kit(
        T,
        "test_create_tasks_with_error",
        "tasks_map",
        operation="create_tasks",
        direction="request",
        file_name="test_create_tasks_with_error__request",
        fixtures="tests/tasks/conftest.py",
    )
    kit(
        T,
        "test_create_tasks_sync",
        "tasks_map",
        operation="create_tasks",
        direction="request",
        file_name="test_create_tasks_sync__request",
    )
    kit(
        TS,
        "test_create_task_suite_sync",
        "task_suite_map",
        operation="create_task_suites",
        direction="request",
        file_name="test_create_task_suite_sync__request",
        fixtures="tests/task_suites/conftest.py",
    )
    kit(
        TS,
        "test_create_task_suites_sync",
        "raw_request",
        operation="create_task_suites",
        direction="request",
        file_name="test_create_task_suites_sync__request",
    )

    # tasks
    kit(
        T,
        "test_create_tasks_sync",
        "task_create_result_map",
        operation="create_tasks",
        direction="response",
        status=201,
        file_name="test_create_tasks_sync",
    )
    kit(
        T,
        "test_create_task_sync_through_async",
        "operation_running_map_single_task",
        operation="create_tasks",
        direction="response",
        status=202,
        file_name="test_create_task_sync_through_async__running",
        note=ASYNC_HELPER.format(mock=201),
    )
    kit(
        T,
        "test_create_task_sync_through_async",
        "operation_success_map_single_task",
        operation="get_operation",
        direction="response",
        status=200,
        file_name="test_create_task_sync_through_async__success",
        note=GET_HELPER.format(what="/operations/{id}"),
    )
    kit(
        T,
        "test_create_task_sync_through_async",
        "create_tasks_log[:1]",
        operation="get_operation_log",
        direction="response",
        status=200,
        file_name="test_create_task_sync_through_async__log",
        note=GET_HELPER.format(what="/operations/{id}/log"),
    )
    kit(
        T,
        "test_create_task_sync_through_async",
        "created_tasks_21_map",
        operation="get_task",
        direction="response",
        status=200,
        file_name="test_create_task_sync_through_async__task",
    )
    kit(
        T,
        "test_create_task_sync_through_async_retry_failed_operation",
        "operation_fail_map_single_task",
        operation="get_operation",
        direction="response",
        status=200,
        file_name="test_create_task_sync_through_async_retry_failed_operation",
        note=GET_HELPER.format(what="/operations/{id}"),
    )
    kit(
        T,
        "test_create_tasks_sync_through_async",
        "operation_running_map",
        operation="create_tasks",
        direction="response",
        status=202,
        file_name="test_create_tasks_sync_through_async__running",
        note=ASYNC_HELPER.format(mock=201),
    )
    kit(
        T,
        "test_create_tasks_sync_through_async",
        "operation_success_map",
        operation="get_operation",
        direction="response",
        status=200,
        file_name="test_create_tasks_sync_through_async__success",
        note=GET_HELPER.format(what="/operations/{id}"),
    )
    kit(
        T,
        "test_create_tasks_sync_through_async",
        "create_tasks_log",
        operation="get_operation_log",
        direction="response",
        status=200,
        file_name="test_create_tasks_sync_through_async__log",
        note=GET_HELPER.format(what="/operations/{id}/log"),
    )
    for pool, chosen in (("21", "[created_tasks_21_map]"), ("22", "[created_tasks_22_map]")):
        kit(
            T,
            "test_create_tasks_sync_through_async",
            "{'items': res_map, 'has_more': False}",
            bind={"res_map": chosen},
            operation="list_tasks",
            direction="response",
            status=200,
            file_name=f"test_create_tasks_sync_through_async__find_tasks_pool_{pool}",
            note="return_tasks_by_pool answers the find_tasks GET with 201; the real API answers 200.",
        )
    kit(
        T,
        "test_create_tasks_sync_through_async_retry_failed_operation",
        "operation_fail_map",
        operation="get_operation",
        direction="response",
        status=200,
        file_name="test_create_tasks_sync_through_async_retry_failed_operation",
        note=GET_HELPER.format(what="/operations/{id}"),
    )
    kit(
        T,
        "test_create_tasks_async",
        "create_tasks_operation_map",
        operation="create_tasks",
        direction="response",
        status=202,
        file_name="test_create_tasks_async",
        note=ASYNC_HELPER.format(mock=200),
    )

    # task suites
    kit(
        TS,
        "test_create_task_suite_sync",
        "task_suite_map_with_readonly",
        operation="create_task_suites",
        direction="response",
        status=201,
        file_name="test_create_task_suite_sync",
        note="The mock answers the sync single-object POST with 200; the real API answers 201 (the Java SDK accepts "
        "only 201), so it is checked as 201.",
        fixtures="tests/task_suites/conftest.py",
    )
    kit(
        TS,
        "test_create_task_suites_sync",
        "raw_result",
        operation="create_task_suites",
        direction="response",
        status=201,
        file_name="test_create_task_suites_sync",
    )
    kit(
        TS,
        "test_create_task_suite_sync_through_async",
        "operation_running_map_single_task_suite",
        operation="create_task_suites",
        direction="response",
        status=202,
        file_name="test_create_task_suite_sync_through_async__running",
        note=ASYNC_HELPER.format(mock=201),
    )
    kit(
        TS,
        "test_create_task_suite_sync_through_async",
        "operation_success_map_single_task_suite",
        operation="get_operation",
        direction="response",
        status=200,
        file_name="test_create_task_suite_sync_through_async__success",
        note=GET_HELPER.format(what="/operations/{id}"),
    )
    kit(
        TS,
        "test_create_task_suite_sync_through_async",
        "task_suite_1",
        operation="get_task_suite",
        direction="response",
        status=200,
        file_name="test_create_task_suite_sync_through_async__task_suite",
    )
    kit(
        TS,
        "test_create_task_suite_sync_through_async_retry_failed_operation",
        "operation_fail_map_single_task_suite",
        operation="get_operation",
        direction="response",
        status=200,
        file_name="test_create_task_suite_sync_through_async_retry_failed_operation",
        note=GET_HELPER.format(what="/operations/{id}"),
    )
    kit(
        TS,
        "test_create_task_suites_sync_through_async",
        "operation_running_map",
        operation="create_task_suites",
        direction="response",
        status=202,
        file_name="test_create_task_suites_sync_through_async__running",
        note=ASYNC_HELPER.format(mock=201),
    )
    kit(
        TS,
        "test_create_task_suites_sync_through_async",
        "operation_success_map",
        operation="get_operation",
        direction="response",
        status=200,
        file_name="test_create_task_suites_sync_through_async__success",
        note=GET_HELPER.format(what="/operations/{id}"),
    )
    kit(
        TS,
        "test_create_task_suites_sync_through_async",
        "create_log",
        operation="get_operation_log",
        direction="response",
        status=200,
        file_name="test_create_task_suites_sync_through_async__log",
        note=GET_HELPER.format(what="/operations/{id}/log"),
    )
    kit(
        TS,
        "test_create_task_suites_sync_through_async",
        "{'items': get_task_suites_map, 'has_more': False}",
        operation="list_task_suites",
        direction="response",
        status=200,
        file_name="test_create_task_suites_sync_through_async__find_task_suites",
    )
    kit(
        TS,
        "test_create_task_suites_async_retry_failed_operation",
        "operation_fail_map",
        operation="get_operation",
        direction="response",
        status=200,
        file_name="test_create_task_suites_async_retry_failed_operation",
        note=GET_HELPER.format(what="/operations/{id}"),
    )
    kit(
        "tests/task_suites/test_task_suites.py",
        "test_find_task_suites",
        "raw_result",
        operation="list_task_suites",
        direction="response",
        status=200,
        file_name="test_find_task_suites",
        fixtures="tests/task_suites/conftest.py",
    )
    kit(
        "tests/task_suites/test_task_suites.py",
        "test_get_task_suite",
        "task_suite_map_with_readonly",
        operation="get_task_suite",
        direction="response",
        status=200,
        file_name="test_get_task_suite",
        fixtures="tests/task_suites/conftest.py",
    )

    # operation log
    for fixture in ("task_operation_log_list", "bonus_operation_log_list", "tasks_suite_operation_log_list"):
        kit(
            "tests/test_operation_log.py",
            "test_get_operagiton_log",
            fixture,
            operation="get_operation_log",
            direction="response",
            status=200,
            file_name=f"test_get_operagiton_log__{fixture}",
            note="The mock answers with 201; the real API answers 200.",
        )

    # pools
    P = "tests/pool/test_pool.py"
    kit(
        P,
        "test_get_pool",
        "pool_map_with_readonly",
        operation="get_pool",
        direction="response",
        status=200,
        file_name="test_get_pool",
        fixtures="tests/pool/conftest.py",
    )
    kit(
        P,
        "test_get_pool_training",
        "training_pool_map",
        operation="get_pool",
        direction="response",
        status=200,
        file_name="test_get_pool_training",
        fixtures="tests/pool/conftest.py",
    )
    kit(
        P,
        "test_open_pool",
        "open_pool_map_with_readonly",
        operation="get_pool",
        direction="response",
        status=200,
        file_name="test_open_pool__get_pool",
        fixtures="tests/pool/conftest.py",
    )
    kit(
        P,
        "test_open_pool_async",
        "open_pool_operation_map",
        operation="open_pool",
        direction="response",
        status=202,
        file_name="test_open_pool_async",
    )
    kit(
        P,
        "test_open_pool_async",
        "complete_open_pool_operation_map",
        operation="get_operation",
        direction="response",
        status=200,
        file_name="test_open_pool_async__complete",
    )
    kit_no_body(
        P,
        "test_open_pool_already_open",
        "respx_mock.post(f'{toloka_url}/pools/21/open').respond(status_code=204)",
        operation="open_pool",
        status=204,
        file_name="test_open_pool_already_open",
    )
    kit(
        P,
        "test_open_pool_exception",
        "empty_pool_error",
        operation="open_pool",
        direction="response",
        status=409,
        file_name="test_open_pool_exception",
    )
    kit(
        P,
        "test_close_pool",
        "close_pool_operation_map",
        operation="close_pool",
        direction="response",
        status=202,
        file_name="test_close_pool",
    )
    kit(
        P,
        "test_close_pool",
        "complete_close_pool_operation_map",
        operation="get_operation",
        direction="response",
        status=200,
        file_name="test_close_pool__complete",
    )
    kit(
        P,
        "test_close_pool_async",
        "complete_close_pool_operation_map",
        operation="close_pool",
        direction="response",
        status=202,
        file_name="test_close_pool_async",
    )
    kit_no_body(
        P,
        "test_close_pool_already_closed",
        "respx_mock.post(f'{toloka_url}/pools/21/close').respond(status_code=204)",
        operation="close_pool",
        status=204,
        file_name="test_close_pool_already_closed",
    )

    # projects
    PR = "tests/test_project.py"
    kit(
        PR,
        "test_get_project",
        "project_map",
        operation="get_project",
        direction="response",
        status=200,
        file_name="test_get_project",
    )
    kit(
        PR,
        "test_get_project_returns_internal_server_error",
        "body",
        operation="get_project",
        direction="response",
        status=500,
        file_name="test_get_project_returns_internal_server_error",
    )

    # error bodies of an operation outside the contract (POST /projects): the error body is common to all requests
    for _test in ("test_create_project_check_validation_errors", "test_create_project_check_logical_errors"):
        kit(
            PR,
            _test,
            "response_body",
            operation="*",
            direction="response",
            status=400,
            file_name=_test,
            note="Answered by POST /api/v1/projects (create_project, outside the contract); the error body is the "
            'same for every request (docs: "Errors ... have the same codes"), so it is checked against every '
            "operation that declares a 400.",
        )

    # ---- Java SDK specs ------------------------------------------------------------------------------------

    SPEC = "src/test/groovy/ai/toloka/client/v1/impl/"

    def java(
        spec: str,
        feature: str,
        *,
        operation: str,
        direction: str,
        status: int | None = None,
        file_name: str,
        method: str | None = None,
        var: str | None = None,
        expr: str | None = None,
        note: str | None = None,
        raw_json: str | None = None,
    ) -> None:
        source = show(JAVA, JAVA_HEAD, SPEC + spec)
        extra: dict[str, Any] = {}
        if raw_json is not None:
            from extract import assert_in_source

            assert_in_source(raw_json, source)
            body = json.loads(raw_json)
            extra["json_text"] = "the response body string of the feature"
        elif method is not None:
            body = groovy_value(source, method=method)
            extra["expression"] = f"{method}()"
        else:
            body = groovy_value(source, feature=feature, var=var, expr=expr)
            extra["expression"] = expr or var
        write(
            repo=JAVA,
            commit=JAVA_HEAD,
            path=SPEC + spec,
            name=feature,
            operation=operation,
            direction=direction,
            status=status,
            body=body,
            file_name=file_name,
            note=note,
            extra=extra,
        )

    TCS, TSS = "TaskClientImplSpec.groovy", "TaskSuiteClientImplSpec.groovy"
    OCS, PCS, PRS = "OperationClientImplSpec.groovy", "PoolClientImplSpec.groovy", "ProjectClientImplSpec.groovy"

    java(
        TCS,
        "createTask",
        method="task_map",
        operation="create_tasks",
        direction="request",
        file_name="createTask__request",
        note=NOTE_LENIENT,
    )
    java(
        TCS,
        "createTaskSuites",
        var="tasks_map",
        operation="create_tasks",
        direction="request",
        file_name="createTasks__request",
        note=NOTE_LENIENT + " (The feature method of createTasks is named "
        '"createTaskSuites" in TaskClientImplSpec.) `input_values: {}` is an empty Groovy closure, which '
        "JsonBuilder writes as {}.",
    )
    java(
        TCS,
        "createTaskSuitesAsync",
        var="tasks_map",
        operation="create_tasks",
        direction="request",
        file_name="createTasksAsync__request",
        note=NOTE_LENIENT + " (The feature method of createTasksAsync is "
        'named "createTaskSuitesAsync" in TaskClientImplSpec.)',
    )
    java(
        TSS,
        "createTaskSuite",
        method="task_suite_map",
        operation="create_task_suites",
        direction="request",
        file_name="createTaskSuite__request",
        note=NOTE_LENIENT,
    )
    java(
        TSS,
        "createTaskSuites",
        var="task_suites_map",
        operation="create_task_suites",
        direction="request",
        file_name="createTaskSuites__request",
        note=NOTE_LENIENT + " `input_values: {}` is an empty Groovy closure, which JsonBuilder writes as {}.",
    )
    java(
        TSS,
        "createTaskSuitesAsync",
        var="task_suites_map",
        operation="create_task_suites",
        direction="request",
        file_name="createTaskSuitesAsync__request",
        note=NOTE_LENIENT,
    )

    java(
        TSS,
        "createTaskSuite",
        method="task_suite_map_with_readonly",
        operation="create_task_suites",
        direction="response",
        status=201,
        file_name="createTaskSuite",
    )
    java(
        TSS,
        "createTaskSuites",
        var="result_map",
        operation="create_task_suites",
        direction="response",
        status=201,
        file_name="createTaskSuites",
    )
    java(
        TSS,
        "createTaskSuitesAsync",
        var="operation_map",
        operation="create_task_suites",
        direction="response",
        status=202,
        file_name="createTaskSuitesAsync",
    )
    java(
        TSS,
        "findTaskSuites",
        expr="[items: [task_suite_map_with_readonly()], has_more: false]",
        operation="list_task_suites",
        direction="response",
        status=200,
        file_name="findTaskSuites",
    )
    java(
        TSS,
        "getTaskSuite",
        method="task_suite_map_with_readonly",
        operation="get_task_suite",
        direction="response",
        status=200,
        file_name="getTaskSuite",
    )

    java(
        OCS,
        "getOperation",
        var="operation_map",
        operation="get_operation",
        direction="response",
        status=200,
        file_name="getOperation__running",
    )
    java(
        OCS,
        "getOperation",
        var="operation_map",
        expr="operation_map + [status: 'SUCCESS', finished: '2016-03-07T15:48:03']",
        operation="get_operation",
        direction="response",
        status=200,
        file_name="getOperation__complete",
    )
    java(
        OCS,
        "getOperation; KNOWN_SOLUTIONS.GENERATE",
        var="operation_map",
        operation="get_operation",
        direction="response",
        status=200,
        file_name="getOperation_KNOWN_SOLUTIONS_GENERATE__running",
    )
    java(
        OCS,
        "getOperation; KNOWN_SOLUTIONS.GENERATE",
        var="operation_map",
        expr="operation_map + [status: 'SUCCESS', finished: '2022-05-11T02:32:02']",
        operation="get_operation",
        direction="response",
        status=200,
        file_name="getOperation_KNOWN_SOLUTIONS_GENERATE__complete",
    )
    java(
        OCS,
        "getOperation; check for success/check details",
        var="operation_map",
        operation="get_operation",
        direction="response",
        status=200,
        file_name="getOperation_check_details",
    )
    java(
        OCS,
        "getOperationLog",
        var="operation_log_map",
        operation="get_operation_log",
        direction="response",
        status=200,
        file_name="getOperationLog",
    )
    java(
        OCS,
        "getOperationLog; empty response",
        raw_json='"[]"'[1:-1],
        operation="get_operation_log",
        direction="response",
        status=200,
        file_name="getOperationLog_empty",
    )

    java(
        PCS,
        "getPool",
        method="pool_map_with_readonly",
        operation="get_pool",
        direction="response",
        status=200,
        file_name="getPool",
    )
    java(
        PCS,
        "openPool",
        var="operation_map",
        operation="open_pool",
        direction="response",
        status=202,
        file_name="openPool",
    )
    java(
        PCS,
        "openPool",
        var="operation_map",
        expr="operation_map + [status: 'SUCCESS', finished: '2016-03-07T15:48:03']",
        operation="get_operation",
        direction="response",
        status=200,
        file_name="openPool__complete",
    )
    java(
        PCS,
        "closePool",
        var="operation_map",
        operation="close_pool",
        direction="response",
        status=202,
        file_name="closePool",
    )

    def java_no_body(spec: str, feature: str, expr: str, *, operation: str, status: int, file_name: str) -> None:
        from extract import assert_in_source

        assert_in_source(expr, show(JAVA, JAVA_HEAD, SPEC + spec))
        write(
            repo=JAVA,
            commit=JAVA_HEAD,
            path=SPEC + spec,
            name=feature,
            operation=operation,
            direction="response",
            status=status,
            no_body=True,
            file_name=file_name,
            extra={"expression": expr},
        )

    java_no_body(
        PCS,
        "openAlreadyOpened",
        ".respond(response().withStatusCode(204))",
        operation="open_pool",
        status=204,
        file_name="openAlreadyOpened",
    )

    PROJECT_GET = show(JAVA, JAVA_HEAD, SPEC + PRS)

    def java_inline_json_builder(feature: str) -> Any:
        """The literal inside `.withBody(json(new JsonBuilder([...]) as String))` of a feature method."""
        from extract import Groovy

        start = PROJECT_GET.index(f'def "{feature}"()')
        anchor = PROJECT_GET.index("new JsonBuilder(", start) + len("new JsonBuilder(")
        return Groovy(PROJECT_GET).parse_at(anchor, {})

    for feature, slug in (("getProject", "getProject"), ("getProject; tb_view_spec", "getProject_tb_view_spec")):
        write(
            repo=JAVA,
            commit=JAVA_HEAD,
            path=SPEC + PRS,
            name=feature,
            operation="get_project",
            direction="response",
            status=200,
            body=java_inline_json_builder(feature),
            file_name=slug,
            extra={"expression": "the map literal passed to new JsonBuilder(...) in .withBody(json(...))"},
        )

    error_text = PROJECT_GET[PROJECT_GET.index('def "getProject; returns internal server error"()') :]
    error_text = error_text[error_text.index('.withBody("""') + len('.withBody("""') :]
    error_text = error_text[: error_text.index('""")')]
    java(
        PRS,
        "getProject; returns internal server error",
        raw_json=error_text,
        operation="get_project",
        direction="response",
        status=500,
        file_name="getProject_internal_server_error",
    )
    return written


def swap_in(built: Path, out: Path) -> None:
    """Replace `out`'s requests/ and responses/ with the ones in `built` (a directory on the same file system)."""
    for part in PARTS:
        old = built / f"{part}.old"
        if (out / part).exists():
            (out / part).rename(old)
        (built / part).rename(out / part)
        shutil.rmtree(old, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Build into a temporary directory beside the corpus, then swap it in."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--sources", type=Path, required=True, help="the directory holding the source repositories, or an archive"
    )
    parser.add_argument("--vendor", type=Path, help="also write the source files read to this .tar.gz archive")
    parser.add_argument("--out", type=Path, default=CORPUS, help="the corpus directory (default: the committed one)")
    arguments = parser.parse_args(argv)
    out: Path = arguments.out.resolve()
    if not arguments.sources.exists():
        parser.error(f"--sources {arguments.sources}: no such directory or archive")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".corpus-build-", dir=out) as scratch:
        sources = Sources(arguments.sources)
        written = build(Path(scratch), sources)
        swap_in(Path(scratch), out)
    if arguments.vendor is not None:
        sources.vendor(arguments.vendor, [(repo, commit, "LICENSE") for repo, commit in LICENSES])
    print(len(written), "files written to", out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
