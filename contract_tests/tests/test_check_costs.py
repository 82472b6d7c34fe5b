"""Each behavioural check's declared `creates` (what `--max-items` plans for it) covers every item it sends.

A check that declares less than it sends is planned into a budget it then breaks off in: it creates part of its
items and ends skipped. Each check runs alone against a live emulator with a ledger capped at its own `creates`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from toloka_conformance.api import Api
from toloka_conformance.checks import REGISTRY, Check, Context
from toloka_conformance.checks.support import TASKS, invalid_task, task
from toloka_conformance.ledger import BudgetSpent, Ledger
from toloka_conformance.results import Verdict
from toloka_conformance.runner import run_check
from toloka_conformance.target import Target, from_emulator_config
from toloka_emulator.testing import running_emulator


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    """The default config's target on a live emulator."""
    with running_emulator() as emulator:
        yield from_emulator_config(emulator.base_url, str(emulator.config_path))


def _run_capped(target: Target, check: Check) -> tuple[Verdict, str, Ledger]:
    ledger = Ledger(check.creates)
    assert target.other_token is not None  # the default config has a second account (the isolation rows use it)
    token, other_token = target.authorization(target.token), target.authorization(target.other_token)
    with (
        Api(target.base_url, token, ledger=ledger) as api,
        Api(target.base_url, other_token, ledger=ledger) as other,
        Api(target.base_url, None, ledger=ledger) as anonymous,
    ):
        outcome = run_check(check, Context(target, api, other, anonymous))
    return outcome.verdict, outcome.detail or "", ledger


@pytest.mark.parametrize("check", [c for c in REGISTRY if not c.runs_last], ids=lambda c: c.requirement.id)
def test_a_check_fits_in_what_it_declares(target: Target, check: Check) -> None:
    """Capped at its own `creates`, the check passes: no upload it sends is refused by the cap."""
    verdict, detail, ledger = _run_capped(target, check)
    assert verdict is Verdict.PASS, detail
    assert ledger.used <= check.creates


def test_an_upload_past_the_cap_is_not_sent(target: Target) -> None:
    """At runtime too: an upload that would take the run past the cap raises BudgetSpent and never reaches the
    server; one refused item by item is given back."""
    ledger = Ledger(2)
    with Api(target.base_url, target.authorization(target.token), ledger=ledger) as api:
        context = Context(target, api, None, api)
        refused = api.post(TASKS, [invalid_task(context), invalid_task(context)])
        assert refused.status == 400 and ledger.used == 0
        with pytest.raises(BudgetSpent, match="its 3 item"):
            api.post(TASKS, [task(context) for _ in range(3)])
        assert ledger.entries == []
        created = api.post(TASKS, [task(context), task(context)])
        assert created.status == 201 and ledger.used == 2 and len(ledger.entries) == 2
