"""The field bounds the emulator enforces, read from the contract (openapi.yaml via toloka_contract.spec), never
written out again: overlaps, solution weights, a suite's numeric fields and size, the list page size.

A spec without one of these bounds makes the import fail with a message naming it, so the emulator never
silently enforces a bound the contract no longer has.
"""

from __future__ import annotations

from typing import Any, Final

from toloka_contract.schema import resolve
from toloka_contract.spec import load_spec

Number = int | float


def _node(*path: str) -> Any:
    """The spec node at `path` (each step resolving `$ref`s); KeyError naming the path when it is missing."""
    spec = load_spec()
    node: Any = spec
    for step in path:
        node = resolve(spec, node)
        if not isinstance(node, dict) or step not in node:
            raise KeyError(f"openapi.yaml has no {'.'.join(path)}")
        node = node[step]
    return resolve(spec, node)


def _range(*path: str) -> tuple[Number, Number]:
    """`(minimum, maximum)` of the schema at `path`."""
    schema = _node(*path)
    low, high = schema.get("minimum"), schema.get("maximum")
    if not isinstance(low, int | float) or not isinstance(high, int | float):
        raise KeyError(f"openapi.yaml: {'.'.join(path)} has no numeric minimum and maximum")
    return low, high


def _integer(*path: str) -> int:
    value = _node(*path)
    if type(value) is not int:
        raise KeyError(f"openapi.yaml: {'.'.join(path)} is not an integer")
    return value


_SCHEMAS = ("components", "schemas")
_SUITE = (*_SCHEMAS, "TaskSuiteCreate", "properties")
_LIMIT = ("components", "parameters", "Limit", "schema")

OVERLAP_MIN, OVERLAP_MAX = (int(bound) for bound in _range(*_SCHEMAS, "Overlap"))
CORRECTNESS_WEIGHT: Final = _range(*_SCHEMAS, "KnownSolution", "properties", "correctness_weight")
CONFIDENCE_WEIGHT: Final = _range(*_SCHEMAS, "BaselineSolution", "properties", "confidence_weight")
ISSUING_ORDER_OVERRIDE: Final = _range(*_SUITE, "issuing_order_override")
LONGITUDE: Final = _range(*_SUITE, "longitude")
LATITUDE: Final = _range(*_SUITE, "latitude")
SUITE_MIN_TASKS: Final = _integer(*_SUITE, "tasks", "minItems")
LIST_LIMIT_MIN: Final = _integer(*_LIMIT, "minimum")
LIST_LIMIT_MAX: Final = _integer(*_LIMIT, "maximum")
LIST_LIMIT_DEFAULT: Final = _integer(*_LIMIT, "default")
