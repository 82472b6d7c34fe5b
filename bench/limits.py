"""The emulator's limits lifted for throughput benchmarks: items per minute and day, and the request rate (off)."""

from __future__ import annotations

# A benchmark measures speed, not the quotas: the SDK's result reads (pages of GET /tasks) would meet the default
# 300 requests a second, and toloka-kit 1.2.3 with the locked tenacity crashes on a 429's retry (TypeError).
RAISED_LIMITS = {"limits": {"items_per_minute": 10**9, "items_per_day": 10**12, "requests_per_second": 0}}
