"""The Authorization scheme: chosen as toloka-kit does (or forced), sent by every part, never printing the token."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.types import ASGIApp, Receive, Scope, Send
from toloka_conformance import cli, curl
from toloka_conformance.checks.requests import MADE_UP_CREDENTIALS
from toloka_conformance.redaction import REDACTED, Secret
from toloka_conformance.target import Target, from_emulator_config, scheme_for
from toloka_emulator import create_app
from toloka_emulator.config_writer import write_config
from uvicorn_thread import serving

API_KEY = "a" * 23 + ".bbbbbbbb.cccccccc"  # the shape of a Toloka API key: first dot at position 23
LIMITS = {"limits": {"items_per_minute": 20_000}}


@pytest.mark.parametrize(
    ("token", "scheme"),
    [
        (API_KEY, "ApiKey"),
        ("a" * 22 + ".b.c", "ApiKey"),
        ("a" * 24 + ".b.c", "ApiKey"),
        ("a" * 21 + ".b.c", "OAuth"),  # first dot too early
        ("a" * 25 + ".b.c", "OAuth"),  # too late
        ("a" * 23 + ".b", "OAuth"),  # one dot only
        ("AQAAAAAtoken-without-dots", "OAuth"),
    ],
)
def test_auto_picks_the_scheme_as_the_sdk_does(token: str, scheme: str) -> None:
    """ApiKey exactly when the token has two dots with the first at 22..24, as toloka-kit 1.2.3 decides."""
    assert scheme_for(token) == scheme


def test_a_forced_scheme_wins_and_the_header_never_prints() -> None:
    """`auth_scheme` overrides auto; the header value is a Secret, and the curl keeps only the scheme."""
    target = Target(base_url="http://h", token=Secret("plain"), pool_id="1", input_values={}, auth_scheme="ApiKey")
    header = target.authorization(target.token)
    assert header.reveal() == "ApiKey plain" and "plain" not in repr(header)
    with pytest.raises(ValueError, match="auth_scheme"):
        Target(base_url="http://h", token=Secret("t"), pool_id="1", input_values={}, auth_scheme="Bearer")
    command = curl.render("GET", "http://h/x", {"Authorization": header.reveal()}, None)
    assert f"Authorization: ApiKey {REDACTED}" in command and "plain" not in command


class _RecordSchemes:
    """An ASGI wrapper noting the scheme and credential of every Authorization header the server receives."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers: list[tuple[str, str]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            value = dict(scope["headers"]).get(b"authorization")
            if value is not None:
                scheme, _, credential = value.decode(errors="replace").partition(" ")
                self.headers.append((scheme, credential))
        await self.app(scope, receive, send)


def test_the_quick_suite_passes_the_emulator_with_apikey(tmp_path: Path) -> None:
    """--auth-scheme ApiKey: every part (checks, schemathesis, its hooks, the client) sends ApiKey and passes.

    The two rows whose rule is about the schemes themselves send OAuth on purpose: auth.api_key compares
    `ApiKey <key>` with `OAuth <token>` once, auth.required refuses a made-up credential under each scheme.
    """
    config_path = write_config(tmp_path / "emulator.toml", LIMITS)
    recorder = _RecordSchemes(create_app(config_path))
    with serving(recorder) as url:
        target = from_emulator_config(url, str(config_path))
        argv = ["--base-url", url, "--emulator-config", str(config_path), "--quick", "--auth-scheme", "ApiKey"]
        exit_code = cli.main([*argv, "--report", str(tmp_path / "report")])
    assert exit_code == 0
    oauth = [credential for scheme, credential in recorder.headers if scheme == "OAuth"]
    assert oauth.count(target.token.reveal()) == 1  # auth.api_key's comparison
    assert {credential for credential in oauth if credential != target.token.reveal()} == {MADE_UP_CREDENTIALS["OAuth"]}
    assert sum(scheme == "ApiKey" for scheme, _ in recorder.headers) > 100
    written = [path.read_text(encoding="utf-8") for path in (tmp_path / "report").iterdir()]
    assert len(written) == 2 and not any("emulator-requester-token" in text for text in written)
