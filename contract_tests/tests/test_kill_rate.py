"""The suite proves itself: it passes the emulator and every valid server, and catches every broken one by the
requirement written for it.

Each server (the emulator, each fault of broken_servers.py, each variant of valid_servers.py) is a fresh app
served by uvicorn in a thread of one of four worker processes, where the suite runs against it, `--quick`, and
for a fault only in the part of the suite its requirement belongs to (the other parts are `--skip`ped). Recall
is faults caught by their own requirement / faults; precision is valid servers passed / valid servers. Both
are printed, in all and per class, and written, with every server's outcome, to reports/catalogue.md.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from broken_servers import FAULTS, Fault
from catalogue_run import Job, Run, execute
from toloka_emulator.config import load_config
from toloka_emulator.config_writer import merge_overrides
from valid_servers import VARIANTS, Variant

# Low enough that the suite's opt-in 429 check reaches it (it is below MAX_PROVOKED_ITEMS), far above what the
# rest of a quick run creates; the servers freeze their rate-limit clock, so it all counts in one minute.
LIMITS = {"limits": {"items_per_minute": 20_000}}
WORKERS = 4  # a run waits on its server more than it computes: four keep two cores busy
REPORT = Path(__file__).resolve().parents[2] / "reports" / "catalogue.md"
_CORRECT = "correct"


def _part(requirement: str) -> str:
    """The part of the suite a requirement belongs to."""
    prefix = requirement.split(".", 1)[0]
    return prefix if prefix in ("schemathesis", "client") else "behaviour"


# 5000 items of each kind in one request: a fifth of a quick run's time. A broken server is judged on its own
# requirement, so only the faults these rows must catch run them; the valid servers and the emulator run them all.
FULL_SYNC_ROWS = ("tasks.sync_full", "suites.sync_full")


def _fault_job(fault: Fault, reports: Path) -> Job:
    return Job(
        "broken",
        fault.name,
        reports / "broken" / fault.name,
        merge_overrides(LIMITS, fault.config or {}),
        fault.server_config,
        (_part(fault.requirement),),
        fault.operation_timeout or 3.0,
        tuple(row for row in FULL_SYNC_ROWS if row != fault.requirement and row not in fault.also),
    )


def _variant_job(variant: Variant, reports: Path) -> Job:
    config = merge_overrides(LIMITS, variant.config or {})
    return Job("valid", variant.name, reports / "valid" / variant.name, config, None, operation_timeout=5.0)


@dataclass(frozen=True)
class Catalogue:
    """Every run, keyed by kind and name, and the wall time of them all."""

    correct: Run
    broken: dict[str, Run]
    valid: dict[str, Run]
    seconds: float
    figures: str = ""  # recall and precision, as printed


def fault_verdict(fault: Fault, run: Run, correct: Run) -> str:
    """'caught' when the fault's requirement failed and nothing it does not allow did; else why not."""
    if correct.exit_code < 0 or run.exit_code < 0:
        return f"no run: {(correct if correct.exit_code < 0 else run).output[-300:]}"
    if fault.requirement not in correct.verdicts:
        return f"row missing: the suite has no requirement {fault.requirement}"
    if correct.verdicts[fault.requirement] != "pass":
        return f"{fault.requirement} does not pass on the correct emulator ({correct.verdicts[fault.requirement]})"
    seen = run.verdicts.get(fault.requirement)
    if seen != "fail":
        detail = run.details.get(fault.requirement, "")
        return f"not caught: {fault.requirement} is {seen or 'absent'} (exit {run.exit_code}) {detail[:200]}".strip()
    unexpected = run.with_verdict("fail") - correct.with_verdict("fail") - {fault.requirement} - fault.also
    errors = run.with_verdict("error")
    if unexpected or errors:
        return f"caught, but also failed {sorted(unexpected)} / errored {sorted(errors)}"
    return "caught"


