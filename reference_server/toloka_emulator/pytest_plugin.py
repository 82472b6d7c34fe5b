"""The pytest plugin's entry point (`toloka_emulator`): inert, and importing nothing heavy, until asked for.

It only adds `--toloka-emulator=inprocess|process` and the ini key `toloka_emulator`; either one registers the
fixtures (`toloka_emulator.fixtures`). A conftest can instead write `pytest_plugins = ["toloka_emulator.fixtures"]`.
"""

from __future__ import annotations

from typing import Any

try:
    import pytest
except ImportError as missing:  # only pytest loads this module
    raise ImportError("the pytest plugin needs pytest: pip install 'toloka-emulator[pytest]'") from missing

MODES = ("inprocess", "process")


def pytest_addoption(parser: Any) -> None:
    """`--toloka-emulator MODE` and the ini key of the same name."""
    group = parser.getgroup("toloka-emulator")
    group.addoption(
        "--toloka-emulator",
        choices=MODES,
        default=None,
        help="register the emulator fixtures, one emulator per test process: in-process (no socket) or a server",
    )
    parser.addini("toloka_emulator", "inprocess or process: register the emulator fixtures", default="")


def pytest_configure(config: Any) -> None:
    """Register the fixtures when a mode is asked for."""
    if mode(config) is not None and not config.pluginmanager.has_plugin("toloka_emulator.fixtures"):
        config.pluginmanager.import_plugin("toloka_emulator.fixtures")


def mode(config: Any) -> str | None:
    """The mode asked for on the command line or in the ini file, if any."""
    chosen = config.getoption("toloka_emulator", default=None) or config.getini("toloka_emulator") or None
    if chosen is not None and chosen not in MODES:
        raise pytest.UsageError(f"toloka_emulator = {chosen!r}: use one of {', '.join(MODES)}")
    return chosen
