"""The behavioural checks: importing the package registers every check module in a fixed order."""

from toloka_conformance.checks import (  # noqa: F401  (imported to register their checks)
    batches,
    capacity,
    http,
    isolation,
    links,
    lists,
    operations,
    pools,
    rate_limit,
    readback,
    requests,
    single,
    timestamps,
    validation,
)
from toloka_conformance.checks.base import REGISTRY, Check, Context, Failed, Skipped

__all__ = ["REGISTRY", "Check", "Context", "Failed", "Skipped"]
