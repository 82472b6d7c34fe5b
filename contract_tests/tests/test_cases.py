"""The case table of the behavioural rules is whole: every row it names exists, every row is in it, and every case
names the rows that run it or says why none does."""

from __future__ import annotations

from toloka_conformance import oracle
from toloka_conformance.checks import REGISTRY
from toloka_conformance.checks.cases import SINGLE_CASE_ROWS, TABLE

_ROWS = {check.requirement.id for check in REGISTRY} | {r.id for r in oracle.REQUIREMENTS}
_FUZZ = "schemathesis."


def test_every_case_names_its_rows_or_why_not() -> None:
    """No case is left out silently: rows, or a reason, never both, never neither."""
    assert [case.label for case in TABLE if bool(case.rows) == bool(case.why_not)] == []


def test_every_row_named_exists() -> None:
    """A row named by the table is a registered behavioural row, a model invariant or a schemathesis check."""
    named = {row for case in TABLE for row in case.rows} | SINGLE_CASE_ROWS
    assert sorted(row for row in named if row not in _ROWS and not row.startswith(_FUZZ)) == []


def test_every_row_is_in_the_table() -> None:
    """Each behavioural row runs some case of the table, or is listed as a rule of one fixed case."""
    named = {row for case in TABLE for row in case.rows} | SINGLE_CASE_ROWS
    assert sorted(_ROWS - named) == []


def test_cases_are_distinct() -> None:
    """Each rule's cases are different combinations (a rule is written once)."""
    labels = [case.label for case in TABLE]
    assert len(labels) == len(set(labels))
