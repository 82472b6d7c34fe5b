"""Bad requests get the documented 4xx answer, never a 5xx, and never create anything."""

from __future__ import annotations

import json

from toloka_conformance.checks.base import Context, Failed, Skipped, check
from toloka_conformance.checks.support import (
    TASKS,
    expect_error,
    expect_nothing_created,
    expect_status,
    newest_id,
    task,
)

BAD_BODY = (
    "[openapi.yaml BadRequest, TaskCreateBody] Malformed JSON, a body that is neither a non-empty array nor one "
    "task object, one object that is not a valid task, and query parameters of the wrong type answer 400 too."
)
MEDIA_TYPE = "[openapi.yaml UnsupportedMediaType] 415: The body is not `application/json`."
AUTH = (
    "[openapi.yaml TolokaToken] A missing or unknown token answers 401 (AUTHENTICATION_ERROR), under either scheme "
    "(`OAuth <token>`, `ApiKey <key>`)."
)
API_KEY = (
    "[openapi.yaml TolokaToken; toloka-kit: `ApiKey <key>` for an API key, `OAuth <token>` for an OAuth token] An "
    "account's API key is accepted as `ApiKey <key>` as its OAuth token is as `OAuth <token>`."
)

_BAD_BODIES: tuple[tuple[str, bytes], ...] = (
    ("an empty body", b""),
    ("malformed JSON", b"[{"),
    ("an empty array", b"[]"),
    ("an empty object (one task without pool_id or input_values)", b"{}"),
    ("a string", b'"tasks"'),
)


@check("requests.bad_body", "Empty, malformed or not-a-task bodies answer 400 VALIDATION_ERROR", BAD_BODY, creates=1)
def bad_bodies(ctx: Context) -> None:
    """Each malformed body is answered 400 VALIDATION_ERROR (not 5xx, not 2xx)."""
    for description, content in _BAD_BODIES:
        exchange = ctx.api.send("POST", TASKS, content=content, headers={"Content-Type": "application/json"})
        try:
            expect_error(exchange, 400, "VALIDATION_ERROR", BAD_BODY)
        except Failed as failure:
            raise failure.about(description) from None


@check("requests.bad_query", "A non-boolean async_mode answers 400 and creates nothing", BAD_BODY, creates=1)
def bad_query(ctx: Context) -> None:
    """async_mode=maybe is a query parameter of the wrong type: 400, pool unchanged."""
    before = newest_id(ctx, TASKS)
    exchange = ctx.api.post(TASKS, [task(ctx)], async_mode="maybe")
    expect_error(exchange, 400, "VALIDATION_ERROR", BAD_BODY)
    expect_nothing_created(ctx, TASKS, before, BAD_BODY, exchange)


@check("requests.media_type", "A body that is not application/json answers 415", MEDIA_TYPE, creates=1)
def wrong_media_type(ctx: Context) -> None:
    """A valid upload (one valid task) sent as text/plain: 415 UNSUPPORTED_MEDIA_TYPE, nothing created."""
    before = newest_id(ctx, TASKS)
    body = json.dumps([task(ctx)]).encode()
    exchange = ctx.api.send("POST", TASKS, content=body, headers={"Content-Type": "text/plain"})
    expect_status(exchange, 415, MEDIA_TYPE)
    expect_nothing_created(ctx, TASKS, before, MEDIA_TYPE, exchange)


@check("auth.required", "No token or an unknown token: 401, nothing created", AUTH, creates=1)
def auth_required(ctx: Context) -> None:
    """An upload without Authorization, and one with a made-up token, are refused with 401."""
    before = newest_id(ctx, TASKS)
    cases: dict[str, dict[str, str]] = {"no Authorization": {}}
    for scheme, made_up in MADE_UP_CREDENTIALS.items():
        cases[f"{scheme} with an unknown credential"] = {"Authorization": f"{scheme} {made_up}"}
    for description, headers in cases.items():
        exchange = ctx.anonymous.send("POST", TASKS, json_body=[task(ctx)], headers=headers)
        try:
            expect_error(exchange, 401, "AUTHENTICATION_ERROR", AUTH)
        except Failed as failure:
            raise failure.about(description) from None
        expect_nothing_created(ctx, TASKS, before, AUTH, exchange)


# Unknown credentials shaped like each kind: an OAuth token, an API key (two dots, the first at 22-24).
MADE_UP_CREDENTIALS = {
    "OAuth": "conformance-made-up-token",
    "ApiKey": "conformance-made-up-key.abcdef.0123456789abcdef",
}


@check("auth.api_key", "An API key is accepted as `ApiKey <key>`, the OAuth token as `OAuth <token>`", API_KEY)
def api_key_accepted(ctx: Context) -> str:
    """GET the pool's task list with `ApiKey <api key>` and with `OAuth <token>`: 200 both; swapped schemes aside."""
    api_key = getattr(ctx.target, "api_key", None)
    if api_key is None:
        raise Skipped("needs the account's API key (--api-key-env)")
    token = ctx.target.token
    for scheme, credential in (("ApiKey", api_key), ("OAuth", token)):
        header = f"{scheme} {credential.reveal()}"
        exchange = ctx.anonymous.send(
            "GET", TASKS, params={"pool_id": ctx.target.pool_id, "limit": 1}, headers={"Authorization": header}
        )
        if exchange.status != 200:
            raise Failed(exchange.summary(), expected="200", rule=API_KEY, exchange=exchange).about(
                f"`{scheme} <the account's {'API key' if scheme == 'ApiKey' else 'token'}>`"
            )
    return "`ApiKey <key>` and `OAuth <token>` both read the account's tasks (200)"
