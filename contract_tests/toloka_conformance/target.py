"""The server under test and what the suite may use there: tokens, pools, a valid example item."""

from __future__ import annotations

import socket
import ssl
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import httpx
from toloka_contract.auth import AUTO, SCHEMES, Scheme, authorization_header, authorization_scheme

from toloka_conformance.redaction import Secret, scrub

UNKNOWN_INPUT_FIELD = "conformance_unknown_field"
AUTH_SCHEMES: tuple[str, ...] = (AUTO, *SCHEMES)
scheme_for = authorization_scheme  # the scheme toloka-kit picks for a token (toloka_contract's rule)


@dataclass(frozen=True)
class Target:
    """Where to run and what is known about the account there; `None` means "not given" (checks skip)."""

    base_url: str
    token: Secret
    pool_id: str
    input_values: dict[str, Any]
    invalid_input_values: dict[str, Any] = field(default_factory=dict)
    output_values: dict[str, Any] | None = None
    default_overlap: int | None = None
    default_suite_overlap: int | None = None
    other_token: Secret | None = None
    api_key: Secret | None = None
    foreign_pool_id: str | None = None
    closed_pool_id: str | None = None
    archived_pool_id: str | None = None
    rate_limit_items: int | None = None
    operation_timeout: float = 15.0
    auth_scheme: str = "auto"

    def __post_init__(self) -> None:
        if self.auth_scheme not in AUTH_SCHEMES:
            raise ValueError(f"auth_scheme must be one of {AUTH_SCHEMES}, not {self.auth_scheme!r}")
        if not self.invalid_input_values:
            # A key outside the pool's input spec is invalid in any pool (VALUE_NOT_ALLOWED in the real API).
            object.__setattr__(self, "invalid_input_values", {**self.input_values, UNKNOWN_INPUT_FIELD: 1})

    def scheme(self, token: Secret) -> str:
        """The Authorization scheme for `token`: the one chosen, or with `auto` the one the SDK would use."""
        return authorization_scheme(token) if self.auth_scheme == AUTO else self.auth_scheme

    def authorization(self, token: Secret) -> Secret:
        """The whole Authorization header value for `token`; the only place the suite builds one.

        ValueError (the token not shown) for a token an HTTP header cannot carry.
        """
        scheme: Scheme = "ApiKey" if self.scheme(token) == "ApiKey" else "OAuth"
        return Secret(authorization_header(token, scheme))

    def secrets(self) -> tuple[Secret | None, ...]:
        """Every token the suite holds, for scrubbing text before it is shown."""
        return (self.token, self.other_token, self.api_key)


def from_emulator_config(base_url: str, config_path: str | None = None, **overrides: Any) -> Target:
    """A target for an emulator running `config_path` (its default config when None), every check enabled."""

    try:
        from toloka_emulator.config import load_config
    except ImportError as missing:  # the [embedded] extra; the CLI turns this into a usage error
        raise ImportError(
            "an emulator config needs toloka-emulator: pip install 'toloka-conformance[embedded]'"
        ) from missing

    config = load_config(config_path)
    me = config.accounts[0]
    mine = [pool for pool in config.pools.values() if pool.owner == me.name]
    by_status = {pool.status: pool for pool in reversed(mine)}
    pool = by_status["open"]
    foreign = next((p for p in config.pools.values() if p.owner != me.name), None)
    other = next((a for a in config.accounts if a.name != me.name), None)
    limit = config.limits.items_per_minute
    settings: dict[str, Any] = {
        "base_url": base_url,
        "token": Secret(me.tokens[0]),
        "pool_id": pool.id,
        # Optional in a config: without it, the preflight builds one from the pool's project (as the output values).
        "input_values": dict(pool.example_input_values or {}),
        "default_overlap": pool.default_overlap_for_new_tasks,
        "default_suite_overlap": pool.default_overlap_for_new_task_suites,
        "other_token": Secret(other.tokens[0]) if other is not None else None,
        "api_key": _api_key(me),
        "foreign_pool_id": foreign.id if foreign is not None else None,
        "closed_pool_id": by_status["closed"].id if "closed" in by_status else None,
        "archived_pool_id": by_status["archived"].id if "archived" in by_status else None,
        # Provoking a 429 costs up to 2 * limit + 1 items: only worth it when the limit is small.
        "rate_limit_items": limit if limit <= MAX_PROVOKED_ITEMS else None,
    }
    settings.update(overrides)
    return Target(**settings)


