"""The behavioural checks: importing the package registers every check module in a fixed order."""

from toloka_conformance.checks import (  # noqa: F401  (imported to register their checks)
    batches,
    isolation,
    operations,
    pools,
    readback,
    requests,
    timestamps,
)
from toloka_conformance.checks import rate_limit as _rate_limit  # noqa: F401  (last: it fills the rate window)
from toloka_conformance.checks.base import REGISTRY, Check, Context, Failed, Skipped

__all__ = ["REGISTRY", "Check", "Context", "Failed", "Skipped"]
