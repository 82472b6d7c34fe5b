"""The reports: JUnit XML for CI and a Markdown table with one row per contract requirement."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from toloka_conformance.ledger import Created
from toloka_conformance.results import Outcome, Verdict, overall_verdict

_MARK = {Verdict.PASS: "PASS", Verdict.FAIL: "**FAIL**", Verdict.SKIP: "skip", Verdict.ERROR: "**ERROR**"}
# Outcomes whose facts every report lists: the failures and the errors.
_EXPLAINED = (Verdict.FAIL, Verdict.ERROR)


def summary_line(outcomes: list[Outcome], seconds: float) -> str:
    """`PASSED|FAILED|ERROR|INCOMPLETE: n passed, n failed, n errors, n skipped in s`."""
    counts = Counter(outcome.verdict for outcome in outcomes)
    verdict = overall_verdict(outcomes)
    return (
        f"{verdict}: {counts[Verdict.PASS]} passed, {counts[Verdict.FAIL]} failed, "
        f"{counts[Verdict.ERROR]} errors, {counts[Verdict.SKIP]} skipped in {seconds:.1f} s"
    )


def fact_lines(outcome: Outcome) -> list[str]:
    """`label: value` per fact of the outcome: the text every report shows for a failure or an error.

    Line breaks inside a fact become spaces (the curl command is kept verbatim: it must still run).
    """
    return [
        f"{label}: {value if label == 'reproduce' else ' '.join(value.splitlines())}"
        for label, value in outcome.facts()
    ]


def console(outcome: Outcome, *, curl_limit: int | None = None) -> str:
    """The console's block for a failure or an error: `FAIL id: title`, then its fact lines, indented."""
    lines = [f"{outcome.verdict.name} {outcome.requirement.id}: {outcome.requirement.title}"]
    for line in fact_lines(outcome):
        if line.startswith("reproduce: ") and curl_limit is not None and len(line) > curl_limit:
            line = line[:curl_limit] + " ... (whole in report.md)"
        lines.append(f"  {line}")
    return "\n".join(lines)


def junit(outcomes: list[Outcome], seconds: float) -> str:
    """JUnit XML: one testsuite per area, one testcase per requirement."""
    totals = Counter(outcome.verdict for outcome in outcomes)
    root = ET.Element(
        "testsuites",
        name="toloka-conformance",
        tests=str(len(outcomes)),
        failures=str(totals[Verdict.FAIL]),
        errors=str(totals[Verdict.ERROR]),
        skipped=str(totals[Verdict.SKIP]),
        time=f"{seconds:.3f}",
    )
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
            errors=str(counts[Verdict.ERROR]),
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
                failure = ET.SubElement(case, "failure", message=outcome.detail[:500], type="ContractViolation")
                failure.text = "\n".join(fact_lines(outcome))
            elif outcome.verdict is Verdict.ERROR:
                error = ET.SubElement(case, "error", message=outcome.detail[:500], type=outcome.error or "Error")
                error.text = "\n".join(fact_lines(outcome))
            elif outcome.verdict is Verdict.SKIP:
                ET.SubElement(case, "skipped", message=outcome.detail)
            else:
                ET.SubElement(case, "system-out").text = outcome.detail
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def markdown(outcomes: list[Outcome], seconds: float, header: list[str], created: Sequence[Created] = ()) -> str:
    """The human report: verdict, how it was run, one row per requirement, then each failure's and error's facts."""
    lines = ["# Toloka batch API conformance report", "", f"**{summary_line(outcomes, seconds)}**", ""]
    lines += [f"- {line}" for line in header]
    lines += ["", "| requirement | what the docs say | verdict | detail |", "|---|---|---|---|"]
    for outcome in outcomes:
        detail = outcome.detail
        if outcome.verdict in _EXPLAINED:
            detail += f" ([facts](#{_anchor(outcome.requirement.id)}))"
        lines.append(
            f"| `{outcome.requirement.id}`<br>{_cell(outcome.requirement.title)} | {_cell(outcome.requirement.docs)} "
            f"| {_MARK[outcome.verdict]} | {_cell(detail)} |"
        )
    explained = [o for o in outcomes if o.verdict in _EXPLAINED]
    if explained:
        lines += ["", "## Failures and errors", "", "In the curl commands, replace REDACTED with your token."]
        for outcome in explained:
            title = f"{outcome.verdict.name} {outcome.requirement.id}: {outcome.requirement.title}"
            lines += ["", f'### <a id="{_anchor(outcome.requirement.id)}"></a>{title}', ""]
            for line in fact_lines(outcome):
                if line.startswith("reproduce: "):
                    lines += ["- reproduce:", "", "```sh", line.removeprefix("reproduce: "), "```"]
                else:
                    lines.append(f"- {line}")
    lines += ["", "## Objects this run created", ""]
    if created:
        lines += ["| kind | id | pool | items | requirement |", "|---|---|---|---|---|"]
        lines += [f"| {c.kind} | `{c.id}` | {c.pool} | {c.items} | `{c.requirement}` |" for c in created]
    else:
        lines.append("None.")
    return "\n".join(lines) + "\n"


def write(
    directory: Path, outcomes: list[Outcome], seconds: float, header: list[str], *, created: Sequence[Created] = ()
) -> list[Path]:
    """Write `junit.xml` and `report.md` (with the objects the run `created`) into `directory`; return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    xml_path, md_path = directory / "junit.xml", directory / "report.md"
    xml_path.write_text(junit(outcomes, seconds), encoding="utf-8")
    md_path.write_text(markdown(outcomes, seconds, header, created), encoding="utf-8")
    return [xml_path, md_path]


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _anchor(requirement_id: str) -> str:
    return "row-" + requirement_id.replace(".", "-").replace("_", "-")
