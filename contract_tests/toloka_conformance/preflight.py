"""Before anything is created: read the pools and their project, and check each flag against what they show.

A flag that contradicts another, or a value the project's spec refuses, is a usage error (exit 2); a pool that is
missing or in a state the suite must not use or change is untestable (exit 4). Either is one line naming the flag,
and nothing is sent that could create or change anything. Values the suite builds itself (a valid `input_values`
when none was given, the `output_values` of known solutions) come from the project read here.

Only clear answers are acted on: a pool read that answers 404, or a documented status; a project whose spec reads
as one. Anything stranger is left for the checks (`pools.read`, `projects.read`) to report: a broken server is a
finding, not an obstacle.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from toloka_contract.fields import FieldSpecs

from toloka_conformance.api import Api
from toloka_conformance.checks.support import POOLS, PROJECTS, valid_values
from toloka_conformance.target import UNKNOWN_INPUT_FIELD, Target

USAGE, UNTESTABLE = 2, 4


class Mismatch(Exception):
    """A flag the account or the project contradicts: `line` names the flag, `status` is the exit status."""

    def __init__(self, line: str, status: int) -> None:
        super().__init__(line)
        self.line = line
        self.status = status


@dataclass(frozen=True)
class _Flags:
    """Which target values came from the user (checked) and which the suite may fill in (built)."""

    input_values: bool
    output_values: bool


def check(target: Target, *, input_given: bool, output_given: bool) -> tuple[Target, list[str]]:
    """The target with the values the suite builds filled in from the project, and what was read (for the plan).

    `input_given` / `output_given`: whether --input-values / --output-values came from the user (checked against
    the spec) or from a config (filled in from the spec when absent). Raises Mismatch.
    """
    flags = _Flags(input_given, output_given)
    if target.closed_pool_id is not None and target.closed_pool_id == target.pool_id:
        raise Mismatch(
            f"--closed-pool-id {target.closed_pool_id} is --pool-id: the suite closes that pool after opening it, "
            "and never closes the pool it uploads into (give a pool that is CLOSED and used for nothing else)",
            USAGE,
        )
    if target.archived_pool_id is not None and target.archived_pool_id in (target.pool_id, target.closed_pool_id):
        raise Mismatch(f"--archived-pool-id {target.archived_pool_id} names a pool given for another role", USAGE)
    notes: list[str] = []
    with Api(target.base_url, target.authorization(target.token)) as api:
        pool = _pool(api, "--pool-id", target.pool_id, refused=("CLOSED", "ARCHIVED"), want="OPEN")
        if target.closed_pool_id is not None:
            _pool(api, "--closed-pool-id", target.closed_pool_id, refused=("OPEN",), want="CLOSED")
        if target.archived_pool_id is not None:
            _pool(api, "--archived-pool-id", target.archived_pool_id, refused=("OPEN", "CLOSED"), want="ARCHIVED")
        if target.foreign_pool_id is not None:
            _foreign(api, target.foreign_pool_id)
        specs = _specs(api, pool)
    if specs is None:
        if not target.input_values:
            raise Mismatch(
                "--input-values: needed (the pool's project spec could not be read to build a valid one)", USAGE
            )
        return target, notes
    (input_spec, output_spec), project_id = specs
    target = _inputs(target, input_spec, project_id, flags, notes)
    return _outputs(target, output_spec, project_id, flags, notes), notes


def _pool(api: Api, flag: str, pool_id: str, *, refused: tuple[str, ...], want: str) -> dict[str, Any] | None:
    """The pool as read (None when the answer is not a clear one); Mismatch when it is missing or in `refused`."""
    exchange = api.get(f"{POOLS}/{pool_id}")
    if exchange.status in (403, 404):
        raise Mismatch(
            f"{flag} {pool_id}: no such pool for this account (GET {POOLS}/{pool_id} answered {exchange.status})",
            UNTESTABLE,
        )
    body = exchange.json()
    if exchange.status != 200 or not isinstance(body, dict):
        return None
    status = body.get("status")
    if status in refused:
        why = {
            "--pool-id": "the suite uploads into an OPEN pool (uploads with open_pool=true would open this one)",
            "--closed-pool-id": "the suite would close it after opening it; it never closes a pool open at the start",
            "--archived-pool-id": "the archived-pool row needs an ARCHIVED pool",
        }[flag]
        raise Mismatch(f"{flag} {pool_id} is {status}, not {want}: {why}", UNTESTABLE)
    return body


def _foreign(api: Api, pool_id: str) -> None:
    exchange = api.get(f"{POOLS}/{pool_id}")
    if exchange.status == 200:
        raise Mismatch(
            f"--foreign-pool-id {pool_id} is this account's pool (GET answered 200): give another account's pool",
            USAGE,
        )


def _specs(api: Api, pool: dict[str, Any] | None) -> tuple[tuple[dict[str, Any], dict[str, Any]], str] | None:
    """(input spec, output spec) of the pool's project, and its id; None when they do not read as specs."""
    project_id = pool.get("project_id") if pool is not None else None
    if project_id is None or isinstance(project_id, bool):
        return None
    exchange = api.get(f"{PROJECTS}/{project_id}")
    body = exchange.json()
    spec = body.get("task_spec") if exchange.status == 200 and isinstance(body, dict) else None
    if not isinstance(spec, dict):
        return None
    input_spec, output_spec = spec.get("input_spec"), spec.get("output_spec") or {}
    if not isinstance(input_spec, dict) or not isinstance(output_spec, dict):
        return None
    if not all(isinstance(field, dict) for field in [*input_spec.values(), *output_spec.values()]):
        return None
    return (input_spec, output_spec), str(project_id)


def _refusal(spec: dict[str, Any], values: dict[str, Any], prefix: str) -> str | None:
    errors: dict[str, Any] = {}
    FieldSpecs(spec).validate(values, prefix, errors)
    if not errors:
        return None
    return "; ".join(f"{path}: {error.get('code')}" for path, error in sorted(errors.items()))


def _inputs(target: Target, spec: dict[str, Any], project: str, flags: _Flags, notes: list[str]) -> Target:
    if not target.input_values and not flags.input_values:
        built = valid_values(spec)
        if built is None:
            raise Mismatch(f"--input-values: needed (no valid value can be built from project {project}'s spec)", USAGE)
        notes.append(f"input_values built from project {project}'s input spec: {built}")
        return replace(target, input_values=built, invalid_input_values={**built, UNKNOWN_INPUT_FIELD: 1})
    refused = _refusal(spec, target.input_values, "input_values")
    if refused is not None:
        source = "--input-values" if flags.input_values else "the emulator config's example_input_values"
        raise Mismatch(f"{source}: pool {target.pool_id}'s project {project} refuses it ({refused})", USAGE)
    if FieldSpecs(spec).valid(target.invalid_input_values):
        raise Mismatch(
            f"--invalid-input-values: pool {target.pool_id}'s project {project} accepts it (give one it refuses)",
            USAGE,
        )
    return target


def _outputs(target: Target, spec: dict[str, Any], project: str, flags: _Flags, notes: list[str]) -> Target:
    if target.output_values is None:
        built = valid_values(spec)
        if built is not None:
            notes.append(f"output_values built from project {project}'s output spec: {built}")
            return replace(target, output_values=built)
        return target
    refused = _refusal(spec, target.output_values, "output_values")
    if refused is not None:
        source = "--output-values" if flags.output_values else "the emulator config"
        raise Mismatch(f"{source}: project {project}'s output spec refuses it ({refused})", USAGE)
    return target
