"""Real payloads of Toloka's API, copied verbatim from public sources, checked against openapi.yaml.

Every file under `requests/` and `responses/` is one payload with the place it was copied from (see README.md).
A response body is validated against the schema of its operation's response for its status, a request body
against the operation's requestBody schema: JSON Schema 2020-12, $refs inlined, formats asserted as the spec
means them (`date-time-local`, `uuid`), through `toloka_contract.testing`. A payload the contract rejects is
listed in REJECTED with the reason; those tests are strict xfails, so a contract change that accepts one fails
until the entry is removed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from toloka_contract.schema import OperationSpec, operations
from toloka_contract.spec import load_spec
from toloka_contract.testing import validator

CORPUS = Path(__file__).resolve().parent
REPOSITORIES = frozenset({"Toloka/docs", "Toloka/toloka-kit", "Toloka/toloka-java-sdk"})
COMMIT = re.compile(r"^[0-9a-f]{40}$")
ANY_OPERATION = "*"  # an error body the source gives for every operation (OLDDOCS errors.md)

# Real payloads the contract rejects: file id (path under the corpus, no .json) -> why.
REJECTED: dict[str, str] = {}


def _files() -> list[Path]:
    return sorted([*CORPUS.glob("requests/**/*.json"), *CORPUS.glob("responses/**/*.json")])


def _id(path: Path) -> str:
    return path.relative_to(CORPUS).with_suffix("").as_posix()


def _load(path: Path) -> dict[str, Any]:
    record = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(record, dict), f"{path}: not a JSON object"
    return record


def _params(direction: str) -> list[Any]:
    params = []
    for path in _files():
        if path.relative_to(CORPUS).parts[0] != f"{direction}s":
            continue
        marks = []
        if _id(path) in REJECTED:
            marks.append(pytest.mark.xfail(strict=True, reason=REJECTED[_id(path)]))
        params.append(pytest.param(path, id=_id(path), marks=marks))
    return params


def _operations() -> dict[str, OperationSpec]:
    return {operation.operation_id: operation for operation in operations(load_spec())}


def _errors(schema: Any, body: Any) -> list[str]:
    found = validator(load_spec(), schema).iter_errors(body)
    return [f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}" for error in found]


@pytest.mark.parametrize("path", _params("response"))
def test_response_matches_contract(path: Path) -> None:
    record = _load(path)
    status = record["status"]
    known = _operations()
    if record["operation"] == ANY_OPERATION:
        targets = [operation for operation in known.values() if status in operation.responses]
        assert targets, f"no operation of the contract declares a {status} answer"
    else:
        targets = [known[record["operation"]]]
    problems = []
    for operation in targets:
        response = operation.responses.get(status)
        if response is None:
            problems.append(f"{operation.operation_id} declares no {status} answer")
        elif "body" not in record:
            if response.schema is not None:
                problems.append(f"{operation.operation_id} {status} declares a JSON body; the source has none")
        elif response.schema is None:
            problems.append(f"{operation.operation_id} {status} declares no JSON body; the source has one")
        else:
            problems.extend(f"{operation.operation_id} {status}: {e}" for e in _errors(response.schema, record["body"]))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", _params("request"))
def test_request_matches_contract(path: Path) -> None:
    record = _load(path)
    operation = _operations()[record["operation"]]
    assert operation.request_schema is not None, f"{operation.operation_id} takes no JSON body"
    problems = _errors(operation.request_schema, record["body"])
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", [pytest.param(path, id=_id(path)) for path in _files()])
def test_file_names_its_source(path: Path) -> None:
    record = _load(path)
    source = record.get("source")
    assert isinstance(source, dict), "no source object"
    assert source.get("repository") in REPOSITORIES, source.get("repository")
    assert isinstance(source.get("commit"), str) and COMMIT.fullmatch(source["commit"]), source.get("commit")
    for key in ("path", "name"):
        assert isinstance(source.get(key), str) and source[key].strip(), f"source.{key} missing"
    # the file sits where its operation, direction and status say
    parts = path.relative_to(CORPUS).parts
    operation = record["operation"]
    if record["direction"] == "request":
        assert parts[:2] == ("requests", operation)
        assert "status" not in record
        assert "body" in record
    else:
        assert record["direction"] == "response"
        assert parts[:3] == ("responses", "any" if operation == ANY_OPERATION else operation, str(record["status"]))
        assert "body" in record or record["status"] == 204, "only a 204 has no body"
    assert operation == ANY_OPERATION or operation in _operations(), f"unknown operation {operation}"


@pytest.mark.parametrize(
    ("file_id", "change", "expected"),
    [
        # the artefact the README leaves out: a read with no id
        ("responses/get_task/200/docs__task-id__success", lambda body: body.pop("id"), "'id' is a required property"),
        # the old pages' placeholder date: formats are asserted, not only annotated
        (
            "responses/open_pool/202/docs__pool-open-operation__success",
            lambda body: body.update(submitted="2015-22-12T14:18:35"),
            "is not a 'date-time-local'",
        ),
        ("responses/any/404/docs__errors__block3", lambda body: body.pop("message"), "'message' is a required"),
    ],
)
def test_the_check_bites(file_id: str, change: Any, expected: str) -> None:
    """A changed copy of a real payload is rejected, so a pass above means the contract accepts the original."""
    record = _load(CORPUS / f"{file_id}.json")
    change(record["body"])
    operations_ = _operations()
    names = list(operations_) if record["operation"] == ANY_OPERATION else [record["operation"]]
    for name in names:
        response = operations_[name].responses.get(record["status"])
        if response is not None:
            assert any(expected in e for e in _errors(response.schema, record["body"])), name


def test_rejected_entries_name_corpus_files() -> None:
    ids = {_id(path) for path in _files()}
    assert sorted(set(REJECTED) - ids) == []


def test_every_operation_has_real_payloads() -> None:
    records = [_load(path) for path in _files()]
    answered = {r["operation"] for r in records if r["direction"] == "response" and 200 <= r["status"] < 300}
    sent = {r["operation"] for r in records if r["direction"] == "request"}
    missing = sorted(set(_operations()) - answered)
    assert missing == [], f"operations without a real success answer in the corpus: {missing}"
    takes_body = {name for name, operation in _operations().items() if operation.request_schema is not None}
    assert sorted(takes_body - sent) == []