# The most items the 429 check will upload to provoke a rate limit on its own initiative.
MAX_PROVOKED_ITEMS = 20_000


def _api_key(account: Any) -> Secret | None:
    """The account's API key in an emulator config: its `api_keys[0]`, else a token shaped like an API key."""
    keys = [*getattr(account, "api_keys", ()), *(t for t in account.tokens if authorization_scheme(t) == "ApiKey")]
    return Secret(keys[0]) if keys else None


class Blocker(StrEnum):
    """Why a server cannot be tested at all (exit status 4): the run would say nothing about the contract."""

    REFUSED = "connection refused"
    DNS = "DNS lookup failed"
    TLS = "TLS handshake failed"
    TIMEOUT = "no answer in time"
    NETWORK = "no HTTP answer"
    GATEWAY = "a gateway error"
    TOKEN_REFUSED = "token refused"  # noqa: S105  (a case, not a password)
    NOT_THIS_API = "not the Toloka API"


@dataclass(frozen=True)
class Untestable:
    """The preflight probe's finding: `blocker` says which case, `message` says it in one line (token-free).

    `credential` names the target field whose token was refused (`token` or `other_token`).
    """

    blocker: Blocker
    message: str
    credential: str | None = None


# The probe's paths: an operation that cannot exist (Toloka: 404 DOES_NOT_EXIST) and the pool's task list (200).
PROBE_OPERATION = "/api/v1/operations/{id}"
PROBE_LIST = "/api/v1/tasks"
PROBE_TIMEOUT = 10.0
_GATEWAY = (502, 503, 504)


def probe(target: Target, *, timeout: float = PROBE_TIMEOUT) -> Untestable | None:
    """Whether the target can be tested at all; None when it can, else why not. Sends two or three GETs.

    Only documented behaviour of the real API is relied on: GET of a random operation id answers 404 with a
    Toloka error body, GET /api/v1/tasks?pool_id=...&limit=1 answers 200. A refused token or second account's
    token (401, or 403 to both) is untestable; the API key is not probed (a refused one is the auth.api_key check's
    finding). A server answering both with 404 is not this API (a base URL ending in /api/v1, say), as is one
    answering neither with JSON (a web site, a login redirect). Anything else, however wrong, is left for the
    checks to report: a broken server is a finding, not an obstacle.
    """
    operation_path = PROBE_OPERATION.format(id=uuid.uuid4())
    try:
        with httpx.Client(base_url=target.base_url.rstrip("/"), timeout=timeout) as http:

            def get(path: str, token: Secret, **params: str | int) -> httpx.Response:
                headers = {"Authorization": target.authorization(token).reveal()}
                return http.get(path, params=params, headers=headers)

            operation = get(operation_path, target.token)
            listing = get(PROBE_LIST, target.token, pool_id=target.pool_id, limit=1)
            found = _token_refused("token", operation, listing) or _not_this_api(target, operation, listing)
            # The second account's token too (the isolation rows need it). A refused API key is not untestable:
            # that is the finding the auth.api_key check reports.
            if found is None and target.other_token is not None:
                answer = get(operation_path, target.other_token)
                found = _token_refused("other_token", answer, answer)
    except httpx.TransportError as exc:
        found = transport_blocker(exc)
    except ValueError as exc:  # a token that an HTTP header cannot carry (httpx refuses it)
        found = Untestable(Blocker.TOKEN_REFUSED, f"the token cannot be sent in a header: {exc}", "token")
    if found is None:
        return None
    return Untestable(found.blocker, scrub(found.message, target.secrets()), found.credential)


