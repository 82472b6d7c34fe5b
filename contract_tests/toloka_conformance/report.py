"""The reports: JUnit XML for CI and a Markdown table with one row per contract requirement."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from toloka_conformance.results import Outcome, Verdict, overall_verdict

_MARK = {Verdict.PASS: "PASS", Verdict.FAIL: "**FAIL**", Verdict.SKIP: "skip"}


def summary_line(outcomes: list[Outcome], seconds: float) -> str:
    """`PASSED|FAILED: n passed, n failed, n skipped in s`."""
    counts = Counter(outcome.verdict for outcome in outcomes)
    verdict = overall_verdict(outcomes)
    return (
        f"{verdict}: {counts[Verdict.PASS]} passed, {counts[Verdict.FAIL]} failed, "
        f"{counts[Verdict.SKIP]} skipped in {seconds:.1f} s"
    )


def junit(outcomes: list[Outcome], seconds: float) -> str:
    """JUnit XML: one testsuite per area, one testcase per requirement."""
    root = ET.Element("testsuites", name="toloka-conformance", time=f"{seconds:.3f}")
    areas: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        areas.setdefault(outcome.requirement.area, []).append(outcome)
    for area, members in areas.items():
        counts = Counter(outcome.verdict for outcome in members)
        suite = ET.SubElement(
            root,
            "testsuite",
            name=area,
            tests=str(len(members)),
            failures=str(counts[Verdict.FAIL]),
            skipped=str(counts[Verdict.SKIP]),
            errors="0",
            time=f"{sum(o.seconds for o in members):.3f}",
        )
        for outcome in members:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"toloka_conformance.{area}",
                name=outcome.requirement.id,
                time=f"{outcome.seconds:.3f}",
            )
            if outcome.verdict is Verdict.FAIL:
                failure = ET.SubElement(case, "failure", message=outcome.detail[:500])
                failure.text = (
                    f"{outcome.detail}\n\nRule: {outcome.requirement.docs}\n\nReproduce:\n{outcome.curl or '-'}"
                )
            elif outcome.verdict is Verdict.SKIP:
                ET.SubElement(case, "skipped", message=outcome.detail)
            else:
                ET.SubElement(case, "system-out").text = outcome.detail
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def markdown(outcomes: list[Outcome], seconds: float, header: list[str]) -> str:
    """The human report: verdict, how it was run, one row per requirement, then each failure's curl."""
    lines = ["# Toloka batch API conformance report", "", f"**{summary_line(outcomes, seconds)}**", ""]
    lines += [f"- {line}" for line in header]
    lines += ["", "| requirement | what the docs say | verdict | detail |", "|---|---|---|---|"]
    for outcome in outcomes:
        detail = outcome.detail
        if outcome.verdict is Verdict.FAIL and outcome.curl:
            detail += f" ([reproduce](#{_anchor(outcome.requirement.id)}))"
        lines.append(
            f"| `{outcome.requirement.id}`<br>{_cell(outcome.requirement.title)} | {_cell(outcome.requirement.docs)} "
            f"| {_MARK[outcome.verdict]} | {_cell(detail)} |"
        )
    failures = [o for o in outcomes if o.verdict is Verdict.FAIL and o.curl]
    if failures:
        lines += ["", "## Reproducing the failures", "", "Replace REDACTED with your token."]
        for outcome in failures:
            lines += ["", f'### <a id="{_anchor(outcome.requirement.id)}"></a>{outcome.requirement.id}', ""]
            lines += ["```sh", outcome.curl or "", "```"]
    return "\n".join(lines) + "\n"


def write(directory: Path, outcomes: list[Outcome], seconds: float, header: list[str]) -> list[Path]:
    """Write `junit.xml` and `report.md` into `directory`; return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    xml_path, md_path = directory / "junit.xml", directory / "report.md"
    xml_path.write_text(junit(outcomes, seconds), encoding="utf-8")
    md_path.write_text(markdown(outcomes, seconds, header), encoding="utf-8")
    return [xml_path, md_path]


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _anchor(requirement_id: str) -> str:
    return "fail-" + requirement_id.replace(".", "-").replace("_", "-")