def variant_verdict(variant: Variant, run: Run, correct: Run) -> str:
    """'passed' when no row failed or errored and every skip is one the emulator's run has or one explained."""
    if correct.exit_code < 0 or run.exit_code < 0:
        return f"no run: {(correct if correct.exit_code < 0 else run).output[-300:]}"
    # A row the correct emulator fails too is a finding against the emulator (test_suite_passes_the_correct_emulator).
    failed = sorted((run.with_verdict("fail") | run.with_verdict("error")) - correct.with_verdict("fail"))
    if failed:
        return "failed " + "; ".join(f"{row}: {run.details.get(row, '')[:160]}" for row in failed)
    unexplained = sorted(run.with_verdict("skip") - correct.with_verdict("skip") - set(variant.may_skip))
    if unexplained:
        return f"skipped without a reason {unexplained}"
    if run.exit_code not in (0, 3):
        return f"exit {run.exit_code}"
    return "passed"


def area(requirement: str) -> str:
    """The class of rules a requirement belongs to: its id's first part (`model`, `tasks`, `schemathesis`, ...)."""
    return requirement.split(".", 1)[0]


def per_class(caught: dict[str, str], passed: dict[str, str]) -> list[str]:
    """Recall per class of the broken servers' requirements, precision per class of the valid servers."""
    lines = []
    for cls in sorted({area(f.requirement) for f in FAULTS}):
        faults = [f for f in FAULTS if area(f.requirement) == cls]
        n = sum(caught[f.name] == "caught" for f in faults)
        lines.append(f"recall {cls}: {n}/{len(faults)}")
    for cls in sorted({v.area for v in VARIANTS}):
        variants = [v for v in VARIANTS if v.area == cls]
        n = sum(passed[v.name] == "passed" for v in variants)
        lines.append(f"precision {cls}: {n}/{len(variants)}")
    return lines


def _write_report(catalogue: Catalogue) -> tuple[str, str]:
    """reports/catalogue.md with both figures and every server's outcome; returns the two figure lines."""
    caught = {f.name: fault_verdict(f, catalogue.broken[f.name], catalogue.correct) for f in FAULTS}
    passed = {v.name: variant_verdict(v, catalogue.valid[v.name], catalogue.correct) for v in VARIANTS}
    n_caught = sum(verdict == "caught" for verdict in caught.values())
    n_passed = sum(verdict == "passed" for verdict in passed.values())
    recall = (
        f"recall: {n_caught}/{len(FAULTS)} faults caught by their own requirement ({100 * n_caught / len(FAULTS):.0f}%)"
    )
    precision = f"precision: {n_passed}/{len(VARIANTS)} valid servers passed ({100 * n_passed / len(VARIANTS):.0f}%)"
    classes = per_class(caught, passed)
    recall += " (" + ", ".join(line.removeprefix("recall ") for line in classes if line.startswith("recall")) + ")"
    precision += (
        " (" + ", ".join(line.removeprefix("precision ") for line in classes if line.startswith("precision")) + ")"
    )
    lines = [
        "# The conformance suite's catalogue of servers",
        "",
        f"- {recall}",
        f"- {precision}",
        f"- {len(FAULTS) + len(VARIANTS) + 1} runs (`--quick`, each server in a thread of one of {WORKERS} worker "
        "processes) "
        f"in {catalogue.seconds:.0f} s",
        "",
        "## Broken servers (each must fail its requirement, and only rows it allows)",
        "",
        "| fault | breaks | requirement | outcome | s |",
        "|---|---|---|---|---|",
    ]
    for fault in FAULTS:
        run = catalogue.broken[fault.name]
        outcome = caught[fault.name].replace("|", "/")
        lines.append(f"| `{fault.name}` | {fault.breaks} | `{fault.requirement}` | {outcome} | {run.seconds:.1f} |")
    lines += [
        "",
        "## Valid servers (each must pass: no row failed, no skip the emulator's run does not have)",
        "",
        "| server | differs from the emulator | outcome | s |",
        "|---|---|---|---|",
    ]
    for variant in VARIANTS:
        run = catalogue.valid[variant.name]
        lines.append(
            f"| `{variant.name}` | {variant.differs} | {passed[variant.name].replace('|', '/')} | {run.seconds:.1f} |"
        )
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return recall, precision


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where every run of this module writes its report (one directory per server)."""
    return tmp_path_factory.mktemp("catalogue")


@pytest.fixture(scope="module")
def catalogue(reports: Path) -> Iterator[Catalogue]:
    """The suite's runs against the emulator, every broken server and every valid one, two at a time."""
    correct = Job("emulator", _CORRECT, reports / _CORRECT, LIMITS)
    jobs = [correct, *(_variant_job(v, reports) for v in VARIANTS), *(_fault_job(f, reports) for f in FAULTS)]
    started = time.monotonic()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=context) as pool:
        runs = list(pool.map(execute, jobs))
    seconds = time.monotonic() - started
    by_key = {(run.job.kind, run.job.name): run for run in runs}
    result = Catalogue(
        by_key[("emulator", _CORRECT)],
        {f.name: by_key[("broken", f.name)] for f in FAULTS},
        {v.name: by_key[("valid", v.name)] for v in VARIANTS},
        seconds,
    )
    recall, precision = _write_report(result)
    yield replace(result, figures=f"{recall}\n  {precision}\n  ({seconds:.0f} s; {REPORT})")