def _token_refused(name: str, first: httpx.Response, second: httpx.Response) -> Untestable | None:
    refused = first.status_code == 401 or second.status_code == 401
    if not refused and not (first.status_code == 403 and second.status_code == 403):
        return None
    answer = first if first.status_code in (401, 403) else second
    return Untestable(Blocker.TOKEN_REFUSED, f"the {_CREDENTIALS[name]} was refused: {_said(answer)}", name)


_CREDENTIALS = {"token": "token", "other_token": "second account's token"}


def _not_this_api(target: Target, operation: httpx.Response, listing: httpx.Response) -> Untestable | None:
    statuses = (operation.status_code, listing.status_code)
    hint = ""
    if target.base_url.rstrip("/").endswith("/api/v1"):
        hint = f"; the base URL is the part before /api/v1: {target.base_url.rstrip('/').removesuffix('/api/v1')}"
    if statuses == (404, 404):
        return Untestable(
            Blocker.NOT_THIS_API, f"not the Toloka API: every request answers 404 ({_said(listing)}){hint}"
        )
    if all(status in _GATEWAY for status in statuses):
        return Untestable(
            Blocker.GATEWAY, f"a gateway error: every request answers {_status(listing)} ({_said(listing)})"
        )
    if not (_is_json(operation) or _is_json(listing)):
        if listing.is_redirect:
            location = listing.headers.get("location", "?")
            return Untestable(
                Blocker.NOT_THIS_API, f"not the Toloka API: it redirects ({_said(listing)} to {location})"
            )
        return Untestable(Blocker.NOT_THIS_API, f"not the Toloka API: it does not answer JSON ({_said(listing)}){hint}")
    return None


def _status(response: httpx.Response) -> str:
    return f"{response.status_code} {response.reason_phrase}".strip()


def _is_json(response: httpx.Response) -> bool:
    try:
        response.json()
    except ValueError:
        return False
    return True


def _said(response: httpx.Response) -> str:
    """`GET /path -> 404 CODE` (the Toloka error code when the body has one, else its content type)."""
    try:
        body = response.json()
    except ValueError:
        body = None
    code = body.get("code") if isinstance(body, dict) else None
    kind = code if isinstance(code, str) else (response.headers.get("content-type", "no body").split(";")[0])
    return f"GET {response.request.url.path} answered {response.status_code} {kind}".rstrip()


def transport_blocker(exc: httpx.TransportError) -> Untestable:
    """The case of a request that got no HTTP answer: refused, DNS, TLS, timeout, or another network error."""
    causes = list(_causes(exc))
    where = _where(exc)
    if isinstance(exc, httpx.TimeoutException):
        return Untestable(Blocker.TIMEOUT, f"no answer from {where} in time ({type(exc).__name__})")
    for cause in causes:
        if isinstance(cause, ssl.SSLError):
            return Untestable(
                Blocker.TLS, f"TLS handshake with {where} failed ({getattr(cause, 'reason', None) or cause})"
            )
        if isinstance(cause, socket.gaierror):
            return Untestable(Blocker.DNS, f"DNS lookup of {where.rsplit(':', 1)[0]} failed ({cause.strerror})")
        if isinstance(cause, ConnectionRefusedError):
            return Untestable(Blocker.REFUSED, f"connection refused: nothing listens at {where}")
    return Untestable(Blocker.NETWORK, f"no HTTP answer from {where} ({type(exc).__name__}: {exc})")


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: BaseException | None = exc
    while seen is not None:
        yield seen
        seen = seen.__cause__ or seen.__context__


def _where(exc: httpx.TransportError) -> str:
    try:
        url = exc.request.url
    except RuntimeError:
        return "the server"
    return f"{url.host}:{url.port or (443 if url.scheme == 'https' else 80)}"
