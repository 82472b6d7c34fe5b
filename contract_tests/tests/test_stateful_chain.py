"""The spec's links are walked: create (async) -> operation -> log by schemathesis, and on to the item by the suite."""

from __future__ import annotations

from pathlib import Path

from stateful_chain import Recorder, link_chains
from toloka_conformance import fuzzing, runner
from toloka_conformance.api import Api
from toloka_conformance.checks import REGISTRY, Context
from toloka_conformance.results import Verdict
from toloka_conformance.target import from_emulator_config
from toloka_emulator import create_app
from toloka_emulator.config_writer import write_config
from uvicorn_thread import serving

LIMITS = {"limits": {"items_per_minute": 20_000}}


def test_the_default_schemathesis_run_walks_from_an_async_upload_to_its_log(tmp_path: Path) -> None:
    """Recorded against the emulator, the default schemathesis run (all phases) passes and reads, after an async
    upload, its operation and its log whose first entry names the created item, by the ids the answers carried
    (the stateful phase following GetOperation and GetOperationLog).

    Whether it then also follows GetTaskOfFirstLogEntry is up to its random choice of link; the links check below
    walks that last step in every run.
    """
    config_path = write_config(tmp_path / "emulator.toml", LIMITS)
    recorder = Recorder(create_app(config_path))
    with serving(recorder) as url:
        target = from_emulator_config(url, str(config_path))
        outcomes, _ = fuzzing.run(target, runner.default_settings(quick=False).fuzz)
    assert [(o.requirement.id, o.detail) for o in outcomes if o.verdict is not Verdict.PASS] == []
    assert link_chains(recorder.calls) != []


def test_the_links_check_walks_from_an_async_upload_to_the_created_item(tmp_path: Path) -> None:
    """links.async_chain (every mode, quick included) reads operation, log and then the item of a task upload and
    of a suite upload, by the ids the answers carried."""
    config_path = write_config(tmp_path / "emulator.toml", LIMITS)
    recorder = Recorder(create_app(config_path))
    check = next(check for check in REGISTRY if check.requirement.id == "links.async_chain")
    with serving(recorder) as url:
        target = from_emulator_config(url, str(config_path))
        with Api(url, target.authorization(target.token)) as api, Api(url, None) as anonymous:
            outcome = runner.run_check(check, Context(target, api, None, anonymous))
    assert outcome.verdict is Verdict.PASS, outcome.detail
    walked = [chain for chain in link_chains(recorder.calls) if chain.item_read]
    assert sorted(chain.item.split("/")[3] for chain in walked) == ["task-suites", "tasks"]