def test_catalogues_are_well_formed() -> None:
    """Unique names; every fault names a requirement; every allowed extra failure has its reason written down."""
    assert len({f.name for f in FAULTS}) == len(FAULTS)
    assert len({v.name for v in VARIANTS}) == len(VARIANTS)
    assert all(fault.requirement for fault in FAULTS)
    assert [f.name for f in FAULTS if f.also and not f.why_also] == []
    assert [f.name for f in FAULTS if f.requirement in f.also] == []
    # Issue 19's floor: the catalogue grows by class (each model invariant and case of the table).
    assert len(FAULTS) >= 150
    assert len(VARIANTS) >= 40


def test_suite_passes_the_correct_emulator(catalogue: Catalogue) -> None:
    """Against the unbroken emulator no requirement fails or errors."""
    correct = catalogue.correct
    assert sorted(correct.with_verdict("fail") | correct.with_verdict("error")) == [], correct.output
    assert correct.exit_code in (0, 3), correct.output


def test_every_fault_is_caught_by_its_requirement(catalogue: Catalogue, capsys: pytest.CaptureFixture[str]) -> None:
    """Each broken server fails the requirement written for it (which the emulator passes), and no other row
    fails or errors unless the fault lists it in `also`."""
    verdicts = {f.name: fault_verdict(f, catalogue.broken[f.name], catalogue.correct) for f in FAULTS}
    with capsys.disabled():
        for name, verdict in verdicts.items():
            print(f"  broken {name}: {verdict}")
        print(f"  {catalogue.figures}")
    assert {name: verdict for name, verdict in verdicts.items() if verdict != "caught"} == {}


def test_every_valid_server_passes(catalogue: Catalogue, capsys: pytest.CaptureFixture[str]) -> None:
    """Each valid server passes the whole quick suite: exit 0, or 3 with only the emulator's (or explained) skips."""
    verdicts = {v.name: variant_verdict(v, catalogue.valid[v.name], catalogue.correct) for v in VARIANTS}
    with capsys.disabled():
        for name, verdict in verdicts.items():
            print(f"  valid {name}: {verdict}")
        print(f"  {catalogue.figures}")
    assert {name: verdict for name, verdict in verdicts.items() if verdict != "passed"} == {}


def test_reports_never_contain_a_token(catalogue: Catalogue, reports: Path) -> None:
    """No report of any run (passing or failing, with curl commands) carries a token."""
    config = load_config()
    tokens = [token for a in config.accounts for token in (*a.tokens, *getattr(a, "api_keys", ()))]
    written = [path for path in reports.rglob("*") if path.suffix in (".md", ".xml")]
    assert len(written) >= 2 * (1 + len(FAULTS) + len(VARIANTS))
    leaks = [str(path) for path in written for token in tokens if token in path.read_text(encoding="utf-8")]
    assert leaks == []
