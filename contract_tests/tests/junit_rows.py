"""The verdict of each row of a run's junit.xml, for tests that compare runs."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path


def verdicts(report: Path) -> dict[str, str]:
    """Row id -> `pass`, `failure`, `error` or `skipped`, from `report/junit.xml`."""
    found = {}
    for case in ET.parse(report / "junit.xml").getroot().iter("testcase"):  # noqa: S314  (our own report)
        tags = [tag for tag in ("failure", "error", "skipped") if case.find(tag) is not None]
        found[str(case.get("name"))] = tags[0] if tags else "pass"
    return found
