"""The contract the suite checks: openapi.yaml and the ways of reading it, from toloka-contract.

The suite keeps no copy of the spec or of its rules: `load_spec()` is the document toloka-contract ships, and the
structural helpers (operations, $refs, formats, the timestamp rule) are toloka_contract's. Test support that only
the client checks and the generator lint use (spec examples, validators, hypothesis strategies) is not here: see
`toloka_contract.testing` and `contract_tests/client_checks/client_checks_support.py`.
"""

from __future__ import annotations

from toloka_contract.schema import (
    FORMAT_CHECKS,
    OperationSpec,
    ResponseSpec,
    inline_refs,
    is_uuid,
    operation,
    operations,
    pointer,
    resolve,
    resolve_pointer,
)
from toloka_contract.spec import load_spec
from toloka_contract.timestamps import TIMESTAMP_PATTERN, is_timestamp

__all__ = [
    "FORMAT_CHECKS",
    "TIMESTAMP_PATTERN",
    "OperationSpec",
    "ResponseSpec",
    "inline_refs",
    "is_timestamp",
    "is_uuid",
    "load_spec",
    "operation",
    "operations",
    "pointer",
    "resolve",
    "resolve_pointer",
]
